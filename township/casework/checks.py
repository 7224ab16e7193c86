"""System checks: every concrete case model carries the index the sweep and warning boards need."""

from django.apps import apps
from django.core import checks

from township.casework.models import CaseClock


@checks.register(checks.Tags.models)
def check_warning_indexes(app_configs=None, **kwargs):
    models = (
        [model for config in app_configs for model in config.get_models()]
        if app_configs
        else apps.get_models()
    )
    return [
        checks.Warning(
            f"{model._meta.label} has no index on (warning_level, due_at).",
            hint='Add CaseClock.warning_index("<short unique name>") to its Meta.indexes.',
            obj=model,
            id="casework.W001",
        )
        for model in models
        if issubclass(model, CaseClock)
        and not model._meta.proxy  # a proxy shares its concrete model's table and indexes
        and not any(list(index.fields[:2]) == ["warning_level", "due_at"] for index in model._meta.indexes)
    ]
