"""Services: residents' sign-in by phone and SMS code (sign-up on first use), their profile, sign-out."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from services.services.hall_auth import (
    CodeRecentlySent,
    SignInError,
    clean_phone,
    request_sms_code,
    seconds_until_resend,
    sign_in_with_code,
    update_resident_profile,
)
from services.views.hall import resident_required
from township.clients import client_address


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter your mobile phone number.")},
    )

    def clean_phone(self):
        try:
            return clean_phone(self.cleaned_data["phone"])
        except SignInError as error:
            raise ValidationError(str(error)) from None


class CodeForm(PhoneForm):
    code = forms.CharField(
        label=gettext_lazy("SMS code"),
        max_length=12,
        error_messages={"required": gettext_lazy("Enter the six-digit code from the SMS.")},
    )


class ProfileForm(forms.Form):
    real_name = forms.CharField(
        label=gettext_lazy("Real name"),
        max_length=60,
        error_messages={"required": gettext_lazy("Enter your real name as on your identity card.")},
    )
    id_number = forms.CharField(
        label=gettext_lazy("Identity number"),
        max_length=30,
        error_messages={"required": gettext_lazy("Enter your 18-character identity number.")},
    )


def _next_url(request) -> str:
    """Where to go after signing in: a ?next= on this site only, else the online hall."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    try:
        return reverse("services-hall")
    except NoReverseMatch:
        return "/"


def _is_resident(user) -> bool:
    return user.is_authenticated and hasattr(user, "resident") and not hasattr(user, "staff_profile")


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.method == "GET" and _is_resident(request.user):
        return redirect(_next_url(request))
    step = "phone"
    phone_form, code_form = PhoneForm(), None
    if request.method == "POST" and request.POST.get("step") == "code":
        step = "code"
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                user = sign_in_with_code(
                    phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
                )
            except SignInError as error:
                code_form.add_error("code", str(error))
            else:
                login(request, user, backend="township.auth_backends.PortalModelBackend")
                return redirect(_next_url(request))
        elif "phone" in code_form.errors:
            # the number itself is wrong: start again from it
            step, phone_form = "phone", PhoneForm(request.POST)
    elif request.method == "POST":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = phone_form.cleaned_data["phone"]
            try:
                request_sms_code(phone=phone, ip=client_address(request))
            except CodeRecentlySent as notice:
                # the code sent a moment ago is still good: go on to entering it
                messages.info(request, str(notice))
                step, code_form = "code", CodeForm(initial={"phone": phone})
            except SignInError as error:
                phone_form.add_error("phone", str(error))
            else:
                step, code_form = "code", CodeForm(initial={"phone": phone})
    phone = None
    if step == "code":
        phone = code_form.cleaned_data["phone"] if code_form.is_bound else code_form.initial["phone"]
    failed = (phone_form.is_bound and phone_form.errors) or (
        code_form is not None and code_form.is_bound and code_form.errors
    )
    return render(
        request,
        "services/hall/account/sign_in.html",
        {
            "step": step,
            "phone_form": phone_form,
            "code_form": code_form,
            "phone": phone,
            "resend_in": seconds_until_resend(phone=phone) if phone else 0,
            "next": _next_url(request),
            "show_outbox_hint": settings.DEBUG,
        },
        status=400 if failed else 200,
    )


@resident_required
@require_http_methods(["GET", "POST"])
def profile(request):
    account = getattr(request.user, "resident", None)
    if account is None:
        # staff have no resident details; their own pages are elsewhere
        return redirect("home")
    form = ProfileForm(
        request.POST if request.method == "POST" else None, initial={"real_name": account.real_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_resident_profile(
                user=request.user,
                real_name=form.cleaned_data["real_name"],
                id_number=form.cleaned_data["id_number"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("services-hall-profile")
    return render(
        request,
        "services/hall/account/profile.html",
        {"form": form, "account": account},
        status=400 if form.errors else 200,
    )


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("services-hall-sign-in")
