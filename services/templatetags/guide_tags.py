"""Template helpers of the service guide: what it may say about applying online."""

from django import template

from services.services.materials import online_channel, paper_only_materials

register = template.Library()


@register.simple_tag
def online_channel_of(version, materials) -> str:
    return online_channel(version, list(materials))


@register.filter
def paper_only(materials) -> list:
    return paper_only_materials(list(materials))
