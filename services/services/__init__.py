"""Services: business actions (the only place that changes state), one function per action, by topic."""

from services.services.appointments import BookingError, book_appointment  # noqa: F401
