from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("Enforcement")

    def ready(self):
        # --- cases (helper "cases") ---
        from enforcement.cases.apps import ready as cases_ready

        cases_ready()
        # --- end cases ---
