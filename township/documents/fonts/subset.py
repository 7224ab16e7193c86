"""Rebuild the subsets of Noto Sans SC that PDFs use (run by hand when the source fonts change).

    python township/documents/fonts/subset.py /path/to/NotoSansSC_400Regular.ttf /path/to/NotoSansSC_700Bold.ttf

The sources are the static TTFs of the npm package @expo-google-fonts/noto-sans-sc (Google Fonts' build of
Noto Sans SC, SIL OFL 1.1; see OFL.txt). Three files come out: the regular and bold faces subset to GBK,
and the regular face's characters outside GBK (rare characters in names, e.g. 䶮) as the fallback. Every
PDF embeds a subset of each face it uses, and WeasyPrint reads the whole file to make it: the fallback
holding only what GBK lacks (2.9 MB instead of the full face's 10.6 MB) makes a PDF with a rare name
cheaper, and one without it does not load the fallback at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
# Printable ASCII and Latin-1, punctuation, letter-like symbols, arrows, maths, enclosed numbers, box drawing
# and shapes, CJK symbols and punctuation, full-width forms: what official documents print besides hanzi.
EXTRA_RANGES = [
    (0x20, 0x7E),
    (0xA0, 0xFF),
    (0x2000, 0x206F),
    (0x2100, 0x22FF),
    (0x2460, 0x25FF),
    (0x3000, 0x303F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
]


def gbk_codepoints() -> set[int]:
    """Every character of GBK (GB 2312 and its extension, 21,886 characters)."""
    points = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                points.add(ord(bytes([lead, trail]).decode("gbk")))
            except UnicodeDecodeError:
                continue
    return points


def common_codepoints() -> set[int]:
    return gbk_codepoints() | {p for low, high in EXTRA_RANGES for p in range(low, high + 1)}


def build(source: Path, family: str, style: str, *, rare: bool = False) -> Path:
    """The GBK subset of `source`, or with `rare` every character of it outside that subset."""
    font = TTFont(source)
    common = common_codepoints()
    points = {p for p in font.getBestCmap() if p not in common} if rare else common
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=points)
    subsetter.subset(font)
    postscript = f"{family.replace(' ', '')}-{style}"
    # a modified font carries a name of its own (OFL 1.1, condition 3)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 3:
            record.string = f"{postscript};subset of {record.toUnicode()}"
        elif record.nameID == 4:
            record.string = f"{family} {style}"
        elif record.nameID == 6:
            record.string = postscript
    target = HERE / f"{postscript}.ttf"
    font.save(target)
    return target


if __name__ == "__main__":
    regular, bold = (Path(arg) for arg in sys.argv[1:3])
    for path in (
        build(regular, "Noto Sans SC GBK", "Regular"),
        build(bold, "Noto Sans SC GBK", "Bold"),
        build(regular, "Noto Sans SC Rare", "Regular", rare=True),
    ):
        print(path, path.stat().st_size)
