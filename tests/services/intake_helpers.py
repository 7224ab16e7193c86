"""Helpers for intake tests: an item with materials, a clerk at a window, and files to upload."""

from django.core.files.uploadedfile import SimpleUploadedFile

from services.models import Necessity
from services.services.checklist import checklist_lines
from services.services.intake import Applicant
from tests.factories import DepartmentFactory, WindowFactory, make_staff
from tests.services.factories import make_item, material_type
from township.org.roles import Role

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name="scan.pdf", data=PDF_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def intake_item(township=None, department=None, **overrides):
    materials = overrides.pop(
        "materials",
        [
            {"name": "居民身份证", "material_type": material_type(), "copy_count": 1},
            {"name": "低保申请书", "original_count": 1},
            {"name": "残疾证", "necessity": Necessity.CONDITIONAL, "condition": "家庭成员有残疾的"},
        ],
    )
    return make_item(township=township, department=department, materials=materials, **overrides)


def clerk_at_window(township):
    clerk = make_staff(Role.WINDOW_CLERK, township=township)
    window = WindowFactory(township=township)
    clerk.staff_profile.window = window
    clerk.staff_profile.save()
    return clerk, window


def applicant(**overrides):
    data = {"name": "张三", "id_number": "11010519491231002X", "phone": "13900000001"}
    data.update(overrides)
    return Applicant(**data)


def full_checklist(application, **states):
    """Every line ticked present, conditional ones not applicable, unless `states` says otherwise
    (keyed by the material's name)."""
    result = {}
    for line in checklist_lines(application, {}):
        state = states.get(line.name, "na" if line.necessity == Necessity.CONDITIONAL else "ok")
        result[line.key] = {"state": state, "note": ""}
    return result


def department(township):
    return DepartmentFactory(township=township)
