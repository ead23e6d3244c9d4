"""The synthesis section, first on the page: candidate jobs as cards (name, customers,
quotes, and the triggers, barriers, big jobs and subtasks of the customers who have them),
then the triggers and barriers, then big jobs and subtasks, and what fell into no candidate."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.report.context import ReportContext
from nlp_jtbd.report.format import esc, fmt_num, missing
from nlp_jtbd.synthesis.structure import link_column, parse_links

JOB = "main_job"
TITLES = {
    "main_job": "Candidate jobs",
    "trigger": "Triggers: what starts the search",
    "barrier": "Barriers: what holds customers back",
    "big_job": "Big jobs behind them",
    "subtask": "Subtasks: the steps inside the jobs",
    "push": "Push", "pull": "Pull", "anxiety": "Anxiety", "habit": "Habit",
}  # fmt: skip
CARDS = 12  # candidate jobs shown as cards; the rest are listed
ROWS = 10  # candidates shown per other category before "more"
LINKS = 4  # linked candidates shown per category on a job card


def _ids(value: object) -> list[str]:
    return [] if missing(value) else [i for i in str(value).split(";") if i]


def _color(ctx: ReportContext, category: str) -> str:
    labels = ctx.categories
    return labels.colors.get(category, "#888") if labels is not None else "#888"


def _reach(row: pd.Series) -> str:
    langs = "" if missing(row.get("languages")) else str(row["languages"]).replace(";", ", ")
    return (
        f"{fmt_num(row['customers'])} customers · {fmt_num(row.get('documents'))} documents · "
        f"{fmt_num(row.get('utterances'))} utterances" + (f" · {esc(langs)}" if langs else "")
    )


def _links(row: pd.Series, names: dict[str, str], categories: list[str]) -> str:
    """The job's linked candidates per category: those two or more of its customers share
    (at most :data:`LINKS`), and how many more only one customer has."""
    items = []
    for category in categories:
        pairs = parse_links(row.get(link_column(category)))
        if not pairs:
            continue
        shared = [(cid, n) for cid, n in pairs if n >= 2][:LINKS]
        shown = "".join(
            f'<li><a href="#{esc(cid)}">{esc(names.get(cid, cid))}</a> '
            f'<span class="muted">{count} customers</span></li>'
            for cid, count in shared
        )
        rest = len(pairs) - len(shared)
        more = f'<span class="muted"> +{rest} by one customer each</span>' if rest else ""
        title = TITLES.get(category, category).split(":")[0]
        items.append(f"<div><b>{esc(title)}</b>{more}<ul>{shown}</ul></div>")
    return f'<div class="links">{"".join(items)}</div>' if items else ""


def job_card(
    ctx: ReportContext, row: pd.Series, names: dict[str, str], categories: list[str]
) -> str:
    quotes = "".join(ctx.quotes.html(uid) for uid in _ids(row.get("quote_ids")))
    return (
        f'<div class="card" id="{esc(row["candidate_id"])}" style="--c:{_color(ctx, JOB)}">'
        f'<h3>{esc(row["name"])}</h3><div class="sub"><code>{esc(row["candidate_id"])}</code> · '
        f'{_reach(row)}</div>{_links(row, names, categories)}<div class="reps">{quotes}</div>'
        "</div>"
    )


def candidate_rows(ctx: ReportContext, table: pd.DataFrame, category: str) -> str:
    """One category's candidates as a list: name, reach, quotes folded."""
    items = []
    for position, (_, row) in enumerate(table.iterrows()):
        quotes = "".join(ctx.quotes.html(uid) for uid in _ids(row.get("quote_ids")))
        first = ctx.quotes.html(_ids(row.get("quote_ids"))[0]) if _ids(row.get("quote_ids")) else ""
        body = (
            f'<li id="{esc(row["candidate_id"])}"><b>{esc(row["name"])}</b> '
            f'<span class="muted">· <code>{esc(row["candidate_id"])}</code> · {_reach(row)}</span>'
            f"<details><summary>Quotes</summary>{quotes or first}</details></li>"
        )
        items.append((position, body))
    shown = "".join(b for p, b in items if p < ROWS)
    rest = "".join(b for p, b in items if p >= ROWS)
    more = (
        f'<details><summary>{len(items) - ROWS} more</summary><ol start="{ROWS + 1}">'
        f"{rest}</ol></details>"
        if rest
        else ""
    )
    return f'<ol class="cands" style="--c:{_color(ctx, category)}">{shown}</ol>{more}'


def coverage_note(ctx: ReportContext) -> str:
    """How many coded utterances of each category fell into no candidate, and why."""
    record = ctx.analysis.summary.get("synthesis")
    if not isinstance(record, dict) or not isinstance(record.get("categories"), dict):
        return ""
    parts = []
    for category, counts in record["categories"].items():
        if not isinstance(counts, dict):
            continue
        parts.append(
            f"{esc(category)}: {fmt_num(counts.get('in_candidates'))} of "
            f"{fmt_num(counts.get('coded'))} in {fmt_num(counts.get('candidates'))} candidates, "
            f"{fmt_num(counts.get('in_no_candidate'))} said by one customer only, "
            f"{fmt_num(counts.get('without_content'))} without content"
        )
    if not parts:
        return ""
    return (
        '<p class="note">Coded utterances in candidates (the rest are counted, not lost: a '
        "statement only one customer made is no candidate; fillers and bare fragments carry "
        "no content): " + "; ".join(parts) + ".</p>"
    )


def synthesis_section(ctx: ReportContext) -> str:
    """The synthesis section; '' (with a note) without candidates.csv."""
    table = ctx.analysis.candidates
    if table is None:
        return ctx.omit("synthesis", f"no {ctx.file_name('candidates')} (an earlier analysis)")
    if table.empty:
        return (
            '<p class="note">No statement was made by two or more customers, so there are no '
            f"candidates yet.</p>{coverage_note(ctx)}"
        )
    names = dict(zip(table["candidate_id"].astype(str), table["name"].astype(str), strict=True))
    categories = list(pd.unique(table["category"].astype(str)))
    parts = [
        '<p class="note">Recurring statements of the customers, grouped across languages and '
        "named in their own words: each candidate counts the customers who say it (a talkative "
        "customer counts once) and quotes different customers. A job's card lists the "
        "triggers, barriers, big jobs and subtasks of the customers who have that job "
        "(customers in common).</p>"
    ]
    jobs = table[table["category"] == JOB]
    if len(jobs):
        cards = "".join(
            job_card(ctx, row, names, categories) for _, row in jobs.head(CARDS).iterrows()
        )
        parts.append(f'<h3>{TITLES[JOB]} ({len(jobs)})</h3><div class="grid">{cards}</div>')
        if len(jobs) > CARDS:
            parts.append(candidate_rows(ctx, jobs.iloc[CARDS:], JOB))
    for category in [c for c in categories if c != JOB]:
        part = table[table["category"] == category]
        title = TITLES.get(category, category.replace("_", " "))
        parts.append(f"<h3>{esc(title)} ({len(part)})</h3>{candidate_rows(ctx, part, category)}")
    parts.append(coverage_note(ctx))
    return "\n".join(parts)


__all__ = ["synthesis_section"]
