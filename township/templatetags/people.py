"""`{{ user|person_name }}`: a person's name as people write it (王小明, not "小明 王" or a username)."""

from django import template

from township.org.models import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    return _person_name(user)
