"""Test-only app: a case model registered with the case kernel like a real app would do."""

from django.apps import AppConfig


class CaseworkTestAppConfig(AppConfig):
    name = "tests.casework_app"
    label = "casework_app"

    def ready(self):
        from tests.casework_app.models import (
            COMPLAINT_ESCALATION,
            COMPLAINT_WORKFLOW,
            Complaint,
            Permit,
            record_notices,
        )
        from township.casework.registry import register_case_type

        register_case_type(Permit, on_warning=record_notices)
        # the one registration a new loop needs
        register_case_type(
            Complaint,
            workflow=COMPLAINT_WORKFLOW,
            label="Complaint",
            escalation=COMPLAINT_ESCALATION,
            number_series="TS",
        )
