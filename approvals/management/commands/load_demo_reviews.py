"""Demo back office: a few more accepted applications of the social-affairs bureau, their reviews started
(the demo `chief` takes them), one overdue and one due soon. Idempotent."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from approvals.services import start_review
from services.models import Application, ApplicationStatus, ServiceItem
from services.services.checklist import checklist_lines
from services.services.intake import Applicant, accept_application, receive_at_window
from township.casework.sweep import sweep_warning_levels
from township.identifiers import id_number_check_char
from township.org.roles import Role

NEIGHBOURS = [("赵敏", "32092319800312006"), ("钱伟", "32092319721105731"), ("孙丽", "32092319950820164")]


class Command(BaseCommand):
    help = "Start the reviews of the demo applications and add a few for the back office (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        clerk = User.objects.filter(username="clerk").select_related("staff_profile__township").first()
        if clerk is None:
            self.stdout.write("no demo clerk; run seed_demo first")
            return
        township = clerk.staff_profile.township
        with transaction.atomic():
            created = 0
            if not Application.objects.filter(
                township=township, applicant_name__in=[n for n, _ in NEIGHBOURS]
            ).exists():
                items = list(
                    ServiceItem.objects.listed()
                    .filter(township=township, department__code="SHSY", current_version__is_immediate=False)
                    .order_by("pk")[:3]
                )
                for (name, first17), item in zip(NEIGHBOURS, items, strict=False):
                    received = receive_at_window(
                        township=township,
                        clerk=clerk,
                        window=clerk.staff_profile.window,
                        item=item,
                        applicant=Applicant(
                            name=name, id_number=first17 + id_number_check_char(first17), phone="13800000009"
                        ),
                    )
                    checklist = {
                        line.key: {"state": "na" if line.necessity == "conditional" else "ok", "note": ""}
                        for line in checklist_lines(received, {})
                    }
                    accept_application(
                        application=received, clerk=clerk, checklist=checklist, with_receipt=False
                    )
                    created += 1
            started = 0
            for pk in Application.objects.filter(
                township=township, status=ApplicationStatus.ACCEPTED, parent__isnull=True
            ).values_list("pk", flat=True):
                start_review(application_id=pk)
                started += 1
            now = timezone.now()
            in_review = list(
                Application.objects.filter(
                    township=township,
                    status=ApplicationStatus.IN_REVIEW,
                    applicant_name__in=[n for n, _ in NEIGHBOURS],
                ).order_by("pk")
            )
            if len(in_review) >= 2 and not in_review[0].warning_level:
                Application.objects.filter(pk=in_review[0].pk).update(
                    due_at=now - timedelta(days=1), yellow_at=now - timedelta(days=4)
                )
                Application.objects.filter(pk=in_review[1].pk).update(
                    due_at=now + timedelta(days=1), yellow_at=now - timedelta(hours=2)
                )
        swept = sweep_warning_levels()
        chiefs = User.objects.filter(groups__name=Role.CHIEF_REPRESENTATIVE).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"demo reviews ready ({created} new applications, {started} reviews started, "
                f"{swept['changed']} warnings, {chiefs} chief representatives on the roster)"
            )
        )
