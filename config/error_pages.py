"""The refusal page (403), in the site's layout, with a way back.

Django's own handler renders 403.html with the request, so the page already has the
header and navigation; this one adds the page the person came from, when that is a page
of this site (the Referer header, checked as Django checks a redirect after sign-in), so
"Go back" returns them there rather than to the start.
"""

from django.http import HttpRequest, HttpResponseForbidden
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme


def back_link(request: HttpRequest) -> str | None:
    """The address the person came from, if it is on this site and not this page."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    if referer == request.build_absolute_uri():
        return None
    return referer


def permission_denied(request: HttpRequest, exception=None) -> HttpResponseForbidden:
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"back": back_link(request)}, request))
