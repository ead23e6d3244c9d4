"""Timecodes such as ``00:01:15``, ``1:02``, ``00:00:01,500`` → seconds."""

from __future__ import annotations

import re

TIMECODE = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_PARTS = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?$")


def parse_timecode(text: str) -> float | None:
    """Seconds for ``[hh:]mm:ss[.mmm]``; ``None`` when it is not a timecode."""
    match = _PARTS.match(text.strip())
    if not match:
        return None
    hours, minutes, seconds, frac = match.groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    if frac:
        value += int(frac) / (10 ** len(frac))
    return round(value, 3)
