"""Request-level protections: the client's address behind trusted proxies, and a cap on
the size of a request body before anything reads it."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def client_ip(request) -> str | None:
    """The address a request came from, for the sign-in lock-out (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = N proxies in front of the app, each appending the address
    it received from to X-Forwarded-For, the client is the N-th entry from the right:
    anything further left was written by the client and could be forged. With no trusted
    proxy the header is ignored and REMOTE_ADDR is the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_REQUEST_BYTES before Django
    reads it (file uploads are otherwise written to disk whole before any view checks
    their size). A proxy in front should enforce the same limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            body = render_to_string(
                "request_too_large.html",
                {"limit": settings.MAX_REQUEST_BYTES, "declared": declared},
                request=request,
            )
            return HttpResponse(body, status=413)
        return self.get_response(request)


class NoNulInAddressMiddleware:
    """Refuse (400) a web address whose query string holds a NUL character. No page uses
    one, PostgreSQL cannot compare text with one (every list filter, ours and the admin's
    and third-party apps', would fail), and a form field's NUL is refused next to the field
    by the models' own validators: this covers the address only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponse(render_to_string("400.html"), status=400)
        return self.get_response(request)
