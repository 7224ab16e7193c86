"""Read queries for the cases' pages, API and escalation, all scoped through township.org.scope."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet

from enforcement.models.cases import (
    CaseOfficer,
    CaseStatus,
    EnforcementCase,
    LegalReview,
    MeasureStatus,
    PreservationMeasure,
    Procedure,
    Publication,
    ReviewOutcome,
)
from township.org.scope import visible_to

S = CaseStatus
OPEN = [
    S.CLUE,
    S.REGISTRATION_PENDING,
    S.INVESTIGATING,
    S.PROPOSED,
    S.NOTIFIED,
    S.HEARING,
    S.HEARD,
    S.DECIDED,
    S.SERVED,
    S.COURT,
    S.TRANSFERRED,
    S.CLOSING,
]


def cases_visible_to(user) -> QuerySet[EnforcementCase]:
    return visible_to(EnforcementCase.objects.all(), user)


def case_for(user, pk: int) -> EnforcementCase | None:
    """One case in the user's scope, or None (a guessed id of another squad is simply not found)."""
    return (
        cases_visible_to(user)
        .select_related(
            "department",
            "entity",
            "power_version__matter",
            "current_proposal__band",
            "notified_proposal",
            "decided_proposal",
            "decision_document",
            "township",
        )
        .filter(pk=pk)
        .first()
    )


def my_cases(user) -> QuerySet[EnforcementCase]:
    """The officer's open cases (those they are assigned to; whoever records a clue is), the nearest time
    limit first, cases without one last."""
    mine = CaseOfficer.objects.filter(officer=user, is_active=True).values("case_id")
    return (
        cases_visible_to(user)
        .filter(pk__in=mine, status__in=OPEN)
        .select_related("entity")
        .only(
            "pk",
            "number",
            "status",
            "summary",
            "place",
            "next_due_at",
            "next_due_label",
            "party_kind",
            "person_name",
            "entity__name",
            "entity__kind",
            "procedure",
            "is_repeat_offence",
        )
        .order_by(F("next_due_at").asc(nulls_last=True), "pk")
    )


def squad_new_clues(user) -> QuerySet[EnforcementCase]:
    """Clues of the user's squad that no officer works yet (passed down without a lead officer), oldest
    first: an officer opens one and takes it on."""
    assigned = CaseOfficer.objects.filter(case=OuterRef("pk"), is_active=True)
    return (
        cases_visible_to(user)
        .filter(status=S.CLUE)
        .exclude(Exists(assigned))
        .only("pk", "number", "status", "summary", "place", "next_due_at", "next_due_label", "source")
        .order_by(F("next_due_at").asc(nulls_last=True), "pk")
    )


def review_queue(user) -> QuerySet[EnforcementCase]:
    """Cases whose current proposal has no review outcome yet (the legal reviewer's queue)."""
    reviewed = LegalReview.objects.filter(case=OuterRef("pk"), proposal=OuterRef("current_proposal"))
    return (
        cases_visible_to(user)
        .filter(status__in=[S.PROPOSED, S.NOTIFIED, S.HEARD], current_proposal__isnull=False)
        .exclude(Exists(reviewed))
        .select_related("current_proposal__band", "entity", "power_version")
        .order_by("next_due_at", "pk")
    )


def head_queue(user) -> dict[str, list]:
    """What waits for the head: registrations, preservation and coercive measures, closings, on-the-spot
    filings, and cases whose decision limit is near (to extend)."""
    cases = cases_visible_to(user)
    return {
        # clues other loops handed to the bureau, waiting to be passed to a squad
        "handovers": list(
            cases.filter(status=S.CLUE, department__code=settings.ENFORCEMENT_BUREAU_CODE)
            .only("pk", "number", "summary", "place", "source", "next_due_at", "created_at")
            .order_by("next_due_at", "pk")[:200]
        ),
        "registrations": list(
            cases.filter(status=S.REGISTRATION_PENDING)
            .select_related("entity", "power_version")
            .order_by("next_due_at")[:200]
        ),
        "choices": list(
            cases.filter(status=S.PROPOSED, head_choice="")
            .select_related("current_proposal")
            .order_by("next_due_at")[:200]
        ),
        "decisions": list(
            cases.filter(status__in=[S.NOTIFIED, S.HEARD])
            .select_related("current_proposal")
            .order_by("next_due_at")[:200]
        ),
        "measures": list(
            PreservationMeasure.objects.filter(case__in=cases, status=MeasureStatus.REQUESTED)
            .select_related("case")
            .order_by("requested_at")[:200]
        ),
        "closings": list(cases.filter(status=S.CLOSING).order_by("next_due_at")[:200]),
        "filings": list(
            cases.filter(procedure=Procedure.SUMMARY, filed_at__isnull=True).order_by("next_due_at")[:200]
        ),
    }


def passed_review(case) -> LegalReview | None:
    return case.legal_reviews.filter(proposal=case.current_proposal, outcome=ReviewOutcome.PASSED).first()


def published_decisions(township=None) -> QuerySet[Publication]:
    """The public list: what the public may see, personal data already masked at publication."""
    queryset = Publication.objects.select_related("township").order_by("-published_at")
    if township is not None:
        queryset = queryset.filter(township=township)
    return queryset


def case_handlers(case_ids) -> dict[int, list[tuple[int, int | None]]]:
    """Escalation: the officers on each case (else who recorded the clue), with the case's squad."""
    found: dict[int, list] = {}
    rows = CaseOfficer.objects.filter(case_id__in=case_ids, is_active=True).values_list(
        "case_id", "officer_id", "case__department_id"
    )
    for case_id, officer_id, department_id in rows:
        found.setdefault(case_id, []).append((officer_id, department_id))
    missing = [pk for pk in case_ids if pk not in found]
    for pk, user_id, department_id in EnforcementCase.objects.filter(pk__in=missing).values_list(
        "pk", "reported_by_id", "department_id"
    ):
        found[pk] = [(user_id, department_id)]
    return found


def describe_warning(case, event) -> str:
    from django.utils.translation import gettext  # noqa: PLC0415 - keeps this module's imports about data

    what = (
        event.deadline.label if getattr(event, "deadline", None) is not None else gettext("Enforcement case")
    )
    if event.level == 2:
        return gettext("Overdue: %(case)s — %(what)s") % {"case": case.number, "what": what}
    return gettext("Due soon: %(case)s — %(what)s") % {"case": case.number, "what": what}
