"""Services: one-time SMS codes for residents' sign-up and sign-in to the online hall."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsCodePurpose(models.TextChoices):
    SIGN_IN = "sign_in", _("Sign in or sign up")


class SmsCode(models.Model):
    """A six-digit code sent to a phone; stored hashed, valid for minutes, a few attempts, used once."""

    phone = models.CharField(_("mobile phone"), max_length=20)
    purpose = models.CharField(_("purpose"), max_length=12, choices=SmsCodePurpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=128)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    requested_ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="svc_smscode_phone_recent")]

    def __str__(self):
        return f"{self.phone} · {self.created_at:%Y-%m-%d %H:%M}"
