"""Services: the online hall for residents: start an application, fill it in, upload materials (or reuse
them from the material library), submit it, follow it, withdraw it."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from services.forms import AgentFields, ApplicantFields, apply_field_errors
from services.models import (
    ApplicationMaterial,
    ApplicationStatus,
    Bundle,
    MaterialType,
    ResidentMaterial,
    ServiceItem,
)
from services.selectors.applications import public_timeline, resident_applications
from services.services.evaluations import is_rateable
from services.services.intake import (
    IntakeError,
    checklist_lines,
    missing_uploads,
    start_online_application,
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
            return redirect_to_login(request.get_full_path(), login_url)
        return view(request, *args, **kwargs)

    return wrapper


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
                application = start_online_application(
                    resident=request.user, item=item, bundle=bundle, agent=agent
                )
            except IntakeError as error:
                form.add_error(None, error.message)
            else:
                return redirect("services-hall-application", pk=application.pk)
    return render(
        request,
        "services/hall/apply.html",
        {"item": item, "bundle": bundle, "form": form, "agent_form": agent_form},
        status=400 if request.method == "POST" else 200,
    )


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
        form = ApplicantFields(
            initial={
                "applicant_kind": application.applicant_kind,
                "applicant_name": application.applicant_name,
                "applicant_id_number": application.applicant_id_number,
                "applicant_phone": application.applicant_phone,
                "enterprise_name": application.enterprise_name,
                "credit_code": application.credit_code,
                "delivery_method": application.delivery_method,
                "postal_address": application.postal_address,
            }
        )
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
    }


@resident_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    application = _own(request, pk)
    form = None
    if request.method == "POST":
        form = ApplicantFields(request.POST)
        if form.is_valid():
            try:
                update_draft(
                    application=application,
                    by=request.user,
                    applicant=form.applicant(),
                    note=request.POST.get("note", "")[:2000],
                    delivery=form.delivery(),
                )
            except IntakeError as error:
                form.add_error(None, error.message)
                apply_field_errors(form, error.field_errors)
            else:
                if request.POST.get("then") == "submit":
                    return _submit(request, application)
                messages.success(request, _("Saved. You can come back and finish later."))
                return redirect("services-hall-application", pk=pk)
        application.refresh_from_db()
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "services/hall/application.html",
        _detail_context(request, application, form=form),
        status=status,
    )


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


@resident_required
@require_POST
def upload(request, pk):
    application = _own(request, pk)
    try:
        if request.POST.get("library"):
            reuse_library_material(
                application=application,
                requirement_id=request.POST.get("requirement", ""),
                library_material_id=parse_pk(request.POST["library"]),
                by=request.user,
            )
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise IntakeError(_("Choose a file to upload."))
            attach_material(
                application=application,
                requirement_id=request.POST.get("requirement", ""),
                upload=upload,
                by=request.user,
            )
    except IntakeError as error:
        return render(
            request,
            "services/hall/application.html",
            _detail_context(request, application, upload_error=error.message),
            status=400,
        )
    messages.success(request, _("Uploaded."))
    return redirect("services-hall-application", pk=pk)


@resident_required
@require_POST
def remove_upload(request, pk, material_pk):
    application = _own(request, pk)
    material = get_object_or_404(ApplicationMaterial, pk=material_pk, application=application)
    try:
        remove_material(material=material, by=request.user)
    except IntakeError as error:
        messages.error(request, error.message)
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
    from django.http import FileResponse

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
    from itertools import groupby

    from django.utils import timezone

    from services.models import Appointment, AppointmentSlot
    from services.selectors.catalog import default_township, township_by_code
    from services.services.appointments import BookingError, book_appointment, cancel_appointment

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


urlpatterns = [
    path("", hall, name="services-hall"),
    path("apply/<str:code>/", apply, name="services-hall-apply"),
    path("apply/bundle/<int:bundle_pk>/", apply, name="services-hall-apply-bundle"),
    path("applications/<int:pk>/", application_detail, name="services-hall-application"),
    path("applications/<int:pk>/upload/", upload, name="services-hall-upload"),
    path(
        "applications/<int:pk>/materials/<int:material_pk>/remove/",
        remove_upload,
        name="services-hall-remove",
    ),
    path("applications/<int:pk>/submit/", submit, name="services-hall-submit"),
    path("applications/<int:pk>/withdraw/", withdraw, name="services-hall-withdraw"),
    path("appointments/", appointments, name="services-appointments"),
    path("library/", library, name="services-library"),
    path("library/<int:pk>/", library_file, name="services-library-file"),
]
