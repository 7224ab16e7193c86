from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TownshipConfig(AppConfig):
    name = "township"
    verbose_name = _("Portal kernel")
