"""System checks for running in production (`manage.py check --deploy`).

With hashed static file names (STATIC_MANIFEST, on whenever DEBUG is off) every page's
`{% static %}` looks its file up in the manifest that `collectstatic` writes. Without that
manifest, or with one collected before a file was added, every page is a 500 and nobody
can sign in: say so before the app starts rather than on the first request.
"""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, Tags, register

# What collectstatic ignores by default, so these are never in a manifest.
_IGNORED = ["CVS", ".*", "*~"]
_RUN = "Run `python manage.py collectstatic --noinput` before starting the app."


@register(Tags.staticfiles, deploy=True)
def static_manifest_collected(app_configs=None, **kwargs) -> list[Error]:
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):
        return []
    manifest = storage.read_manifest()
    if manifest is None:
        return [
            Error(
                f"No static files manifest ({storage.manifest_name}) in STATIC_ROOT "
                f"({storage.location}): every page would fail with a server error.",
                hint=_RUN,
                id="site.E001",
            )
        ]
    paths, _ = storage.load_manifest()
    collected = set(paths)
    missing = sorted(
        path
        for finder in finders.get_finders()
        for path, _ in finder.list(_IGNORED)
        if path.replace("\\", "/") not in collected
    )
    if missing:
        shown = ", ".join(missing[:5])
        if len(missing) > 5:
            shown += f" and {len(missing) - 5} more"
        return [
            Error(
                f"The static files manifest is out of date: {shown} not collected; pages "
                "using them would fail with a server error.",
                hint=_RUN,
                id="site.E002",
            )
        ]
    return []
