"""System check: PDFs are set in the fonts shipped in township/documents/fonts; without them, empty boxes."""

from django.core import checks

from township.documents.rendering import FONT_FACES, FONTS_DIR

HINT = "They are part of the repository: git checkout -- township/documents/fonts"


def missing_font_files() -> list[str]:
    return sorted({name for _family, _weight, name in FONT_FACES if not (FONTS_DIR / name).is_file()})


@checks.register()
def check_pdf_fonts(app_configs=None, **kwargs):
    missing = missing_font_files()
    if not missing:
        return []
    message = f"PDF fonts missing from {FONTS_DIR}: {', '.join(missing)}; PDFs would show empty boxes."
    return [checks.Error(message, hint=HINT, id="documents.E001")]
