"""Reports as PDF: the report's HTML document rendered by WeasyPrint, A4 landscape.

The stylesheet (and anything else the document links) is read from the static files on
disk through Django's static files finders, never fetched over the network: the fetcher
below refuses every other address, so nothing in a report can make the server request
anything. WeasyPrint is imported when a PDF is first made, not when the app starts: it
is slow to import and parses its own stylesheets as it loads.
"""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

PDF_TYPE = "application/pdf"


def static_file(url: str) -> Path | None:
    """The file on disk for a `/static/...` address (file: or relative), else None."""
    parts = urlsplit(url)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if parts.scheme not in ("file", "") or prefix not in path:
        return None
    name = path.split(prefix, 1)[1]
    if ".." in Path(name).parts:
        return None
    found = finders.find(name)
    return Path(found) if found else None


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves the app's static files from disk; refuses every other address."""

        def fetch(self, url, headers=None):
            found = static_file(url)
            if found is None:
                raise ValueError(f"Reports load only the app's own static files, not {url}")
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, found.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFilesFetcher


def base_url() -> str:
    """A file: address for the static files, so `/static/...` links resolve on disk."""
    return (Path(settings.BASE_DIR) / "static").as_uri() + "/"


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url(), url_fetcher=_fetcher_class()()).write_pdf()
