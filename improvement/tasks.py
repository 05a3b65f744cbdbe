"""Background jobs (django-tasks; in production the database backend and
`manage.py db_worker`, see README "Background jobs")."""

from django_tasks import task


@task()
def build_board_pack(pack_id: int) -> None:
    """Make a board pack's file, recording its progress on the pack as it goes."""
    from improvement.board_pack import build
    from improvement.models import BoardPack

    pack = BoardPack.objects.filter(pk=pack_id).defer("data").first()
    if pack is not None and not pack.finished:
        build(pack)
