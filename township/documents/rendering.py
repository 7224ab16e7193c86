"""HTML-to-PDF with WeasyPrint, fetching nothing but data: URIs, our own static files and our own fonts."""

from __future__ import annotations

import atexit
import functools
import logging
import mimetypes
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# Fonts shipped with the project, so every machine renders the same document (issued documents carry a
# content hash): Noto Sans SC subset to GBK in two faces, and the regular face's characters outside GBK as
# the fallback for the rarer characters of names (e.g. 䶮). Pango takes each character from the first family
# that has it; a PDF embeds (and WeasyPrint reads the whole file of) only the faces it uses.
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FACES = (
    ("Vendored Noto Sans SC GBK", 400, "NotoSansSCGBK-Regular.ttf"),
    ("Vendored Noto Sans SC GBK", 700, "NotoSansSCGBK-Bold.ttf"),
    ("Vendored Noto Sans SC Rare", 400, "NotoSansSCRare-Regular.ttf"),
)

# WeasyPrint logs every layout step at INFO; one line per PDF step drowns the workers' logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class ResourceRefused(ValueError):
    pass


def _static_base() -> str:
    return settings.SITE_URL + settings.STATIC_URL


def _font_file(url: str) -> Path:
    """The local path of one of our font files; any other file: URL is refused."""
    path = Path(url.removeprefix("file://")).resolve()
    if path.parent != FONTS_DIR or path.suffix != ".ttf" or not path.is_file():
        raise ResourceRefused(f"PDFs may read only the project's fonts, not {url}")
    return path


def _static_file(url: str) -> Path:
    """The local path of a static URL; anything else is refused, so a PDF never reaches the network."""
    if url.startswith("file://"):
        return _font_file(url)
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
        from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 - heavy: WeasyPrint loads Pango, so only on the first PDF
    except ImportError:  # older WeasyPrint: a function returning a dict
        from weasyprint import default_url_fetcher  # noqa: PLC0415 - heavy: WeasyPrint loads Pango, so only on the first PDF

        def fetch(url, timeout=10, ssl_context=None):
            if url.startswith("data:"):
                return default_url_fetcher(url)
            path = _static_file(url)
            return {"string": path.read_bytes(), "mime_type": mimetypes.guess_type(path.name)[0]}

        return lambda: fetch

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"data", "http", "https", "file"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def font_face_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{(FONTS_DIR / name).as_uri()}") format("truetype"); }}'
        for family, weight, name in FONT_FACES
    )


# One font configuration per process, used by one render at a time: WeasyPrint copies each @font-face file
# (26 MB in all) into a temporary folder of its configuration, so a configuration per PDF or per thread
# would copy them again and again, and Pango's font maps are not safe to share between threads. Renders
# are CPU-bound under the GIL, so the lock costs little parallelism.
_render_lock = threading.Lock()


@functools.cache
def _font_setup():
    from weasyprint import CSS  # noqa: PLC0415 - heavy: WeasyPrint loads Pango, so only on the first PDF
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - heavy: WeasyPrint loads Pango, so only on the first PDF

    config = FontConfiguration()
    stylesheet = CSS(string=font_face_css(), font_config=config, url_fetcher=_fetcher_factory()())
    return config, stylesheet


# drop the configuration while the interpreter can still remove its temporary folder
atexit.register(_font_setup.cache_clear)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes in the site's language (official documents are in Chinese).

    Relative URLs resolve against SITE_URL, so `{% static %}` images and stylesheets work. The @font-face
    rules of FONT_FACES come first, so templates name those families (see documents/pdf_base.html).
    """
    from weasyprint import HTML  # noqa: PLC0415 - heavy: WeasyPrint loads Pango, so only on the first PDF

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    with _render_lock:
        font_config, font_faces = _font_setup()
        return HTML(
            string=html, base_url=settings.SITE_URL + "/", url_fetcher=_fetcher_factory()()
        ).write_pdf(stylesheets=[font_faces], font_config=font_config)
