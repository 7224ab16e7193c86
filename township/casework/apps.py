"""App configuration of the case kernel; registers its system checks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseworkConfig(AppConfig):
    name = "township.casework"
    label = "casework"
    verbose_name = _("Case kernel")

    def ready(self):
        from township.casework import checks  # noqa: F401 - registers the system checks
        from township.casework.deadlines import dispatch_deadline_warnings
        from township.casework.models import Deadline
        from township.casework.registry import register_case_type

        # A case's extra time limits are swept like cases; their warnings go to the owning case type.
        register_case_type(
            Deadline, label=pgettext_lazy("time limit", "Deadline"), listeners=[dispatch_deadline_warnings]
        )
