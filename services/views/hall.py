"""Services: the online hall for residents: start an application, fill it in, upload materials (or reuse
them from the material library), submit it, follow it, withdraw it."""

from functools import wraps
from itertools import groupby
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.errors import IntakeError
from services.forms import AgentFields, ApplicantFields
from services.models import (
    ApplicationMaterial,
    ApplicationStatus,
    Appointment,
    AppointmentSlot,
    Bundle,
    MaterialType,
    ResidentMaterial,
    ServiceItem,
)
from services.selectors.applications import public_timeline, resident_applications, supplement_progress
from services.selectors.catalog import default_township, township_by_code
from services.services.appointments import BookingError, book_appointment, cancel_appointment
from services.services.checklist import checklist_lines, missing_uploads
from services.services.drafts import delete_draft, start_or_resume_draft
from services.services.evaluations import is_rateable
from services.services.intake import (
    Applicant,
    _validate_parties,
    submit_application,
    update_draft,
    withdraw_application,
)
from services.services.materials import (
    add_to_library,
    attach_material,
    remove_material,
    reuse_library_material,
)
from township.errors import add_to_form
from township.fields import parse_pk

WITHDRAWABLE = {
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.NOTIFIED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.SUPPLEMENT,
}


def resident_required(view):
    """Signed-in users only; others go to the residents' SMS sign-in (or the staff sign-in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            try:
                login_url = reverse("services-hall-sign-in")
            except NoReverseMatch:
                login_url = None
            return redirect_to_login(_come_back_to(request), login_url)
        return view(request, *args, **kwargs)

    return wrapper


def _come_back_to(request) -> str:
    """Where sign-in should return: the page itself, or for a form sent after the session ended (an upload,
    a save) the page the form was on, since its POST-only address cannot be opened after signing in."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("services-hall")


def _own(request, pk):
    return get_object_or_404(resident_applications(request.user), pk=pk)


@resident_required
@require_GET
def hall(request):
    applications = resident_applications(request.user)[:100]
    return render(request, "services/hall/hall.html", {"applications": applications})


class StartForm(forms.Form):
    on_behalf = forms.BooleanField(
        label=gettext_lazy("I am applying on someone else's behalf (agent service)"), required=False
    )


@resident_required
@require_http_methods(["GET", "POST"])
def apply(request, code=None, bundle_pk=None):
    item = bundle = None
    if code is not None:
        item = get_object_or_404(
            ServiceItem.objects.select_related("current_version", "department", "township"),
            implementation_code=code,
            current_version__isnull=False,
        )
    else:
        bundle = get_object_or_404(Bundle.objects.select_related("township"), pk=bundle_pk, is_active=True)
    data = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    form = StartForm(data)
    agent_form = AgentFields(data)
    if request.method == "POST" and form.is_valid() and agent_form.is_valid():
        agent = None
        if form.cleaned_data["on_behalf"]:
            agent = agent_form.agent(user=request.user)
            if not agent.consent_method:
                agent_form.add_error(
                    "consent_method", _("Record how the applicant agreed to you applying for them.")
                )
        if not agent_form.errors:
            try:
                application, is_new = start_or_resume_draft(
                    resident=request.user, item=item, bundle=bundle, agent=agent
                )
            except IntakeError as error:
                form.add_error(None, error.message)
            else:
                if not is_new:
                    messages.info(request, _("You already have a draft for this service; here it is."))
                return redirect("services-hall-application", pk=application.pk)
    return render(
        request,
        "services/hall/apply.html",
        {"item": item, "bundle": bundle, "form": form, "agent_form": agent_form},
        status=400 if request.method == "POST" else 200,
    )


class DraftFields(ApplicantFields):
    """What a resident types into a draft. Length limits are checked here and shown as errors, never by
    the browser's maxlength (which cuts a pasted text silently): the limit travels as data-maxlength to
    the page's counter instead."""

    note = forms.CharField(
        label=gettext_lazy("Note to the service hall"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit = field.widget.attrs.pop("maxlength", None)
            if limit:
                field.widget.attrs["data-maxlength"] = limit


DRAFT_FIELDS = tuple(DraftFields.base_fields)


def _draft_form(application) -> DraftFields:
    return DraftFields(initial={name: getattr(application, name) for name in DRAFT_FIELDS})


def _save_typed(request, application) -> DraftFields | None:
    """Save what the resident typed, whichever button sent it (save, upload, remove, autosave): every valid
    field is saved; an invalid one keeps its saved value and comes back marked, with the typed text."""
    if "applicant_kind" not in request.POST or not application.is_editable_by_resident:
        return None
    form = DraftFields(request.POST)
    form.is_valid()
    value = {name: form.cleaned_data.get(name, getattr(application, name)) for name in DRAFT_FIELDS}
    if value["applicant_kind"] not in dict(form.fields["applicant_kind"].choices):
        value["applicant_kind"] = application.applicant_kind
    try:
        update_draft(
            application=application,
            by=request.user,
            applicant=Applicant(
                kind=value["applicant_kind"],
                name=value["applicant_name"],
                id_number=value["applicant_id_number"],
                phone=value["applicant_phone"],
                enterprise_name=value["enterprise_name"],
                credit_code=value["credit_code"],
            ),
            note=value["note"],
            delivery={"method": value["delivery_method"], "address": value["postal_address"]},
        )
    except IntakeError as error:
        add_to_form(form, error, summary=not form.errors)
    application.refresh_from_db()
    return form


def _detail_context(request, application, *, form=None, upload_error=None):
    lines = checklist_lines(application)
    files: dict[str, list] = {}
    for material in application.materials.all():
        files.setdefault(str(material.requirement_id), []).append(material)
    library: dict[int, list] = {}
    for stored in ResidentMaterial.objects.filter(resident=request.user).select_related("material_type"):
        library.setdefault(stored.material_type_id, []).append(stored)
    for line in lines:
        line.files = files.get(line.key, [])
        line.library = library.get(line.material_type_id, []) if line.material_type_id else []
    if form is None and application.is_editable_by_resident:
        form = _draft_form(application)
    return {
        "application": application,
        "lines": lines,
        "form": form,
        "upload_error": upload_error,
        "timeline": public_timeline(application) if application.number else [],
        "children": application.children.select_related("department", "item_version"),
        "may_withdraw": application.status in WITHDRAWABLE,
        "may_rate": is_rateable(application) and not hasattr(application, "evaluation"),
        "missing": missing_uploads(application) if application.is_editable_by_resident else [],
        "supplement": supplement_progress(application) if application.status == "supplement" else [],
    }


def _render_detail(request, application, *, form=None, upload_error=None, status=200):
    return render(
        request,
        "services/hall/application.html",
        _detail_context(request, application, form=form, upload_error=upload_error),
        status=status,
    )


@resident_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    application = _own(request, pk)
    if request.method == "GET":
        return _render_detail(request, application)
    if _chosen_uploads(request):
        return upload(request, pk)  # files chosen, then "save" pressed: they go up with the text
    form = _save_typed(request, application)
    if form is not None and form.errors:
        messages.warning(request, _("Saved, except the fields marked below: please correct them."))
        return _render_detail(request, application, form=form, status=400)
    if request.POST.get("then") in ("check", "submit"):
        return redirect("services-hall-check", pk=pk)
    messages.success(request, _("Saved. You can come back and finish later."))
    return redirect("services-hall-application", pk=pk)


@resident_required
@require_POST
def autosave(request, pk):
    """The page saves the draft by itself as the resident types (static/js/hall_draft.js)."""
    application = _own(request, pk)
    form = _save_typed(request, application)
    if form is None:
        return JsonResponse(
            {"saved": False, "message": _("This application can no longer be changed.")}, status=409
        )
    errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
    return JsonResponse(
        {
            "saved": not errors,
            "at": timezone.localtime().strftime("%H:%M"),
            "errors": errors,
            "message": _("Saved, except the fields marked below: please correct them.") if errors else "",
        },
        status=400 if errors else 200,
    )


@resident_required
@require_GET
def check(request, pk):
    """Check your answers: everything the resident entered and uploaded on one page, with what is still
    missing, before the one button that submits."""
    application = _own(request, pk)
    if not application.is_editable_by_resident:
        return redirect("services-hall-application", pk=pk)
    problems: dict[str, list[str]] = {}
    try:
        _validate_parties(application, complete=True)
    except IntakeError as error:
        problems = error.field_errors
    context = _detail_context(request, application)
    form = context["form"]
    context["answers"] = [
        {
            "name": name,
            "label": form.fields[name].label,
            "value": _shown(application, name),
            "problems": problems.get(name, []),
        }
        for name in DRAFT_FIELDS
        if getattr(application, name) or problems.get(name)
    ]
    context["problems"] = problems
    context["may_submit"] = not problems and not context["missing"]
    return render(request, "services/hall/check.html", context)


def _shown(application, name: str) -> str:
    """A saved answer as the check page shows it: choices by their label, numbers masked as on every page."""
    if name == "applicant_id_number":
        return application.masked_id_number
    if name == "applicant_phone":
        return application.masked_phone
    display = getattr(application, f"get_{name}_display", None)
    return display() if display else getattr(application, name)


def _submit(request, application):
    try:
        application = submit_application(application=application, by=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Submitted. Application number %(number)s, query code %(code)s; we will text you at every step."
            )
            % {"number": application.number, "code": application.query_code},
        )
    return redirect("services-hall-application", pk=application.pk)


def _chosen_uploads(request) -> list[tuple[str, object]]:
    """(requirement, file) for every file chosen on the page: one per line (file-<line>), or the single
    file of a plain upload form (requirement + file)."""
    chosen = [(key.removeprefix("file-"), f) for key, f in request.FILES.items() if key.startswith("file-")]
    if request.FILES.get("file") is not None:
        chosen.append((request.POST.get("requirement", ""), request.FILES["file"]))
    return chosen


def _chosen_library(request) -> tuple[str, int] | None:
    """The library document a "use from my library" button sent: "<line>:<document>", or the older
    requirement + library pair."""
    raw = request.POST.get("library", "")
    if not raw:
        return None
    if ":" in raw:
        requirement, _sep, stored = raw.rpartition(":")
    else:
        requirement, stored = request.POST.get("requirement", ""), raw
    return requirement, parse_pk(stored)


@resident_required
@require_POST
def upload(request, pk):
    """Upload files (or reuse library documents), saving whatever the resident typed on the page with it."""
    application = _own(request, pk)
    form = _save_typed(request, application)
    errors = []
    library = _chosen_library(request)
    chosen = _chosen_uploads(request)
    if library is None and not chosen:
        errors.append(_("Choose a file to upload."))
    if library is not None:
        try:
            reuse_library_material(
                application=application,
                requirement_id=library[0],
                library_material_id=library[1],
                by=request.user,
            )
        except IntakeError as error:
            errors.append(error.message)
    for requirement, chosen_file in chosen:
        try:
            attach_material(
                application=application,
                requirement_id=requirement,
                upload=chosen_file,
                by=request.user,
                supplement_item=request.POST.get("supplement_item", ""),
            )
        except IntakeError as error:
            errors.append(error.message)
    if errors or (form is not None and form.errors):
        return _render_detail(
            request, application, form=form, upload_error=" ".join(errors) or None, status=400
        )
    messages.success(request, _("Uploaded."))
    return redirect("services-hall-application", pk=pk)


@resident_required
@require_POST
def remove_upload(request, pk, material_pk):
    application = _own(request, pk)
    form = _save_typed(request, application)
    material = get_object_or_404(ApplicationMaterial, pk=material_pk, application=application)
    try:
        remove_material(material=material, by=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
    if form is not None and form.errors:
        return _render_detail(request, application, form=form, status=400)
    return redirect("services-hall-application", pk=pk)


@resident_required
@require_POST
def submit(request, pk):
    return _submit(request, _own(request, pk))


@resident_required
@require_POST
def withdraw(request, pk):
    application = _own(request, pk)
    if application.status not in WITHDRAWABLE:
        messages.error(request, _("This application can no longer be withdrawn."))
    else:
        try:
            withdraw_application(
                application=application, by=request.user, reason=request.POST.get("reason", "")
            )
        except IntakeError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The application has been withdrawn."))
    return redirect("services-hall-application", pk=pk)


@resident_required
@require_POST
def delete(request, pk):
    application = _own(request, pk)
    try:
        delete_draft(application=application, by=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
        return redirect("services-hall-application", pk=pk)
    messages.success(request, _("The draft has been deleted."))
    return redirect("services-hall")


class LibraryForm(forms.Form):
    material_type = forms.ModelChoiceField(
        label=gettext_lazy("Kind of document"), queryset=MaterialType.objects.all()
    )
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG or PNG)"))
    valid_until = forms.DateField(label=gettext_lazy("Valid until (optional)"), required=False)


@resident_required
@require_http_methods(["GET", "POST"])
def library(request):
    form = LibraryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_to_library(
                resident=request.user,
                material_type=form.cleaned_data["material_type"],
                upload=form.cleaned_data["file"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except IntakeError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Added to your material library."))
            return redirect("services-library")
    stored = ResidentMaterial.objects.filter(resident=request.user).select_related("material_type")
    return render(
        request,
        "services/hall/library.html",
        {"form": form, "stored": stored},
        status=400 if form.errors else 200,
    )


@resident_required
@require_GET
def library_file(request, pk):
    stored = ResidentMaterial.objects.filter(Q(resident=request.user), pk=pk).first()
    if stored is None:
        raise Http404("not yours")
    return FileResponse(
        stored.file.open("rb"), content_type=stored.content_type, filename=stored.original_name
    )


@resident_required
@require_http_methods(["GET", "POST"])
def appointments(request):
    """Book a visit to the service hall: the next days' slots with places left, and my bookings."""
    code = request.GET.get("township", "")
    account = getattr(request.user, "resident", None)
    township = (
        (township_by_code(code) if code else None)
        or getattr(account, "home_township", None)
        or default_township()
    )
    if request.method == "POST":
        raw = request.POST.get("slot") or request.POST.get("cancel") or ""
        try:
            if request.POST.get("cancel"):
                cancel_appointment(appointment_id=parse_pk(raw), resident=request.user)
                messages.success(request, _("Your appointment is cancelled."))
            else:
                booked = book_appointment(slot_id=parse_pk(raw), resident=request.user)
                messages.success(
                    request,
                    _("Booked for %(time)s. At the hall, check in at the kiosk with your mobile number.")
                    % {"time": timezone.localtime(booked.slot.starts_at).strftime("%Y-%m-%d %H:%M")},
                )
        except BookingError as error:
            messages.error(request, str(error))
        return redirect(f"{request.path}?township={township.code}" if township else request.path)
    slots = []
    if township is not None:
        slots = list(
            AppointmentSlot.objects.filter(township=township, starts_at__gt=timezone.now()).order_by(
                "starts_at"
            )[:200]
        )
    days = [
        (day, list(group)) for day, group in groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]
    mine = (
        Appointment.objects.filter(resident=request.user, slot__ends_at__gte=timezone.now())
        .select_related("slot", "township")
        .order_by("slot__starts_at")
    )
    return render(
        request,
        "services/hall/appointments.html",
        {"township": township, "days": days, "mine": mine},
    )
