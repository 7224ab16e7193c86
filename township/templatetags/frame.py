"""`{% frame_cache %}`: the page frame (top bar, language and display-mode switches) rendered once per
process and variant, with holes for what differs per request.

The frame of an anonymous visitor's page is the same for every visitor of a language and display mode,
but for two things: the CSRF token of its forms and the address they come back to. Rendering it was a
quarter of the public tracking page's time. The tag renders its body once with sentinels in place of
those two, keeps the result in this process (a handful of variants: nothing to share between processes,
nothing stale after a deploy), and fills the holes on every request:

    {% frame_cache LANGUAGE_CODE elderly_mode %} … {% csrf_token %} … value="{{ frame_here }}" … {% endframe_cache %}

Inside, `frame_here` is the current address (request.get_full_path); use it instead of reading the
request, which is not there when the frame is drawn for the cache."""

from __future__ import annotations

import threading

from django import template
from django.utils.html import escape

register = template.Library()

CSRF_HOLE = "frame-csrf-hole-7f3a"
HERE_HOLE = "frame-here-hole-7f3a"
MAX_VARIANTS = 64

_frames: dict[tuple, str] = {}
_lock = threading.Lock()


class FrameCacheNode(template.Node):
    def __init__(self, nodelist, vary_on):
        self.nodelist, self.vary_on = nodelist, vary_on

    def render(self, context):
        # the node itself is in the key (and kept alive by it): a recompiled template gets new entries
        key = (self, *(str(v.resolve(context)) for v in self.vary_on))
        html = _frames.get(key)
        if html is None:
            with context.push(csrf_token=CSRF_HOLE, frame_here=HERE_HOLE):
                html = self.nodelist.render(context)
            with _lock:
                if len(_frames) >= MAX_VARIANTS:
                    _frames.clear()
                _frames[key] = html
        request = context.get("request")
        here = escape(request.get_full_path()) if request is not None else ""
        token = context.get("csrf_token")
        # the token is letters and digits (Django's own alphabet); NOTPROVIDED means no forms need one
        token = "" if token in (None, "NOTPROVIDED") else str(token)
        return html.replace(CSRF_HOLE, token).replace(HERE_HOLE, here)


@register.tag("frame_cache")
def frame_cache(parser, token):
    bits = token.split_contents()
    nodelist = parser.parse(("endframe_cache",))
    parser.delete_first_token()
    return FrameCacheNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


def clear() -> None:
    """Forget every drawn frame (tests that change settings the frame shows)."""
    with _lock:
        _frames.clear()
