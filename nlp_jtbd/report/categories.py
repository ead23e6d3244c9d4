"""The categories and Four Forces sections: coded utterances by label, by language and source,
with the most confident quotes."""

from __future__ import annotations

import pandas as pd

from nlp_jtbd.report.context import ReportContext, coded
from nlp_jtbd.report.format import esc, fmt_num, missing, rgba
from nlp_jtbd.report.labels import Labels, Quotes

FORCE_LABELS = ("push", "pull", "anxiety", "habit")
_DIRECTIONS = ("→ switch", "→ switch", "← stay", "← stay")


class CodedSection:
    """One codebook's coded utterances (predictions or forces) as counts, tables and quotes."""

    def __init__(self, ctx: ReportContext, codes: pd.DataFrame, labels: Labels) -> None:
        self.labels = labels
        self.quotes: Quotes = ctx.quotes
        frame = coded(codes)
        utterances = ctx.analysis.utterances
        columns = [c for c in ("lang", "source_type") if c in utterances]
        frame = frame.merge(utterances[["utterance_id", *columns]], on="utterance_id", how="left")
        frame["label"] = frame["label"].astype(str)
        self.coded = frame
        self.counts = frame["label"].value_counts()
        self.n = max(int(self.counts.sum()), 1)
        # the most confident first (rule-decided codes last); ties keep the file's order
        self.ranked = frame.sort_values("quote_rank", ascending=False, kind="stable")

    def count(self, name: str) -> int:
        return int(self.counts.get(name, 0))

    def examples(self, name: str, k: int) -> str:
        """The K most confident quotes coded NAME."""
        hits = self.ranked[self.ranked["label"] == name].head(k)
        return "".join(
            self.quotes.html(
                str(h.utterance_id),
                extra="" if missing(h.confidence) else f"conf {float(h.confidence):.2f}",
            )
            for h in hits.itertuples(index=False)
        )

    def bars(self) -> str:
        """One bar per label, scaled to the most frequent."""
        labels = self.labels
        top = max(int(self.counts.max()), 1) if len(self.counts) else 1
        rows = []
        for name in labels.names:
            count = self.count(name)
            rows.append(
                f'<div title="{esc(labels.definitions.get(name, ""))}">'
                f'<span class="sw" style="background:{labels.colors[name]}"></span>'
                f'{esc(labels.title(name))}</div><div class="barcell"><div class="bar" style="'
                f'width:{80 * count / top:.1f}%;background:{labels.colors[name]}"></div>'
                f"{fmt_num(count)} ({count / self.n:.0%})</div>"
            )
        return f'<div class="bars">{"".join(rows)}</div>'

    def quadrant(self) -> str:
        """The four forces as a 2 × 2 of cards, each with its share and three quotes."""
        labels = self.labels
        boxes = []
        for name, direction in zip(FORCE_LABELS, _DIRECTIONS, strict=True):
            count = self.count(name)
            boxes.append(
                f'<div class="card" style="--c:{labels.colors[name]}"><h3>'
                f"<span>{esc(labels.title(name))}</span>"
                f'<span class="dir">{direction} · {fmt_num(count)} ({count / self.n:.0%})</span>'
                f'</h3><p class="note">{esc(labels.definitions.get(name, ""))}</p>'
                f"{self.examples(name, 3)}</div>"
            )
        return f'<div class="quad">{"".join(boxes)}</div>'

    def crosstab(self, column: str) -> str:
        """Labels × the values of COLUMN (e.g. ``lang``), with shares of each column."""
        labels = self.labels
        frame = self.coded
        table = pd.crosstab(frame["label"], frame[column].fillna("unknown").astype(str))
        table = table.reindex(labels.names, fill_value=0)
        columns = list(table.sum().sort_values(ascending=False).index)
        totals = table.sum()
        head = "".join(
            f'<th class="num">{esc(c)}<br><small>n={fmt_num(totals[c])}</small></th>'
            for c in columns
        )
        body = []
        for name in labels.names:
            shares = [table.at[name, c] / max(totals[c], 1) for c in columns]
            peak = max(shares) or 1
            cells = "".join(
                f'<td class="num" style="background:'
                f'{rgba(labels.colors[name], 0.06 + 0.5 * share / peak)}">'
                f"{fmt_num(table.at[name, c])} <small>{share:.0%}</small></td>"
                for c, share in zip(columns, shares, strict=True)
            )
            body.append(f"<tr><th>{esc(labels.title(name))}</th>{cells}</tr>")
        return (
            f'<div class="wrap"><table><thead><tr><th>{esc(column)}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    def best_quotes(self) -> str:
        """The three most confident quotes of each label that was used ('' when none)."""
        labels = self.labels
        blocks = []
        for name in labels.names:
            if name == labels.fallback or not self.count(name):
                continue
            blocks.append(
                f"<h3>{esc(labels.title(name))}</h3>"
                f'<p class="note">{esc(labels.definitions.get(name, ""))}</p>'
                + self.examples(name, 3)
            )
        if not blocks:
            return ""
        return (
            "<h3>Most confident quotes per category</h3>"
            f"<details open><summary>show / hide</summary>{''.join(blocks)}</details>"
        )

    def render(self, *, quadrant: bool) -> str:
        """The section's body: the quadrant (forces, when all four are there) or the bars,
        the tables by language and source, and (for categories) the best quotes."""
        if quadrant and all(f in self.labels.names for f in FORCE_LABELS):
            parts = [self.quadrant()]
        else:
            parts = [self.bars()]
        for column, title in (("lang", "By language"), ("source_type", "By source")):
            if column in self.coded:
                parts.append(f"<h3>{title}</h3>" + self.crosstab(column))
        if not quadrant:
            best = self.best_quotes()
            if best:
                parts.append(best)
        return "\n".join(parts)


def category_section(ctx: ReportContext) -> str:
    """The JTBD categories (codebook jtbd5); '' without predictions."""
    predictions = ctx.analysis.predictions
    if predictions is None or ctx.categories is None:
        why = f"no {ctx.file_name('predictions')} (run `jtbd classify`)"
        return ctx.omit("categories", why)
    intro = (
        '<p class="note">Each respondent utterance coded with one of the five JTBD '
        "categories (codebook jtbd5) by the classifier; shares are of the column.</p>"
    )
    return intro + CodedSection(ctx, predictions, ctx.categories).render(quadrant=False)


def forces_section(ctx: ReportContext) -> str:
    """The Four Forces (codebook forces4); '' without forces."""
    forces = ctx.analysis.forces
    if forces is None or ctx.forces is None:
        return ""
    intro = (
        '<p class="note">Utterances coded with the Four Forces of Progress (codebook '
        "forces4): push and pull move customers to switch, anxiety and habit hold them "
        "back.</p>"
    )
    return intro + CodedSection(ctx, forces, ctx.forces).render(quadrant=True)


__all__ = ["FORCE_LABELS", "category_section", "forces_section"]
