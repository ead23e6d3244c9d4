"""Values for people and for the page: escaping, number formats and colours."""

from __future__ import annotations

import html
import json
import math
import re

import pandas as pd

# Codebook labels with a colour of their own; other labels take the spare colours in turn.
COLORS = {
    "trigger": "#e8871e",
    "main_job": "#2f6fdb",
    "big_job": "#7b4fc9",
    "subtask": "#1f9e89",
    "barrier": "#d64545",
    "push": "#d9622b",
    "pull": "#2e9e4f",
    "anxiety": "#8e4fc9",
    "habit": "#8a6d3b",
    "none": "#b8bcc4",
}
SPARE = ["#c2185b", "#00838f", "#6d4c41", "#558b2f", "#5e35b1", "#ef6c00", "#455a64"]
OUTLIER = "#a3a9b3"


def missing(value: object) -> bool:
    """Whether VALUE is None or NaN."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def esc(value: object) -> str:
    """VALUE as escaped HTML text ('' for None or NaN)."""
    if missing(value):
        return ""
    return html.escape(str(value), quote=True)


def embed_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def number(value: object) -> float | None:
    """VALUE as a finite float, or None (missing, text, infinite)."""
    if missing(value) or isinstance(value, bool):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def is_number(value: object) -> bool:
    """Whether VALUE is an int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_dict(value: object) -> dict[str, object]:
    """VALUE when it is a dict, else an empty one."""
    return value if isinstance(value, dict) else {}


def fmt_num(value: object) -> str:
    """A number for people: thousands separators, three significant digits below 1000."""
    x = number(value)
    if x is None:
        return "–" if missing(value) else esc(value)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return str(int(x)) if x == int(x) else f"{x:.3g}"


def fmt_pct(value: object) -> str:
    """A share as a whole percentage ('–' when there is none)."""
    x = number(value)
    return "–" if x is None else f"{x:.0%}"


def fmt_p(value: object) -> str:
    """A p or q value with two significant digits ('–' when there is none)."""
    x = number(value)
    return "–" if x is None else f"{x:.2g}"


def fmt_time(seconds: object) -> str:
    """``m:ss`` or ``h:mm:ss``; '' when there is no time."""
    x = number(seconds)
    if x is None:
        return ""
    hours, rest = divmod(int(x), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def stars(q_value: object) -> str:
    """``**`` for q < 0.01, ``*`` for q < 0.05."""
    q = number(q_value)
    return "" if q is None else "**" if q < 0.01 else "*" if q < 0.05 else ""


def rgba(hex_color: str, alpha: float) -> str:
    """``#rrggbb`` with ALPHA as a CSS ``rgba()``."""
    value = hex_color.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha:.2f})"


def cluster_color(rank: int) -> str:
    """The colour of the cluster at RANK (largest first): golden-angle hues."""
    hue = (rank * 137.508) % 360
    lightness = 42 + (rank % 3) * 7
    return f"hsl({hue:.0f},62%,{lightness}%)"


def lift_color(lift: float, expected: object = None) -> str:
    """Red above lift 1, blue below, stronger the further from 1 (log scale, ×4 saturates);
    paler when fewer than 5 customers were expected in the cell."""
    level = max(-2.0, min(2.0, math.log2(max(lift, 1 / 16))))
    count = number(expected)
    weight = 1.0 if count is None else min(1.0, math.sqrt(max(count, 0.0) / 5))
    alpha = 0.06 + 0.6 * weight * abs(level) / 2
    return f"rgba(214,69,69,{alpha:.2f})" if level > 0 else f"rgba(47,111,219,{alpha:.2f})"


def cluster_id(item: object) -> int | None:
    """The cluster id in a cross item such as ``#12 label``."""
    match = re.match(r"#(-?\d+)\b", str(item))
    return int(match.group(1)) if match else None


__all__ = [
    "COLORS",
    "OUTLIER",
    "SPARE",
    "as_dict",
    "cluster_color",
    "cluster_id",
    "embed_json",
    "esc",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "fmt_time",
    "is_number",
    "lift_color",
    "missing",
    "number",
    "rgba",
    "stars",
]
