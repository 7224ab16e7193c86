"""The one public tracking page (/services/track/, the one window's, where the receipt's QR code lands)
finds a number of any loop: an application's itself, another loop's (a resident's or a hotline caller's
grid report) through the view that loop registers here with a test of its numbers.

    register_tracker(recognises=lambda number: is_number_of("SJ", number), view=grid_track_view)

The test must not query the database (it runs for every lookup); the view takes the request (GET to
look up, POST for the loop's own actions such as rating) and renders the result on the same address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from township.identifiers import normalise


@dataclass(frozen=True)
class Tracker:
    recognises: Callable[[str], bool]
    view: Callable


_trackers: list[Tracker] = []


def register_tracker(*, recognises: Callable[[str], bool], view: Callable) -> None:
    if not any(t.view is view for t in _trackers):
        _trackers.append(Tracker(recognises=recognises, view=view))


def tracker_for(number: str) -> Callable | None:
    """The view of the loop whose numbers look like `number`, else None (the page's own kind)."""
    number = normalise(number or "")[:60]
    for tracker in _trackers:
        if tracker.recognises(number):
            return tracker.view
    return None
