"""System check: PDFs need a Chinese font, or every character prints as an empty box."""

import shutil
import subprocess

from django.core import checks

HINT = "Install one: apt-get install -y fonts-noto-cjk (then fc-cache -f)."


def cjk_font_families() -> list[str] | None:
    """Font families fontconfig knows for Chinese; None when fontconfig's fc-list is not there."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        result = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


@checks.register()
def check_cjk_font(app_configs=None, **kwargs):
    families = cjk_font_families()
    if families:
        return []
    if families is None:
        message = "fc-list (fontconfig) was not found, so no Chinese font can be confirmed for PDFs."
    else:
        message = "No Chinese (CJK) font is installed: issued PDFs would show empty boxes instead of text."
    return [checks.Warning(message, hint=HINT, id="documents.W001")]
