"""Template context shared by every page: portal name, navigation, calendar warnings."""

from django.conf import settings

from township import nav


def portal(request):
    user = getattr(request, "user", None)
    context = {"PORTAL_NAME": settings.PORTAL_NAME, "nav_items": [], "calendar_warnings": []}
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav.items_for(user)
        if user.is_staff or hasattr(user, "staff_profile"):
            from township.calendar.schedule import missing_schedule_warnings

            context["calendar_warnings"] = missing_schedule_warnings()
    return context
