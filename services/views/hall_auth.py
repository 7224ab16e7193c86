"""Services: residents' sign-in by phone and SMS code (sign-up on first use), their profile, sign-out."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from services.services.hall_auth import (
    CodeRecentlySent,
    SignInError,
    request_sms_code,
    sign_in_with_code,
    update_resident_profile,
)
from services.views.hall import resident_required


class PhoneForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=20)


class CodeForm(PhoneForm):
    code = forms.CharField(label=gettext_lazy("SMS code"), max_length=6, min_length=6)


class ProfileForm(forms.Form):
    real_name = forms.CharField(label=gettext_lazy("Real name"), max_length=60)
    id_number = forms.CharField(label=gettext_lazy("Identity number"), max_length=20)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    try:
        return reverse("services-hall")
    except NoReverseMatch:
        return "/"


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def sign_in(request):
    step = "phone"
    phone_form, code_form = PhoneForm(), None
    if request.method == "POST" and request.POST.get("step") == "code":
        code_form = CodeForm(request.POST)
        step = "code"
        if code_form.is_valid():
            try:
                user = sign_in_with_code(
                    phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
                )
            except SignInError as error:
                code_form.add_error("code", str(error))
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(_next_url(request))
    elif request.method == "POST":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            try:
                request_sms_code(phone=phone_form.cleaned_data["phone"], ip=_client_ip(request))
            except CodeRecentlySent as notice:
                # the code sent a moment ago is still good: go on to entering it
                messages.info(request, str(notice))
                step = "code"
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
            except SignInError as error:
                phone_form.add_error("phone", str(error))
            else:
                step = "code"
                code_form = CodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
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
        return redirect("home")
    form = ProfileForm(request.POST or None, initial={"real_name": account.real_name})
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
    return redirect("services-hall-sign-in")


urlpatterns = [
    path("sign-in/", sign_in, name="services-hall-sign-in"),
    path("profile/", profile, name="services-hall-profile"),
    path("sign-out/", sign_out, name="services-hall-sign-out"),
]
