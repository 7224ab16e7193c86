"""Grid: the grids of a township and the people who work them (geo), base data, patrols and events."""

# --- gridevents: event catalogue and the six-step loop ---
from grid.models.events import (  # noqa: E402, I001
    DONE_STATES,
    EVENT_WORKFLOW,
    HANDLING_STATES,
    OPEN_STATES,
    CategoryCatalogue,
    CategoryKind,
    CategoryLimit,
    Deferral,
    DeferralStatus,
    EventCategory,
    EventPhoto,
    EventStatus,
    GridEvent,
    LimitStep,
    PhotoKind,
    RejectReason,
    Satisfaction,
    SendBack,
    Summons,
)
from grid.models.channels import Device, EventIntake, EventSource, Supporter
from grid.models.geo import Grid, GridKind, GridRole, GridStaff
from grid.models.hotline import (
    HotlineExtension,
    HotlineOrder,
    HotlineSendBack,
    HotlineStatus,
    HotlineUrgency,
)

# --- end gridevents ---

__all__ = [
    "Device",
    "EventIntake",
    "EventSource",
    "Supporter",
    "Grid",
    "GridKind",
    "GridRole",
    "GridStaff",
    "HotlineExtension",
    "HotlineOrder",
    "HotlineSendBack",
    "HotlineStatus",
    "HotlineUrgency",
    # gridevents
    "DONE_STATES",
    "EVENT_WORKFLOW",
    "HANDLING_STATES",
    "OPEN_STATES",
    "CategoryCatalogue",
    "CategoryKind",
    "CategoryLimit",
    "Deferral",
    "DeferralStatus",
    "EventCategory",
    "EventPhoto",
    "EventStatus",
    "GridEvent",
    "LimitStep",
    "PhotoKind",
    "RejectReason",
    "Satisfaction",
    "SendBack",
    "Summons",
]
