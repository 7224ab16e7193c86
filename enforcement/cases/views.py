"""Pages of the cases: officers at phone width (my cases by deadline, the case with its next steps,
on-site records with photos, evidence, the on-the-spot form), the legal reviewer's queue with the seven
points, the head's approvals, and the public page of published decisions. Every case is looked up in
the user's scope (a guessed id of another squad is a 404); every step is a service (refusals shown on
the form)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from enforcement.cases import forms as f
from enforcement.cases import selectors, services
from enforcement.cases.clocks import limitation_last_day
from enforcement.models.cases import REVIEW_POINTS, WORKFLOW, CaseStatus, EnforcementCase, EvidenceItem
from enforcement.power import rules
from township.casework.clock import remaining
from township.casework.deadlines import deadlines_for
from township.casework.display import Audience, timeline_rows
from township.casework.registry import case_type_of
from township.documents.models import IssuedDocument
from township.errors import DomainError, add_to_form
from township.fields import parse_pk
from township.org.models import Township
from township.org.roles import Role, has_role

S = CaseStatus
OFFICER, HEAD, REVIEWER = Role.ENFORCEMENT_OFFICER, Role.DEPARTMENT_HEAD, Role.LEGAL_REVIEWER


def _require(request, *roles):
    if not request.user.is_superuser and not has_role(request.user, *roles):
        raise PermissionDenied(_("This page is for enforcement staff."))


def _case_or_404(request, pk) -> EnforcementCase:
    case = selectors.case_for(request.user, parse_pk(pk))
    if case is None:
        raise Http404("not in your scope")
    return case


@dataclass
class Step:
    name: str
    label: object
    form: type
    roles: tuple
    states: tuple
    run: object
    form_kwargs: str = ""  # "case", "case_user"


def _run_assign(request, case, data):
    services.assign_officer(case=case, officer=data["officer"], by=request.user)


def _run_party(request, case, data):
    if data["kind"] == "entity":
        services.set_party(case=case, by=request.user, entity=data["entity"])
    else:
        services.set_party(
            case=case,
            by=request.user,
            person_name_=data["person_name"],
            id_number=data["id_number"],
            phone=data.get("phone") or "",
            address=data.get("address") or "",
        )


def _run_request_registration(request, case, data):
    services.request_registration(
        case=case,
        by=request.user,
        power_version=data["power_version"],
        cause=data["cause"],
        opinion=data["opinion"],
        prima_facie=data["prima_facie"],
        penalty_due=data["penalty_due"],
        in_jurisdiction=data["in_jurisdiction"],
    )


def _run_record(request, case, data):
    services.record_investigation(
        case=case,
        by=request.user,
        kind=data["kind"],
        officers=[request.user, data["second_officer"]],
        started_at=data["started_at"],
        ended_at=data["ended_at"],
        place=data["place"],
        content=data["content"],
        subject_name=data.get("subject_name") or "",
        subject_id_number=data.get("subject_id_number") or "",
        weather=data.get("weather") or "",
        witness=data.get("witness") or "",
        photos=data.get("photos") or [],
    )


def _run_propose(request, case, data):
    services.propose_penalty(
        case=case,
        by=request.user,
        band=data["band"],
        fine=data["fine"],
        warning=data["warning"],
        other_penalties=data["other_penalties"],
        facts=data["facts"],
        deviation_reason=data.get("deviation_reason") or "",
        mitigating_ground=data.get("mitigating_ground") or "",
    )


def _run_serve(request, case, data):
    services.serve_decision(
        case=case,
        by=request.user,
        method=data["method"],
        recipient=data["recipient"],
        served_at=data.get("served_at"),
        published_on=data.get("published_on"),
        place=data.get("place") or "",
        witnesses=data.get("witnesses") or "",
        notes=data.get("notes") or "",
    )


def _run_suspension(request, case, data):
    if data.get("ended_on"):
        if not case.suspensions.filter(kind=data["kind"], ended_on__isnull=True).exists():
            services.suspend(case=case, by=request.user, kind=data["kind"], started_on=data["started_on"])
        services.end_suspension(case=case, by=request.user, kind=data["kind"], ended_on=data["ended_on"])
    else:
        services.suspend(case=case, by=request.user, kind=data["kind"], started_on=data["started_on"])


OPEN = (S.INVESTIGATING, S.PROPOSED, S.NOTIFIED, S.HEARING, S.HEARD)
STEPS = [
    Step(
        "pass-to-squad",
        gettext_lazy("Pass to a squad"),
        f.SquadForm,
        (HEAD,),
        (S.CLUE,),
        lambda r, c, d: services.pass_to_squad(
            case=c, squad=d["squad"], lead=d.get("lead"), note=d.get("note") or "", by=r.user
        ),
        "case",
    ),
    Step(
        "assign",
        gettext_lazy("Assign an officer"),
        f.OfficerForm,
        (OFFICER, HEAD),
        (S.CLUE, S.REGISTRATION_PENDING, *OPEN),
        _run_assign,
        "case",
    ),
    Step(
        "party",
        gettext_lazy("The party"),
        f.PartyForm,
        (OFFICER,),
        (S.CLUE, S.REGISTRATION_PENDING, S.INVESTIGATING),
        _run_party,
        "case",
    ),
    Step(
        "request-registration",
        gettext_lazy("Request registration"),
        f.RegistrationForm,
        (OFFICER,),
        (S.CLUE,),
        _run_request_registration,
        "case",
    ),
    Step(
        "approve-registration",
        gettext_lazy("Approve registration"),
        f.ConfirmForm,
        (HEAD,),
        (S.REGISTRATION_PENDING,),
        lambda r, c, d: services.approve_registration(case=c, by=r.user),
    ),
    Step(
        "refuse-registration",
        gettext_lazy("Do not register"),
        f.ReasonForm,
        (HEAD,),
        (S.CLUE, S.REGISTRATION_PENDING),
        lambda r, c, d: services.refuse_registration(case=c, by=r.user, reason=d["reason"]),
    ),
    Step(
        "extend-check",
        gettext_lazy("Extend the clue check"),
        f.ReasonForm,
        (HEAD,),
        (S.CLUE, S.REGISTRATION_PENDING),
        lambda r, c, d: services.extend_clue_check(case=c, by=r.user, reason=d["reason"]),
    ),
    Step(
        "record",
        gettext_lazy("Record an inspection or interview"),
        f.RecordForm,
        (OFFICER,),
        OPEN,
        _run_record,
        "case_user",
    ),
    Step(
        "evidence",
        gettext_lazy("Add evidence"),
        f.EvidenceForm,
        (OFFICER,),
        OPEN,
        lambda r, c, d: services.add_evidence(
            case=c, by=r.user, kind=d["kind"], title=d["title"], file=d.get("file")
        ),
    ),
    Step(
        "measure",
        gettext_lazy("Preserve evidence, seal or seize"),
        f.MeasureForm,
        (OFFICER,),
        OPEN,
        lambda r, c, d: services.request_measure(
            case=c,
            by=r.user,
            kind=d["kind"],
            items=d["items"],
            storage_place=d["storage_place"],
            reason=d["reason"],
        ),
    ),
    Step(
        "propose",
        gettext_lazy("Propose the penalty"),
        f.ProposalForm,
        (OFFICER,),
        (S.INVESTIGATING, S.PROPOSED, S.NOTIFIED, S.HEARD),
        _run_propose,
        "case",
    ),
    Step(
        "conclude",
        gettext_lazy("End of investigation: the head's choice"),
        f.ConcludeForm,
        (HEAD,),
        (S.INVESTIGATING, S.PROPOSED),
        lambda r, c, d: services.conclude_investigation(
            case=c,
            by=r.user,
            choice=d["choice"],
            report=d["report"],
            education_record=d.get("education_record") or "",
        ),
    ),
    Step(
        "discussion",
        gettext_lazy("Record a collective discussion"),
        f.DiscussionForm,
        (HEAD,),
        OPEN,
        lambda r, c, d: services.record_collective_discussion(case=c, by=r.user, **d),
    ),
    Step(
        "notice",
        gettext_lazy("Serve the advance notice"),
        f.ServedAtForm,
        (OFFICER,),
        (S.PROPOSED,),
        lambda r, c, d: services.serve_advance_notice(
            case=c, by=r.user, served_at=d["served_at"], method=d["method"]
        ),
    ),
    Step(
        "waive",
        gettext_lazy("The party waived in writing"),
        f.ConfirmForm,
        (OFFICER,),
        (S.NOTIFIED,),
        lambda r, c, d: services.record_waiver(case=c, by=r.user),
    ),
    Step(
        "request-hearing",
        gettext_lazy("The party requests a hearing"),
        f.RequestedAtForm,
        (OFFICER,),
        (S.NOTIFIED,),
        lambda r, c, d: services.request_hearing(case=c, by=r.user, requested_at=d["requested_at"]),
    ),
    Step(
        "notify-hearing",
        gettext_lazy("Notify the hearing"),
        f.HearingNoticeForm,
        (OFFICER,),
        (S.HEARING,),
        lambda r, c, d: services.notify_hearing(
            case=c, by=r.user, scheduled_at=d["scheduled_at"], place=d["place"], presider=d["presider"]
        ),
        "case",
    ),
    Step(
        "hold-hearing",
        gettext_lazy("Record the hearing"),
        f.HearingRecordForm,
        (OFFICER,),
        (S.HEARING,),
        lambda r, c, d: services.hold_hearing(
            case=c, by=r.user, held_at=d["held_at"], record=d["record"], party_absent=d["party_absent"]
        ),
    ),
    Step(
        "suspend",
        gettext_lazy("Time not counted"),
        f.SuspensionForm,
        (OFFICER,),
        (*OPEN, S.SERVED),
        _run_suspension,
    ),
    Step(
        "extend",
        gettext_lazy("Extend the decision limit"),
        f.ExtendForm,
        (HEAD,),
        OPEN,
        lambda r, c, d: services.extend_decision_limit(case=c, by=r.user, days=d["days"], reason=d["reason"]),
    ),
    Step(
        "decide",
        gettext_lazy("Decide the penalty"),
        f.ConfirmForm,
        (HEAD,),
        (S.NOTIFIED, S.HEARD),
        lambda r, c, d: services.decide_penalty(case=c, by=r.user),
    ),
    Step(
        "serve",
        gettext_lazy("Record service of the decision"),
        f.ServeForm,
        (OFFICER,),
        (S.DECIDED,),
        _run_serve,
    ),
    Step(
        "publish",
        gettext_lazy("Publish the decision"),
        f.ConfirmForm,
        (OFFICER, HEAD),
        (S.DECIDED, S.SERVED, S.COURT, S.CLOSING),
        lambda r, c, d: services.publish_decision(case=c, by=r.user),
    ),
    Step(
        "payment",
        gettext_lazy("Record the payment"),
        f.PaymentForm,
        (OFFICER,),
        (S.SERVED,),
        lambda r, c, d: services.record_payment(case=c, by=r.user, paid_on=d["paid_on"], amount=d["amount"]),
    ),
    Step(
        "instalments",
        gettext_lazy("Approve payment in instalments"),
        f.InstalmentsForm,
        (HEAD,),
        (S.SERVED,),
        lambda r, c, d: services.approve_instalments(
            case=c, by=r.user, schedule=d["schedule"], reason=d["reason"]
        ),
    ),
    Step(
        "request-closing",
        gettext_lazy("Request closing"),
        f.ReasonForm,
        (OFFICER,),
        (S.SERVED, S.COURT, S.TRANSFERRED),
        lambda r, c, d: services.request_closing(case=c, by=r.user, reason=d["reason"]),
    ),
    Step(
        "approve-closing",
        gettext_lazy("Approve closing"),
        f.ConfirmForm,
        (HEAD,),
        (S.CLOSING,),
        lambda r, c, d: services.approve_closing(case=c, by=r.user),
    ),
    Step(
        "file",
        gettext_lazy("File the on-the-spot decision"),
        f.ConfirmForm,
        (HEAD,),
        (S.SERVED, S.CLOSING, S.CLOSED),
        lambda r, c, d: services.file_on_the_spot(case=c, by=r.user),
    ),
    Step(
        "revoke",
        gettext_lazy("Revoke the decision"),
        f.ReasonForm,
        (HEAD,),
        (S.DECIDED, S.SERVED, S.COURT, S.CLOSING, S.CLOSED),
        lambda r, c, d: services.revoke_decision(case=c, by=r.user, reason=d["reason"]),
    ),
    Step(
        "withdraw",
        gettext_lazy("Withdraw the publication"),
        f.ReasonForm,
        (HEAD,),
        (S.REVOKED,),
        lambda r, c, d: services.withdraw_publication(case=c, by=r.user, reason=d["reason"]),
    ),
    Step(
        "archive",
        gettext_lazy("Archive"),
        f.ConfirmForm,
        (OFFICER, HEAD),
        (S.CLOSED,),
        lambda r, c, d: services.archive_case(case=c, by=r.user),
    ),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


def _form(step, request, case, data=None, files=None):
    kwargs = {}
    if step.form_kwargs == "case":
        kwargs["case"] = case
    elif step.form_kwargs == "case_user":
        kwargs.update(case=case, user=request.user)
    return step.form(data, files, prefix=step.name, **kwargs)


def _offered(step, case, user) -> bool:
    if case.status not in step.states:
        return False
    if step.name == "file" and (case.procedure != "summary" or case.filed_at):
        return False
    if step.name == "instalments" and (case.paid_on or case.fine_amount <= 0):
        return False
    if step.name == "publish" and (case.decided_proposal_id is None or hasattr(case, "publication")):
        return False
    return user.is_superuser or has_role(user, *step.roles)


def _source_link(case) -> tuple[str, str] | None:
    """The record the clue came from (a grid event, a hotline order, an inspection task): its number and
    its page (which checks its own scope), so the link is kept both ways."""
    if case.source_type_id is None:
        return None
    record = case.source_type.get_all_objects_for_this_type(pk=case.source_id).first()
    if record is None:
        return None
    try:
        url = case_type_of(record).url_for(record.pk)
    except LookupError:
        url = ""
    return str(getattr(record, "number", "") or record), url


def _case_context(request, case, failed=None):
    now = timezone.now()
    steps = []
    for step in STEPS:
        if not _offered(step, case, request.user):
            continue
        form = failed[1] if failed and failed[0] == step.name else _form(step, request, case)
        steps.append({"step": step, "form": form, "open": bool(failed and failed[0] == step.name)})
    deadlines = [(d, remaining(d, now)) for d in deadlines_for(case)]
    documents = IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id=case.pk
    ).order_by("issued_at", "pk")
    context = {
        "case": case,
        "steps": steps,
        "deadlines": deadlines,
        "documents": documents,
        "officers": case.officers.select_related("officer", "credential"),
        "evidence": case.evidence.select_related("collected_by"),
        "records": case.records.all(),
        "timeline": timeline_rows(case, audience=Audience.STAFF),
        "limitation": limitation_last_day(case),
        "blockers": services.decision_blockers(case, now)
        if case.status in (S.NOTIFIED, S.HEARD, S.PROPOSED)
        else [],
        "review_reasons": services.legal_review_reasons(case) if case.current_proposal_id else [],
        "state_label": WORKFLOW.state_label(case.status),
        "source_link": _source_link(case),
        "instalments": list(case.instalments.all()),
    }
    return context


@login_required
@require_GET
def my_cases(request):
    _require(request, OFFICER, HEAD)
    page = Paginator(selectors.my_cases(request.user), 50).get_page(request.GET.get("page"))
    new_clues = list(selectors.squad_new_clues(request.user)[:50]) if has_role(request.user, OFFICER) else []
    return render(
        request,
        "enforcement/cases/my_cases.html",
        {"page": page, "new_clues": new_clues, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_clue(request):
    _require(request, OFFICER)
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.department_id is None:
        raise PermissionDenied(_("Only an officer of a squad records clues."))
    form = f.ClueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_clue(
                township=profile.township, department=profile.department, by=request.user, **form.cleaned_data
            )
            services.assign_officer(case=case, officer=request.user, by=request.user, is_lead=True)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("enforcement-case", case.pk)
    return render(
        request, "enforcement/cases/clue_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def case_detail(request, pk):
    _require(request, OFFICER, HEAD, REVIEWER)
    case = _case_or_404(request, pk)
    return render(request, "enforcement/cases/case.html", _case_context(request, case))


@login_required
@require_http_methods(["POST"])
def case_step(request, pk, step):
    _require(request, OFFICER, HEAD)
    case = _case_or_404(request, pk)
    found = STEP_BY_NAME.get(step)
    if found is None:
        raise Http404("no such step")
    form = _form(found, request, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            found.run(request, case, form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Done: %(step)s.") % {"step": found.label})
            return redirect(reverse("enforcement-case", args=[case.pk]) + f"#step-{step}")
    case = _case_or_404(request, pk)
    return render(
        request, "enforcement/cases/case.html", _case_context(request, case, failed=(step, form)), status=400
    )


@login_required
@require_GET
def evidence_file(request, pk, item):
    _require(request, OFFICER, HEAD, REVIEWER)
    case = _case_or_404(request, pk)
    evidence = EvidenceItem.objects.filter(case=case, pk=parse_pk(item)).exclude(file="").first()
    if evidence is None:
        raise Http404("no such file")
    return FileResponse(
        evidence.file.open("rb"),
        filename=evidence.file_name,
        content_type=evidence.mime_type or "application/octet-stream",
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary_form(request):
    _require(request, OFFICER)
    profile = getattr(request.user, "staff_profile", None)
    if profile is None or profile.department_id is None:
        raise PermissionDenied(_("Only an officer of a squad decides on the spot."))
    form = f.SummaryForm(request.POST or None, township=profile.township)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.decide_on_the_spot(
                department=profile.department,
                by=request.user,
                power_version=data["power_version"],
                band=data["band"],
                form_number=data["form_number"],
                facts=data["facts"],
                place=data["place"],
                warning=data["warning"],
                fine=data["fine"],
                entity=data.get("entity") if data["kind"] == "entity" else None,
                person_name_=data.get("person_name") or "",
                id_number=data.get("id_number") or "",
                phone=data.get("phone") or "",
                refused_to_sign=data["refused_to_sign"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            return redirect("enforcement-case", case.pk)
    return render(
        request, "enforcement/cases/summary.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def review_queue(request):
    _require(request, REVIEWER)
    return render(
        request, "enforcement/cases/review_queue.html", {"cases": selectors.review_queue(request.user)[:200]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_case(request, pk):
    _require(request, REVIEWER)
    case = _case_or_404(request, pk)
    form = f.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_legal_review(
                case=case,
                by=request.user,
                findings=form.findings(),
                outcome=form.cleaned_data["outcome"],
                opinion=form.cleaned_data["opinion"],
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The legal review is recorded."))
            return redirect("enforcement-review-queue")
    context = _case_context(request, case)
    context.update(form=form, points=REVIEW_POINTS)
    return render(request, "enforcement/cases/review.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def head_queue(request):
    _require(request, HEAD)
    return render(request, "enforcement/cases/head_queue.html", {"queue": selectors.head_queue(request.user)})


@login_required
@require_http_methods(["POST"])
def approve_measure(request, pk, measure):
    _require(request, HEAD)
    case = _case_or_404(request, pk)
    found = case.measures.filter(pk=parse_pk(measure)).first()
    if found is None:
        raise Http404("no such measure")
    try:
        services.approve_measure(measure=found, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("enforcement-head-queue")


# --- public ---------------------------------------------------------------------------------------


@require_GET
def public_decisions(request, township_code=None):
    """公示: published decisions, personal data masked at publication; withdrawn ones say why."""
    township = None
    if township_code is not None:
        township = Township.objects.filter(code=township_code[:12]).first()
        if township is None:
            raise Http404("no such township")
    page = Paginator(selectors.published_decisions(township), 30).get_page(request.GET.get("page"))
    return render(request, "enforcement/cases/public_decisions.html", {"page": page, "township": township})


@require_GET
def public_procedure(request):
    """The enforcement procedure, the bases and the remedies (事前公开)."""
    limits = {
        "hearing_request_days": rules.HEARING_REQUEST_WORKING_DAYS,
        "decision_days": rules.decision_days(),
        "service_days": rules.SERVICE_WORKING_DAYS,
        "payment_days": rules.PAYMENT_DAYS,
        "review_days": rules.REVIEW_DAYS,
        "litigation_months": rules.LITIGATION_MONTHS,
    }
    return render(request, "enforcement/cases/public_procedure.html", {"limits": limits})
