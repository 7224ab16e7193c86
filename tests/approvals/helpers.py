"""Builders for back-office tests: a department with chief representatives and a head, an accepted
application in review."""

from services.models import Bundle, BundleItem
from services.services.intake import accept_application, receive_at_window
from tests.factories import DepartmentFactory, TownshipFactory, make_staff
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.org.roles import Role


class Office:
    """A township's department with `chiefs` chief representatives, a head and an approver, and a clerk."""

    def __init__(self, chiefs=2, township=None, department=None):
        self.township = township or TownshipFactory()
        self.department = department or DepartmentFactory(township=self.township)
        self.chiefs = [
            make_staff(Role.CHIEF_REPRESENTATIVE, department=self.department) for _ in range(chiefs)
        ]
        for n, chief in enumerate(self.chiefs):
            chief.staff_profile.phone = f"1390000{n:04d}"
            chief.staff_profile.save()
        self.head = make_staff(Role.DEPARTMENT_HEAD, department=self.department)
        self.head.staff_profile.phone = "13911110000"
        self.head.staff_profile.save()
        self.clerk, self.window = clerk_at_window(self.township)

    def item(self, **overrides):
        return intake_item(township=self.township, department=self.department, **overrides)

    def accepted(self, item=None, at=None, **applicant_overrides):
        item = item or self.item()
        received = receive_at_window(
            township=self.township,
            clerk=self.clerk,
            window=self.window,
            item=item,
            applicant=applicant(**applicant_overrides),
            at=at,
        )
        return accept_application(
            application=received,
            clerk=self.clerk,
            checklist=full_checklist(received),
            with_receipt=False,
            at=at,
        )

    def in_review(self, item=None, at=None):
        from approvals.services import start_review

        application = self.accepted(item=item, at=at)
        return start_review(application_id=application.pk, at=at)


def assignee_of(application):
    task = application.review_tasks.filter(status="active").select_related("assignee").first()
    return task.assignee if task else None


def bundle_in_review():
    """A two-item bundle (two departments) accepted at the window, each part in review."""
    office = Office(chiefs=1)
    second = Office(chiefs=1, township=office.township)
    items = [office.item(name="出生医学证明登记"), second.item(name="户口登记")]
    bundle = Bundle.objects.create(township=office.township, code="BIRTH", name="出生一件事")
    for order, item in enumerate(items):
        BundleItem.objects.create(bundle=bundle, item=item, order=order)
    received = receive_at_window(
        township=office.township, clerk=office.clerk, bundle=bundle, applicant=applicant()
    )
    parent = accept_application(
        application=received, clerk=office.clerk, checklist=full_checklist(received), with_receipt=False
    )
    from approvals.services import start_review

    start_review(application_id=parent.pk)
    return parent
