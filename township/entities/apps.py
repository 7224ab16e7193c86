from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntitiesConfig(AppConfig):
    name = "township.entities"
    label = "entities"
    verbose_name = _("Market entities")
