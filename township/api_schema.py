"""The API schema class: every operation documents the error responses it can give."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ErrorSerializer = inline_serializer(
    "Error",
    fields={
        "detail": serializers.CharField(
            required=False, help_text=gettext_lazy("What was wrong, for the user.")
        ),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text=gettext_lazy("Messages per field."),
        ),
    },
)


class AutoSchema(SpectacularAutoSchema):
    """Every operation documents its error answers: 400 (bad input, the NUL guard, bad JSON), 404 (no
    such object, or no such page of a list), 403 where it needs a signed-in caller or changes state
    (CSRF), and 401 where an authentication class can challenge. A 400 for a field names the field."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = {"400": _("Bad input."), "404": _("Not found.")}
        needs_sign_in = not all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if needs_sign_in or self.method not in ("GET", "HEAD", "OPTIONS"):
            codes["403"] = _("Not signed in, not allowed, or the CSRF check failed.")
        if needs_sign_in and any(a.authenticate_header(None) for a in self.view.get_authenticators()):
            codes["401"] = _("Not signed in.")
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code, direction=direction
                )
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The machine APIs' key (township.api_keys): the `X-Api-Key` header (or `api_key` for Open311)."""

    target_class = "township.api_keys.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
