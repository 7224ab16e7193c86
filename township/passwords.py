"""Password complexity required by MLPS level 3: letters, digits and a symbol, beyond Django's own checks."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def validate(self, password, user=None):
        classes = [r"[A-Za-z]", r"[0-9]", r"[^A-Za-z0-9]"]
        if not all(re.search(pattern, password) for pattern in classes):
            raise ValidationError(
                _("The password must contain letters, digits and at least one symbol."),
                code="password_character_classes",
            )

    def get_help_text(self):
        return _("Your password must contain letters, digits and at least one symbol.")
