"""Catalog search by name, code, keyword and pinyin (full or initials), ranked, over one township."""

import re
import unicodedata
from dataclasses import dataclass
from itertools import product

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from pypinyin import lazy_pinyin

from services.selectors.catalog import listed_items

_NOT_CHINESE = "\x00"
_ASCII_QUERY = re.compile(r"^[a-z0-9' ]+$")
_KEEP = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
# Residents abbreviate some syllables the way they say them: 儿 in 新生儿 is often typed "r" (xsr).
_ALT_INITIALS = {"儿": "r"}
_MAX_ALT_VARIANTS = 4


@dataclass(frozen=True)
class PinyinKeys:
    full: str
    initials: str
    alternatives: tuple[str, ...]


def pinyin_keys(text: str) -> PinyinKeys:
    """Full pinyin and initials of a text, lower-case, without tones, spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    syllables = lazy_pinyin(text, errors=lambda s: _NOT_CHINESE + s)
    chinese = [ch for ch in text if "\u3400" <= ch <= "\u9fff"]
    full, initials, choices = [], [], []
    position = 0
    for syllable in syllables:
        if syllable.startswith(_NOT_CHINESE):
            kept = _KEEP.sub("", syllable[1:])
            full.append(kept)
            initials.append(kept)
            choices.append([kept])
            continue
        char = chinese[position] if position < len(chinese) else ""
        position += 1
        full.append(syllable)
        initials.append(syllable[:1])
        alternative = _ALT_INITIALS.get(char)
        choices.append([syllable[:1], alternative] if alternative else [syllable[:1]])
    primary = "".join(initials)
    alternatives = []
    for combination in product(*choices):
        variant = "".join(combination)
        if variant != primary and variant not in alternatives:
            alternatives.append(variant)
        if len(alternatives) >= _MAX_ALT_VARIANTS:
            break
    return PinyinKeys(full="".join(full), initials=primary, alternatives=tuple(alternatives))


def search_fields_for(item, version) -> dict[str, str]:
    """The denormalised search columns of an item for its published version (blank when unlisted)."""
    if version is None:
        return dict.fromkeys(
            ("search_name", "search_pinyin", "search_initials", "search_initials_alt", "search_text"), ""
        )
    name = unicodedata.normalize("NFKC", version.name).lower().strip()
    keys = pinyin_keys(name)
    keywords = unicodedata.normalize("NFKC", version.keywords or "").lower().split()
    keyword_keys = [pinyin_keys(word) for word in keywords]
    parts = [
        name,
        keys.full,
        keys.initials,
        *keys.alternatives,
        *keywords,
        *(k.full for k in keyword_keys),
        *(k.initials for k in keyword_keys),
        item.basic_code.lower(),
        item.implementation_code.lower(),
    ]
    # "|" keeps a match from running across two parts.
    return {
        "search_name": name[:200],
        "search_pinyin": keys.full[:600],
        "search_initials": keys.initials[:200],
        "search_initials_alt": " ".join(keys.alternatives)[:200],
        "search_text": "|".join(part for part in parts if part),
    }


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]
    compact: str
    code: str

    def __bool__(self):
        return bool(self.terms)


def parse_query(query: str) -> ParsedQuery:
    text = unicodedata.normalize("NFKC", query or "").strip().lower()
    text = re.sub(r"[|%_\\]", " ", text)
    if _ASCII_QUERY.match(text or "-"):
        # pinyin typed with spaces or apostrophes ("xin sheng er", "xi'an") is one word
        compact = re.sub(r"[' ]", "", text)
        terms = (compact,) if compact else ()
    else:
        terms = tuple(dict.fromkeys(text.split()))
        compact = "".join(terms)
    return ParsedQuery(terms=terms, compact=compact, code=compact.upper())


def search_queryset(queryset: QuerySet, query: str) -> QuerySet:
    """Filter items to those matching every term and order them: exact code, name prefix,
    initials or pinyin prefix, then anything containing the terms; shorter names first."""
    parsed = parse_query(query)
    if not parsed:
        return queryset
    condition = Q()
    for term in parsed.terms:
        # case-sensitive LIKE on a lower-case column so a trigram index can serve it
        condition &= Q(search_text__contains=term)
    prefix = parsed.compact
    rank = Case(
        When(Q(basic_code=parsed.code) | Q(implementation_code=parsed.code), then=Value(0)),
        When(search_name__startswith=prefix, then=Value(1)),
        When(
            Q(search_initials__startswith=prefix)
            | Q(search_initials_alt__startswith=prefix)
            | Q(search_initials_alt__contains=" " + prefix)
            | Q(search_pinyin__startswith=prefix),
            then=Value(2),
        ),
        default=Value(3),
        output_field=IntegerField(),
    )
    return (
        queryset.filter(condition)
        .annotate(search_rank=rank, search_name_length=Length("search_name"))
        .order_by("search_rank", "search_name_length", "search_name", "pk")
    )


def search_items(*, township, query: str, limit: int = 20) -> list:
    """The township's listed items matching a query, best first (an empty query finds nothing)."""
    if not parse_query(query):
        return []
    return list(search_queryset(listed_items(township), query)[:limit])
