"""Demo applications for the run command: something in every list a demo user opens on day one."""

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from services.models import Application, Necessity, ServiceItem
from services.services.checklist import checklist_lines
from services.services.intake import (
    Applicant,
    accept_application,
    receive_at_window,
    start_online_application,
    submit_application,
    update_draft,
)
from services.services.materials import attach_material
from township.identifiers import id_number_check_char
from township.org.models import ResidentAccount
from township.org.roles import Role

# The smallest valid PDF: the demo's "scans".
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# (resident phone, name, identity number first 17 digits, item name fragment)
ONLINE = [
    ("13800000002", "李娜", "32092319880215452", "最低生活保障"),
    ("13800000003", "王强", "32092319750630571", "临时救助"),
]


def _item(township, fragment):
    return (
        ServiceItem.objects.listed()
        .filter(township=township, search_name__contains=fragment, current_version__allows_online=True)
        .select_related("current_version")
        .order_by("pk")
        .first()
    )


def _full_checklist(application):
    return {
        line.key: {"state": "na" if line.necessity == Necessity.CONDITIONAL else "ok", "note": ""}
        for line in checklist_lines(application, {})
    }


def _upload_required(application, by):
    for line in checklist_lines(application, {}):
        if line.necessity == Necessity.REQUIRED and not line.is_shared_data:
            attach_material(
                application=application,
                requirement_id=line.key,
                upload=SimpleUploadedFile("scan.pdf", DEMO_PDF, content_type="application/pdf"),
                by=by,
            )


def load_demo_applications(township) -> int:
    """Idempotent: does nothing once the township has applications."""
    if Application.objects.filter(township=township).exists():
        return 0
    User = get_user_model()
    clerk = User.objects.filter(groups__name=Role.WINDOW_CLERK, staff_profile__township=township).first()
    resident = User.objects.filter(resident__home_township=township).first()
    if clerk is None or resident is None:
        return 0
    created = 0
    with transaction.atomic():
        # The demo resident: one walk-in accepted last time they came, one draft online.
        item = (
            _item(township, "最低生活保障") or ServiceItem.objects.listed().filter(township=township).first()
        )
        account = resident.resident
        walk_in = receive_at_window(
            township=township,
            clerk=clerk,
            window=clerk.staff_profile.window,
            item=item,
            applicant=Applicant(
                name=account.real_name, id_number=account.id_number or "", phone=account.phone
            ),
        )
        accept_application(application=walk_in, clerk=clerk, checklist=_full_checklist(walk_in))
        created += 1
        draft_item = _item(township, "临时救助") or item
        start_online_application(resident=resident, item=draft_item)
        created += 1
        # Two neighbours' online applications wait for the clerk's pre-review.
        for phone, name, first17, fragment in ONLINE:
            user, _new = User.objects.get_or_create(username=f"r{phone}", defaults={"first_name": name})
            if _new:
                user.set_unusable_password()
                user.save()
            id_number = first17 + id_number_check_char(first17)
            ResidentAccount.objects.get_or_create(
                user=user,
                defaults={
                    "phone": phone,
                    "real_name": name,
                    "id_number": id_number,
                    "home_township": township,
                },
            )
            application = start_online_application(resident=user, item=_item(township, fragment) or item)
            update_draft(
                application=application,
                by=user,
                applicant=Applicant(name=name, id_number=id_number, phone=phone),
            )
            _upload_required(application, user)
            submit_application(application=application, by=user)
            created += 1
    return created
