"""Services: business actions (the only place that changes state), one function per action, by topic."""

from services.services.appointments import (  # noqa: F401
    BookingError,
    book_appointment,
    cancel_appointment,
    open_appointment_slots,
)
