"""Template context shared by every page: portal name, navigation, calendar warnings, display mode and
whether the session is a locked device."""

from django.conf import settings

from township import devices, nav
from township.calendar.schedule import missing_schedule_warnings

# The elderly-friendly mode (适老化) lives in a cookie so it sticks for residents who never sign in.
DISPLAY_MODE_COOKIE = "portal_display_mode"


def portal(request):
    user = getattr(request, "user", None)
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "nav_items": [],
        "calendar_warnings": [],
        "elderly_mode": request.COOKIES.get(DISPLAY_MODE_COOKIE) == "elderly",
        "device_locked": bool(devices.locked_path(request)),
    }
    if user is not None and user.is_authenticated:
        context["nav_items"] = nav.items_for(user)
        if user.is_staff or hasattr(user, "staff_profile"):
            context["calendar_warnings"] = missing_schedule_warnings()
    return context
