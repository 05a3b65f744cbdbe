"""The admin's "view on site" link (/admin/r/<content type>/<id>/), for people who may
read the object.

Django's own shortcut redirects any staff user to any object's address, which told a plan
editor the slug of a restricted plan and the secret address of its evidence files. Here
an object the user may not read (improvement.permissions.can_view, the rule every page
applies) is a 404, exactly like one that does not exist.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

from improvement.models import SavedReport
from improvement.permissions import can_view


def may_read(user, obj) -> bool:
    """Whether the object's page would show it to `user`. Anything outside a plan has no
    page of its own, so nobody is sent to one."""
    if isinstance(obj, SavedReport):
        obj = obj.plan
    try:
        return bool(can_view(user, obj))
    except TypeError:  # not part of a plan
        return False


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        obj = model._base_manager.get(pk=object_id)
    except (ObjectDoesNotExist, AttributeError, ValueError, ValidationError):
        raise Http404("Not found") from None
    if not may_read(request.user, obj):
        raise Http404("Not found")
    return shortcut(request, content_type_id, object_id)
