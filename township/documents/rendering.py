"""HTML-to-PDF with WeasyPrint, fetching nothing but data: URIs and our own static files."""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation


class ResourceRefused(ValueError):
    pass


def _static_base() -> str:
    return settings.SITE_URL + settings.STATIC_URL


def _static_file(url: str) -> Path:
    """The local path of a static URL; anything else is refused, so a PDF never reaches the network."""
    base = _static_base()
    if not url.startswith(base):
        raise ResourceRefused(f"PDF resources must be static files or data: URIs, not {url}")
    relative = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
    found = finders.find(relative)
    if not found:
        candidate = (Path(settings.STATIC_ROOT) / relative).resolve()
        if Path(settings.STATIC_ROOT).resolve() in candidate.parents and candidate.is_file():
            found = str(candidate)
    if not found:
        raise ResourceRefused(f"static file not found: {relative}")
    return Path(found)


@functools.cache
def _fetcher_factory():
    """A fetcher for the installed WeasyPrint; imported on first use because loading Pango is slow."""
    try:  # WeasyPrint >= 68: fetchers are URLFetcher subclasses returning URLFetcherResponse
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:  # older WeasyPrint: a function returning a dict
        from weasyprint import default_url_fetcher

        def fetch(url, timeout=10, ssl_context=None):
            if url.startswith("data:"):
                return default_url_fetcher(url)
            path = _static_file(url)
            return {"string": path.read_bytes(), "mime_type": mimetypes.guess_type(path.name)[0]}

        return lambda: fetch

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "http", "https"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes in the site's language (official documents are in Chinese).

    Relative URLs resolve against SITE_URL, so `{% static %}` images and stylesheets work.
    """
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
        return HTML(
            string=html, base_url=settings.SITE_URL + "/", url_fetcher=_fetcher_factory()()
        ).write_pdf()
