"""Every registered ModelAdmin is scoped: a user of another township (holding every role) and a back-office
user of another department of the same township find nothing of township A in any list or change page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from approvals.models import Absence, ReviewStep
from approvals.services import request_supplement
from services.models import Handover, Reception
from tests.approvals.helpers import Office, assignee_of
from tests.factories import CountyFactory, DepartmentFactory, TownshipFactory, make_staff
from tests.services.points.helpers import Network
from township.audit.models import AuditKind
from township.audit.services import record
from township.casework import deadlines
from township.casework.models import LimitUnit
from township.casework.sweep import sweep_warning_levels
from township.casework.urging import urge_case
from township.documents.services import issue_document
from township.org.roles import Role, sync_role_groups

pytestmark = pytest.mark.django_db

# Shared by the whole deployment on purpose (reference data, not a township's): nothing to scope.
SHARED = {
    "auth.group",  # the roles themselves
    "workcalendar.calendaroverride",  # the national holiday calendar with local corrections
    "services.materialtype",  # the catalogue of material kinds every township uses
    "org.county",  # which counties exist (no personal data)
}


@pytest.fixture
def township_a():
    office = Office(chiefs=1)
    application = office.in_review()
    chief = assignee_of(application)
    request_supplement(application=application, by=chief, items=["户口簿"])
    ReviewStep.objects.create(
        item=application.item, stage=1, name="审查", kind="decision", department=office.department
    )
    Absence.objects.create(user=chief, date="2026-12-01")
    deadlines.open_deadline(
        application, kind="check", label="核查", limit_value=1, limit_unit=LimitUnit.WORKING_DAYS, actor=chief
    )
    command = make_staff(Role.COMMAND_CENTRE, township=office.township)
    urge_case(case=application, by=command, note="请尽快", to=chief)
    record(kind=AuditKind.ACTION, user=chief, action="seen in A")
    issue_document(
        township=office.township,
        doc_type="notice",
        title="受理通知",
        template_name="documents/notice.html",
        context={"addressee": "申请人", "body": "现予受理。"},
        subject=application,
    )
    sweep_warning_levels()
    _window_network(office, application)
    return office


def _window_network(office, application):
    """A village point with its staff, a terminal, a forwarded application and its hand-over list."""
    net = Network(township=office.township)
    Reception.objects.create(
        application=application,
        point=net.point,
        received_by=net.village_clerk,
        received_at=application.submitted_at,
        is_forwarded=True,
        handover=Handover.objects.create(
            township=office.township, point=net.point, created_by=net.village_clerk, created_at=timezone.now()
        ),
    )
    net.terminal(application.item)


def _objects_of_a(model, office):
    """The rows of township A (or of its department) in this model, by the path the model has."""
    township = office.township
    manager = model._default_manager
    names = {f.name for f in model._meta.get_fields()}
    if model._meta.label_lower == "org.township":
        return manager.filter(pk=township.pk)
    if "township" in names:
        return manager.filter(township=township)
    for path in ("item__township", "point__township", "user__staff_profile__township", "home_township"):
        root = path.split("__")[0]
        if root in names:
            return manager.filter(**{path: township})
    if model._meta.label_lower in {"casework.timelineentry", "casework.warningevent"}:
        return manager.all()  # every entry in this test belongs to township A's cases
    if model._meta.label_lower == "auth.user":
        return manager.filter(staff_profile__township=township)
    return manager.none()


def _every_role_user(township):
    sync_role_groups()
    user = make_staff(Role.TOWNSHIP_ADMIN, township=township)
    user.groups.set(Group.objects.filter(name__in=[str(r) for r in Role]))
    return user


def _admin_urls(model, obj=None):
    info = model._meta.app_label, model._meta.model_name
    try:
        if obj is None:
            return reverse("admin:{}_{}_changelist".format(*info))
        return reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    except NoReverseMatch:
        return None


def _walk(client, user, office, *, only=None):
    client.force_login(user)
    leaks, checked = [], []
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label in SHARED or (only is not None and label not in only):
            continue
        theirs = list(_objects_of_a(model, office)[:20])
        if not theirs:
            continue
        checked.append(label)
        response = client.get(_admin_urls(model))
        if response.status_code == 200 and "cl" in (response.context or {}):
            listed = {obj.pk for obj in response.context["cl"].result_list}
            if listed & {obj.pk for obj in theirs}:
                leaks.append(f"{label}: listed")
        for obj in theirs[:3]:
            url = _admin_urls(model, obj)
            if url and client.get(url).status_code == 200:
                leaks.append(f"{label} #{obj.pk}: change page opened")
    return leaks, checked


def test_a_user_of_another_township_with_every_role_finds_nothing_in_any_admin(client, township_a):
    stranger = _every_role_user(TownshipFactory(county=CountyFactory()))
    leaks, checked = _walk(client, stranger, township_a)
    assert leaks == []
    # the walk really looked at the township's data in the admins that hold it
    assert {
        "casework.timelineentry",
        "casework.warningevent",
        "casework.deadline",
        "casework.urging",
        "documents.issueddocument",
        "approvals.reviewcase",
        "audit.auditevent",
        "org.department",
        "services.serviceitem",
        "services.servicepoint",
        "services.pointstaff",
        "services.selfserviceterminal",
        "services.reception",
        "services.handover",
    } <= set(checked)


def test_an_approver_of_another_department_finds_nothing_of_this_departments_cases(client, township_a):
    other = DepartmentFactory(township=township_a.township)
    approver = make_staff(Role.CHIEF_REPRESENTATIVE, department=other)
    department_data = {
        "approvals.reviewcase",
        "casework.timelineentry",
        "casework.warningevent",
        "casework.deadline",
        "casework.urging",
        "documents.issueddocument",
    }
    leaks, checked = _walk(client, approver, township_a, only=department_data)
    assert leaks == []
    assert "casework.timelineentry" in checked
