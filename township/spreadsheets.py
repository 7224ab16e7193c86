"""Spreadsheet cells read strictly for django-import-export: widgets any app's import can use."""

import json
import re

from django.utils.translation import gettext as _
from import_export import widgets

from township.org.models import Department, Township


def cell_text(value) -> str:
    """A cell as stripped text; a whole number a spreadsheet stored as a float loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise ValueError(_("“%(value)s” is not a whole number of 0 or more.") % {"value": text})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    TRUE = {"1", "true", "yes", "y", "是", "√", "✓"}
    FALSE = {"0", "false", "no", "n", "否", "×", "✗"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if not text:
            return None
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("“%(value)s” is not yes or no (use 1/0, 是/否 or yes/no).") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("1" if value else "0")


class PairsWidget(widgets.Widget):
    """Steps or FAQ in a cell, one per line: "first | second" (or a JSON list, as the API gives)."""

    def __init__(self, first, second, **kwargs):
        super().__init__(**kwargs)
        self.first, self.second = first, second

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return []
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError as exc:
                raise ValueError(_("The list is not valid JSON: %(error)s") % {"error": exc}) from None
        pairs = []
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            parts = re.split(r"\s*[|｜]\s*", line, maxsplit=1)
            pairs.append({self.first: parts[0], self.second: parts[1] if len(parts) > 1 else ""})
        return pairs

    def render(self, value, obj=None, **kwargs):
        return "\n".join(
            f"{entry.get(self.first, '')} | {entry.get(self.second, '')}" for entry in value or []
        )


class TownshipWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Township, field="code")


class DepartmentWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Department, field="code")
