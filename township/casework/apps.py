"""App configuration of the case kernel; registers its system checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "township.casework"
    label = "casework"
    verbose_name = _("Case kernel")

    def ready(self):
        from township.casework import checks  # noqa: F401 - registers the system checks
