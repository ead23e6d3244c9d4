"""The segments section: the ABCDX value segments' profiles and how they were made."""

from __future__ import annotations

import json

import pandas as pd

from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import esc, fmt_num, fmt_pct, is_number, missing, number


def segment_order(ctx: ReportContext) -> list[str]:
    """The segments in the profiles' order (else sorted, from the segments or the crossing)."""
    a = ctx.analysis
    if a.profiles is not None:
        return [str(s) for s in a.profiles["segment"]]
    if a.segments is not None:
        return sorted(a.segments["segment"].dropna().astype(str).unique())
    found: set[str] = set()
    for table in a.cross.values():
        found.update(table["segment"].dropna().astype(str))
    return sorted(found)


def with_quotes(ctx: ReportContext) -> dict[str, int]:
    """How many customers of each segment also have utterances ({} without segments)."""
    evidence: dict[str, int] = {}
    if ctx.analysis.segments is not None:
        quoted = {c for c in ctx.customer_of.values() if not missing(c)}
        for customer, segment in ctx.segment_of.items():
            evidence[segment] = evidence.get(segment, 0) + (customer in quoted)
    return evidence


def profiles(ctx: ReportContext) -> pd.DataFrame:
    """The segment profiles, or sizes and shares counted from the segments."""
    a = ctx.analysis
    if a.profiles is not None:
        return a.profiles
    assert a.segments is not None
    sizes = a.segments["segment"].astype(str).value_counts()
    return pd.DataFrame(
        {"segment": sizes.index, "size": sizes.to_numpy(), "share": sizes / sizes.sum()}
    )


def market(column: str, value: object) -> str:
    """The top three of a ``*_mix`` cell (JSON of value -> share)."""
    name = esc(column[:-4].replace("_", " "))
    if missing(value):
        return f"<b>{name}</b>: –"
    try:
        mix = json.loads(str(value))
    except json.JSONDecodeError:
        return f"<b>{name}</b>: {esc(value)}"
    if not isinstance(mix, dict):
        return f"<b>{name}</b>: {esc(value)}"
    top = sorted(mix.items(), key=lambda kv: -float(kv[1]) if is_number(kv[1]) else 0)[:3]
    return f"<b>{name}</b>: " + ", ".join(
        f"{esc(k)} {fmt_pct(v) if is_number(v) else esc(v)}" for k, v in top
    )


def profile_table(table: pd.DataFrame, evidence: dict[str, int]) -> str:
    """One row per segment: size, share, customers with quotes, value, medians, mix, text."""
    medians = [c for c in table.columns if c.startswith("median_")]
    mixes = [c for c in table.columns if c.endswith("_mix")]
    head = (
        "<th>segment</th><th class=num>customers</th><th class=num>share</th>"
        + ("<th class=num>with quotes</th>" if evidence else "")
        + ("<th class=num>value score</th>" if "value_score" in table else "")
        + "".join(f"<th class=num>median {esc(c[7:])}</th>" for c in medians)
        + ("<th>market mix</th>" if mixes else "")
        + ("<th>description</th>" if "description" in table else "")
    )
    rows = []
    for row in table.to_dict("records"):
        segment = str(row["segment"])
        small = (
            '<span class="badge">too small</span>'
            if str(row.get("too_small")).lower() == "true"
            else ""
        )
        cells = [
            f"<th>{esc(segment)}{small}</th>",
            f'<td class="num">{fmt_num(row["size"])}</td>',
            f'<td class="num">{fmt_pct(row.get("share"))}</td>',
        ]
        if evidence:
            cells.append(f'<td class="num">{fmt_num(evidence.get(segment, 0))}</td>')
        if "value_score" in table:
            value = number(row.get("value_score"))
            cells.append(f'<td class="num">{"–" if value is None else f"{value:+.2f}"}</td>')
        cells += [f'<td class="num">{fmt_num(row.get(c))}</td>' for c in medians]
        if mixes:
            cells.append(
                '<td class="market">' + "<br>".join(market(c, row.get(c)) for c in mixes) + "</td>"
            )
        if "description" in table:
            cells.append(f'<td class="desc">{esc(row.get("description"))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="wrap"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def how_made(rules: dict[str, object]) -> str:
    """The segmentation's steps and naming, folded ('' when the rules say nothing)."""
    steps = rules.get("transform_and_scaling")
    lines = [str(x) for x in [*(steps if isinstance(steps, list) else []), rules.get("naming")]]
    lines = [x for x in lines if x and x != "None"]
    if not lines:
        return ""
    items = "".join(f"<li>{esc(x)}</li>" for x in lines)
    return f"<details><summary>How the segments were made</summary><ul>{items}</ul></details>"


def segments_section(ctx: ReportContext) -> str:
    """The segments section; '' without segments or their profiles."""
    a = ctx.analysis
    if a.profiles is None and a.segments is None:
        why = f"no {ctx.file_name('segments_profiles')} (run the analysis with customer metrics)"
        return ctx.omit("segments", why)
    parts = [
        '<p class="note">ABCDX value segments from the customer metrics: A–D by value, X '
        'the growth segment; medians are of the segment\'s customers; "with quotes" counts '
        "customers who also have interview or review evidence.</p>",
        profile_table(profiles(ctx), with_quotes(ctx)),
    ]
    made = how_made(a.rules or {})
    if made:
        parts.append(made)
    return "\n".join(parts)


__all__ = ["segment_order", "segments_section"]
