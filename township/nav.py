"""Role-aware navigation: apps register their entries here; the kernel never imports the apps."""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from township.org.roles import roles_of


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    for_residents: bool = False
    # Pages about one township (its queue, its hall) are hidden from staff without one: county admins.
    needs_township: bool = False
    # badge(user) -> a number shown beside the entry (e.g. unread messages); 0 shows nothing
    badge: object = None


_items: list[NavItem] = []


def register(
    label,
    url_name: str,
    *,
    roles=(),
    order: int = 100,
    for_residents: bool = False,
    needs_township: bool = False,
    badge=None,
) -> None:
    """Show an entry to users holding one of `roles`, and with `for_residents` to resident accounts;
    with `needs_township` only to staff who belong to a township."""
    item = NavItem(
        label=label,
        url_name=url_name,
        roles=frozenset(roles),
        order=order,
        for_residents=for_residents,
        badge=badge,
        needs_township=needs_township,
    )
    if item not in _items:
        _items.append(item)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    roles = roles_of(user)
    is_resident = hasattr(user, "resident")
    profile = getattr(user, "staff_profile", None)
    has_township = profile is not None and profile.township_id is not None
    visible = []
    for item in sorted(_items, key=lambda i: i.order):
        if not (item.roles & roles) and not user.is_superuser and not (item.for_residents and is_resident):
            continue
        if item.needs_township and not has_township:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "badge": item.badge(user) if item.badge else 0})
    return visible
