"""One self-contained HTML report of an analysis folder.

No external requests: CSS and JS are inline, the map is drawn on a canvas by our own script, and
the data it needs is embedded as JSON. Every piece of user text goes through :func:`esc`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from nlp_jtbd import __version__
from nlp_jtbd.errors import JTBDError, UsageError
from nlp_jtbd.report.assets import CSS, JS
from nlp_jtbd.report.load import Analysis, load_analysis

MAX_POINTS = 20_000
# Only our own script may run and nothing may be fetched, even if some text escaped escaping.
CSP = (
    "default-src 'none'; script-src 'sha256-"
    + base64.b64encode(hashlib.sha256(JS.encode("utf-8")).digest()).decode("ascii")
    + "'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
)
TOP_ITEMS = {"cluster": 15, "jtbd_segment": 10}
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
FORCE_LABELS = ("push", "pull", "anxiety", "habit")


def esc(value: object) -> str:
    """VALUE as escaped HTML text ('' for None or NaN)."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def embed_json(data: object) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (no ``</``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def number(value: object) -> float | None:
    """VALUE as a finite float, or None (missing, text, infinite)."""
    if _missing(value) or isinstance(value, bool):
        return None
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def fmt_num(value: object) -> str:
    """A number for people: thousands separators, three significant digits below 1000."""
    x = number(value)
    if x is None:
        return "–" if _missing(value) else esc(value)
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return str(int(x)) if x == int(x) else f"{x:.3g}"


def fmt_pct(value: object) -> str:
    x = number(value)
    return "–" if x is None else f"{x:.0%}"


def fmt_p(value: object) -> str:
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


def _rgba(hex_color: str, alpha: float) -> str:
    value = hex_color.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha:.2f})"


def _cluster_color(rank: int) -> str:
    hue = (rank * 137.508) % 360
    lightness = 42 + (rank % 3) * 7
    return f"hsl({hue:.0f},62%,{lightness}%)"


def _cluster_id(item: object) -> int | None:
    """The cluster id in a cross item such as ``#12 label``."""
    match = re.match(r"#(-?\d+)\b", str(item))
    return int(match.group(1)) if match else None


class Labels:
    """A codebook's labels in order, with titles, definitions and colours."""

    def __init__(self, codebook: str, present: Iterable[str]) -> None:
        self.titles: dict[str, str] = {}
        self.definitions: dict[str, str] = {}
        self.fallback = "none"
        order: list[str] = []
        try:
            from nlp_jtbd.codebook.schema import load_codebook

            book = load_codebook(codebook)
            self.fallback = book.fallback_label
            for label in book.labels:
                order.append(label.name)
                self.titles[label.name] = label.title
                self.definitions[label.name] = " ".join(label.definition.split())
        except (JTBDError, OSError, ImportError):
            pass
        present = [str(p) for p in present if not _missing(p)]
        extra = sorted(set(present) - set(order))
        self.names = [n for n in order if n in set(present)] + extra
        if self.fallback in self.names:  # "nothing applies" goes last
            self.names.remove(self.fallback)
            self.names.append(self.fallback)
        spare = iter(SPARE * 10)
        self.colors = {n: COLORS.get(n) or next(spare) for n in self.names}

    def title(self, name: str) -> str:
        return self.titles.get(name, name.replace("_", " "))


class Quotes:
    """Utterances by id: a quote with its document, speaker and timestamp."""

    COLUMNS = ("text", "doc_id", "speaker", "start_s", "source_path", "source_loc", "customer_id")

    def __init__(self, utterances: pd.DataFrame) -> None:
        columns = [c for c in self.COLUMNS if c in utterances.columns]
        frame = utterances.set_index("utterance_id")[columns]
        self.rows: dict[str, dict[str, object]] = frame.to_dict("index")

    def who(self, uid: str) -> str:
        """``doc · speaker`` (plain text) for an utterance id."""
        row = self.rows.get(uid, {})
        parts = [row.get("doc_id"), row.get("speaker")]
        return " · ".join(str(p) for p in parts if not _missing(p))

    def html(self, uid: str, *, text: object = None, extra: str = "") -> str:
        """A <blockquote> for utterance UID (TEXT when the id is unknown); EXTRA is trusted HTML."""
        row = self.rows.get(uid, {})
        body = row.get("text", text)
        if _missing(body) or body == "":
            return ""
        meta = []
        if not _missing(row.get("doc_id")):
            where = ", ".join(
                str(row[k]) for k in ("source_path", "source_loc") if not _missing(row.get(k))
            )
            meta.append(f'<span title="{esc(where)}">{esc(row["doc_id"])}</span>')
        if not _missing(row.get("speaker")):
            meta.append(esc(row["speaker"]))
        stamp = fmt_time(row.get("start_s"))
        if stamp:
            meta.append(stamp)
        meta.append(f"<code>{esc(uid)}</code>")
        if extra:
            meta.append(extra)
        return (
            f'<blockquote class="q"><p>{esc(body)}</p><footer>{" · ".join(meta)}</footer>'
            "</blockquote>"
        )


class Report:
    """Builds the HTML of one analysis folder."""

    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        self.quotes = Quotes(analysis.utterances)
        clusters = analysis.clusters.sort_values(["size", "cluster_id"], ascending=[False, True])
        self.clusters = clusters.reset_index(drop=True)
        self.cluster_color = {
            int(cid): _cluster_color(rank) for rank, cid in enumerate(self.clusters["cluster_id"])
        }
        self.cluster_label = {
            int(row.cluster_id): str(row.label) for row in self.clusters.itertuples()
        }
        self.categories = (
            Labels("jtbd5", analysis.predictions["label"].unique())
            if analysis.predictions is not None
            else None
        )
        self.forces = (
            Labels("forces4", analysis.forces["label"].unique())
            if analysis.forces is not None
            else None
        )
        customers = analysis.utterances.get("customer_id")
        self.customer_of = (
            dict(zip(analysis.utterances["utterance_id"], customers, strict=True))
            if customers is not None
            else {}
        )
        self.segment_of: dict[str, str] = {}
        if analysis.segments is not None:
            seg = analysis.segments.dropna(subset=["customer_id"])
            self.segment_of = dict(
                zip(seg["customer_id"].str.strip(), seg["segment"].astype(str), strict=True)
            )
        self.omitted: list[tuple[str, str]] = []
        self._evidence_cache: dict[str, pd.DataFrame | None] = {}
        self.data: dict[str, object] = {}

    # ----------------------------------------------------------------- page
    def render(self) -> str:
        sections: list[tuple[str, str, Callable[[], str]]] = [
            ("map", "Map", self.map),
            ("clusters", "Clusters", self.cluster_cards),
            ("categories", "Categories", self.category_section),
            ("forces", "Four Forces", self.forces_section),
            ("segments", "Segments", self.segments_section),
            ("crossing", "Segments × evidence", self.crossing),
        ]
        rendered = [(sid, title, build()) for sid, title, build in sections]
        rendered.insert(0, ("overview", "Overview", self.overview()))  # last: knows omissions
        body = "\n".join(
            f'<section id="{sid}">\n<h2>{esc(title)}</h2>\n{content}\n</section>'
            for sid, title, content in rendered
            if content
        )
        nav = " ".join(f'<a href="#{sid}">{esc(t)}</a>' for sid, t, content in rendered if content)
        name = self.a.root.resolve().name
        created = self.a.summary.get("created") or ""
        return (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f"<title>JTBD report · {esc(name)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<header class="top"><h1>Jobs-To-Be-Done evidence · {esc(name)}</h1>'
            f"<p>Analysis {esc(created)} · report written "
            f"{esc(time.strftime('%Y-%m-%d %H:%M'))} by nlp_jtbd {esc(__version__)} · "
            "hover the map for quotes; every quote names its document, speaker, time and "
            "utterance id.</p>"
            f'</header>\n<nav class="toc">{nav}</nav>\n<main>\n{body}\n</main>\n'
            f'<script type="application/json" id="report-data">{embed_json(self.data)}</script>\n'
            f"<script>{JS}</script>\n</body>\n</html>\n"
        )

    # ------------------------------------------------------------- overview
    def overview(self) -> str:
        u = self.a.utterances
        summary = self.a.summary
        tiles = [
            ("documents", u["doc_id"].nunique() if "doc_id" in u else None),
            ("customers", u["customer_id"].dropna().nunique() if "customer_id" in u else None),
            ("utterances", len(u)),
        ]
        if "role" in u:
            tiles.append(("respondent utterances", int((u["role"] != "interviewer").sum())))
        tiles.append(("clusters", len(self.clusters)))
        outliers = int((self.a.assignments["cluster_id"] < 0).sum())
        tiles.append(("unassigned (outliers)", outliers))
        if self.a.segments is not None:
            tiles.append(("customers with a segment", len(self.a.segments)))
        tile_html = "".join(
            f'<div class="tile"><b>{fmt_num(v)}</b><span>{esc(k)}</span></div>'
            for k, v in tiles
            if v is not None
        )
        parts = [f'<div class="tiles">{tile_html}</div>']
        counts = []
        for column, title in (("lang", "Languages"), ("source_type", "Sources")):
            if column in u:
                values = u[column].fillna("unknown").value_counts()
                counts.append(
                    f"<tr><th>{title}</th><td>"
                    + ", ".join(f"{esc(k)} {fmt_num(v)}" for k, v in values.items())
                    + "</td></tr>"
                )
        if counts:
            parts.append(f'<table class="kv">{"".join(counts)}</table>')
        parts.append(self._run_table(summary))
        if self.omitted:
            items = "".join(f"<li><b>{esc(s)}</b>: {esc(why)}</li>" for s, why in self.omitted)
            parts.append(f'<h3>Sections left out</h3><ul class="muted">{items}</ul>')
        files = ", ".join(esc(name) for name in self.a.files)
        parts.append(f'<p class="note">Files in {esc(self.a.root)}: {files}</p>')
        return "\n".join(parts)

    def _run_table(self, summary: dict[str, object]) -> str:
        rows: list[tuple[str, str]] = []
        analyze = _as_dict(summary.get("analyze"))
        if analyze.get("inputs"):
            inputs = analyze["inputs"]
            rows.append(
                ("inputs", ", ".join(map(str, inputs)) if isinstance(inputs, list) else str(inputs))
            )
        if analyze.get("metrics"):
            rows.append(("customer metrics", str(analyze["metrics"])))
        if summary.get("embedding_model"):
            rows.append(("embedding model", str(summary["embedding_model"])))
        if self.categories is not None:
            rows.append(("classifier", "jtbd5 categories: " + ", ".join(self.categories.names)))
        if self.forces is not None:
            rows.append(("forces", "forces4: " + ", ".join(self.forces.names)))
        settings = _as_dict(summary.get("settings"))
        if settings:
            shown = ", ".join(f"{k}={v}" for k, v in settings.items() if k != "input")
            rows.append(("discover settings", shown))
        for key in ("utterances", "clusters", "unassigned", "outlier_share", "peak_rss_mb"):
            if key in summary:
                rows.append((f"discover {key.replace('_', ' ')}", fmt_num(summary[key])))
        for label, seconds in (
            ("seconds per stage", _as_dict(analyze.get("seconds"))),
            ("discover seconds", _as_dict(summary.get("seconds"))),
        ):
            if seconds:
                rows.append((label, ", ".join(f"{k} {fmt_num(v)} s" for k, v in seconds.items())))
        if summary.get("nlp_jtbd_version"):
            rows.append(("nlp_jtbd", f"{summary['nlp_jtbd_version']}, {summary.get('created')}"))
        weights = _as_dict((self.a.rules or {}).get("weights"))
        if weights:
            rows.append(("ABCDX weights", ", ".join(f"{k}={v}" for k, v in weights.items())))
        if not rows:
            return '<p class="note">No summary.json: settings and timings are unknown.</p>'
        body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
        return f'<h3>What was run</h3><table class="kv">{body}</table>'

    # ------------------------------------------------------------------ map
    def map(self) -> str:
        if self.a.map is None:
            self.omitted.append(("map", "no map.csv (written by `jtbd discover`)"))
            return ""
        frame = self.a.map[["utterance_id", "x", "y"]].copy()
        frame["x"] = pd.to_numeric(frame["x"], errors="coerce")
        frame["y"] = pd.to_numeric(frame["y"], errors="coerce")
        frame = frame.dropna(subset=["x", "y"]).drop_duplicates("utterance_id")
        total = len(frame)
        if total > MAX_POINTS:  # a deterministic sample, independent of row order
            hashes = pd.util.hash_pandas_object(frame["utterance_id"], index=False).to_numpy()
            frame = frame.iloc[np.sort(np.argsort(hashes, kind="stable")[:MAX_POINTS])]
        frame = frame.merge(
            self.a.assignments[["utterance_id", "cluster_id"]], on="utterance_id", how="left"
        )
        frame["cluster_id"] = frame["cluster_id"].fillna(-1).astype(int)
        categories = self.categories
        if categories is not None and self.a.predictions is not None:
            labels = self.a.predictions.drop_duplicates("utterance_id").set_index("utterance_id")
            index = {name: i for i, name in enumerate(categories.names)}
            frame["g"] = [index.get(str(v), -1) for v in frame["utterance_id"].map(labels["label"])]
        else:
            frame["g"] = -1
        limit = 240 if len(frame) <= 5000 else 140
        texts, who, stamps = [], [], []
        who_index: dict[str, int] = {}
        for uid in frame["utterance_id"]:
            row = self.quotes.rows.get(uid, {})
            text = "" if _missing(row.get("text")) else str(row["text"])
            texts.append(text if len(text) <= limit else text[: limit - 1] + "…")
            label = self.quotes.who(uid)
            who.append(who_index.setdefault(label, len(who_index)))
            stamps.append(fmt_time(row.get("start_s")))
        sizes = dict(zip(self.clusters["cluster_id"], self.clusters["size"], strict=True))
        labelled = set(self.clusters["cluster_id"].head(30))
        self.data["map"] = {
            "total": total,
            "x": [round(float(v) * 1000) for v in frame["x"].clip(-1, 1)],
            "y": [round(float(v) * 1000) for v in frame["y"].clip(-1, 1)],
            "k": frame["cluster_id"].tolist(),
            "g": frame["g"].astype(int).tolist(),
            "t": texts,
            "u": frame["utterance_id"].tolist(),
            "w": who,
            "who": list(who_index),
            "s": stamps,
            "clusters": [
                [cid, self.cluster_label[cid], self.cluster_color[cid], cid in labelled]
                for cid in self.cluster_label
            ],
            "categories": [
                [name, categories.title(name), categories.colors[name]]
                for name in (categories.names if categories else [])
            ],
        }
        buttons = "".join(
            f'<button type="button" data-key="{cid}"><i style="background:'
            f'{self.cluster_color[cid]}"></i>#{cid} {esc(self.cluster_label[cid])} '
            f"({fmt_num(sizes.get(cid))})</button>"
            for cid in self.cluster_label
        )
        outliers = int((self.a.assignments["cluster_id"] < 0).sum())
        if outliers:
            buttons += (
                f'<button type="button" data-key="-1"><i style="background:{OUTLIER}"></i>'
                f"unassigned ({outliers})</button>"
            )
        mode = ""
        category_legend = ""
        if categories is not None:
            mode = (
                '<label>Colour by <select id="map-mode"><option value="cluster">cluster</option>'
                '<option value="category">JTBD category</option></select></label>'
            )
            category_legend = (
                '<div class="legend" id="map-legend-category" hidden>'
                + "".join(
                    f'<button type="button" data-key="{i}"><i style="background:'
                    f'{categories.colors[n]}"></i>{esc(categories.title(n))}</button>'
                    for i, n in enumerate(categories.names)
                )
                + "</div>"
            )
        shown = len(frame)
        sample = (
            f"all {fmt_num(total)} utterances"
            if shown == total
            else f"{fmt_num(shown)} of {fmt_num(total)} utterances, a fixed sample by id hash"
        )
        return (
            f'<p class="note">Each dot is one utterance placed by its meaning ({sample}); '
            "nearby dots say similar things. Hover a dot for its quote, document and speaker; "
            "click a legend entry to pick out one cluster.</p>"
            f'<div class="maptools">{mode}</div>'
            '<figure class="map"><canvas id="map-canvas" role="img" aria-label="Utterance map">'
            '</canvas><div id="map-tip" class="tip" hidden><div class="tip-t"></div>'
            '<div class="tip-m"></div></div></figure>'
            f'<div class="legend" id="map-legend-cluster">{buttons}</div>{category_legend}'
        )

    # ------------------------------------------------------------- clusters
    def _coded(self, codes: pd.DataFrame) -> pd.DataFrame:
        frame = codes.drop_duplicates("utterance_id").copy()
        if "confidence" not in frame:
            frame["confidence"] = np.nan
        frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce")
        return frame

    def cluster_cards(self) -> str:
        assign = self.a.assignments[["utterance_id", "cluster_id"]].drop_duplicates("utterance_id")
        doc_of = (
            dict(zip(self.a.utterances["utterance_id"], self.a.utterances["doc_id"], strict=True))
            if "doc_id" in self.a.utterances
            else {}
        )
        assign = assign.assign(
            customer_id=assign["utterance_id"].map(self.customer_of),
            doc_id=assign["utterance_id"].map(doc_of),
        )
        reach = assign.groupby("cluster_id").agg(
            customers=("customer_id", "nunique"), documents=("doc_id", "nunique")
        )
        mixes: dict[int, str] = {}
        if self.a.predictions is not None:
            coded = assign.merge(
                self._coded(self.a.predictions)[["utterance_id", "label", "confidence"]],
                on="utterance_id",
            ).dropna(subset=["label"])
            coded["label"] = coded["label"].astype(str)
            counts = coded.groupby(["cluster_id", "label"]).size()
            best = coded.sort_values("confidence", ascending=False, kind="stable")
            best = best.drop_duplicates(["cluster_id", "label"])
            for cid, group in best.groupby("cluster_id"):
                mixes[int(cid)] = self._mix(counts.loc[cid], group)
        reps: dict[int, list[tuple[str, object]]] = {}
        if self.a.representatives is not None:
            ordered = self.a.representatives
            if "rank" in ordered:
                ordered = ordered.sort_values(["cluster_id", "rank"], kind="stable")
            texts = ordered["text"] if "text" in ordered else [None] * len(ordered)
            for cid, uid, text in zip(
                ordered["cluster_id"], ordered["utterance_id"], texts, strict=True
            ):
                reps.setdefault(int(cid), []).append((str(uid), text))
        cards = []
        total = max(len(assign), 1)
        for row in self.clusters.itertuples(index=False):
            cid = int(row.cluster_id)
            ids = reps.get(cid)
            if ids is None:
                raw = getattr(row, "representative_ids", None)
                ids = [(i, None) for i in re.split(r"[;\s]+", "" if _missing(raw) else str(raw))]
            keywords = "" if _missing(getattr(row, "keywords", None)) else str(row.keywords)
            chips = "".join(f"<span>{esc(k.strip())}</span>" for k in keywords.split(";") if k)
            size = int(row.size)
            customers, documents = reach.loc[cid].tolist() if cid in reach.index else (0, 0)
            sub = (
                f"{fmt_num(size)} utterances ({size / total:.1%}) · "
                f"{fmt_num(customers)} customers · {fmt_num(documents)} documents"
            )
            quotes = "".join(self.quotes.html(uid, text=text) for uid, text in ids if uid)
            cards.append(
                f'<div class="card" id="cluster-{cid}" style="--c:{self.cluster_color[cid]}">'
                f'<h3>#{cid} {esc(row.label)}</h3><div class="sub">{sub}</div>'
                f'<div class="chips">{chips}</div>{mixes.get(cid, "")}'
                f'<div class="reps">{quotes}</div></div>'
            )
        outliers = int((assign["cluster_id"] < 0).sum())
        note = (
            f'<p class="note">{fmt_num(outliers)} utterances fit no cluster (outliers); they are '
            "grey on the map.</p>"
            if outliers
            else ""
        )
        return (
            '<p class="note">Clusters of similar utterances, largest first. Keywords and label '
            "come from the cluster's own words; quotes are its most representative members "
            "(document · speaker · time · utterance id). The bar is the JTBD category mix of "
            f'its utterances.</p>{note}<div class="grid">{"".join(cards)}</div>'
        )

    def _mix(self, counts: pd.Series, best: pd.DataFrame) -> str:
        """The category bar of one cluster (COUNTS by label) and its surest quote per label."""
        categories = self.categories
        assert categories is not None
        n = max(int(counts.sum()), 1)
        spans, legend = [], []
        for name in categories.names:
            count = int(counts.get(name, 0))
            if not count:
                continue
            title = f"{categories.title(name)}: {count} ({count / n:.0%})"
            color = categories.colors[name]
            spans.append(
                f'<span style="width:{100 * count / n:.2f}%;background:{color}" '
                f'title="{esc(title)}"></span>'
            )
            legend.append(f'<i style="background:{color}"></i>{esc(name)} {count}')
        top = dict(
            zip(
                best["label"],
                zip(best["utterance_id"], best["confidence"], strict=True),
                strict=True,
            )
        )
        examples = []
        for name in categories.names:
            if name == categories.fallback or name not in top:
                continue
            uid, confidence = top[name]
            conf = "" if _missing(confidence) else f" {float(confidence):.2f}"
            examples.append(self.quotes.html(str(uid), extra=f"<b>{esc(name)}</b>{conf}"))
        details = (
            f"<details><summary>Example per category ({len(examples)})</summary>"
            f"{''.join(examples)}</details>"
            if examples
            else ""
        )
        return (
            f'<div class="mix">{"".join(spans)}</div>'
            f'<div class="mixlegend">{" · ".join(legend)}</div>{details}'
        )

    # ----------------------------------------------------- categories, forces
    def category_section(self) -> str:
        if self.a.predictions is None or self.categories is None:
            self.omitted.append(("categories", "no predictions.csv (run `jtbd classify`)"))
            return ""
        intro = (
            '<p class="note">Each respondent utterance coded with one of the five JTBD '
            "categories (codebook jtbd5) by the classifier; shares are of the column.</p>"
        )
        return intro + self._coded_section(self.a.predictions, self.categories, quadrant=False)

    def forces_section(self) -> str:
        if self.a.forces is None or self.forces is None:
            return ""
        intro = (
            '<p class="note">Utterances coded with the Four Forces of Progress (codebook '
            "forces4): push and pull move customers to switch, anxiety and habit hold them "
            "back.</p>"
        )
        return intro + self._coded_section(self.a.forces, self.forces, quadrant=True)

    def _coded_section(self, codes: pd.DataFrame, labels: Labels, *, quadrant: bool) -> str:
        coded = self._coded(codes)
        columns = [c for c in ("lang", "source_type") if c in self.a.utterances]
        coded = coded.merge(
            self.a.utterances[["utterance_id", *columns]], on="utterance_id", how="left"
        )
        coded["label"] = coded["label"].astype(str)
        counts = coded["label"].value_counts()
        n = max(int(counts.sum()), 1)
        ranked = coded.sort_values("confidence", ascending=False)

        def examples(name: str, k: int) -> str:
            hits = ranked[ranked["label"] == name].head(k)
            return "".join(
                self.quotes.html(
                    str(h.utterance_id),
                    extra="" if _missing(h.confidence) else f"conf {float(h.confidence):.2f}",
                )
                for h in hits.itertuples(index=False)
            )

        parts = []
        if quadrant and all(f in labels.names for f in FORCE_LABELS):
            boxes = []
            for name, direction in zip(
                FORCE_LABELS, ("→ switch", "→ switch", "← stay", "← stay"), strict=True
            ):
                count = int(counts.get(name, 0))
                boxes.append(
                    f'<div class="card" style="--c:{labels.colors[name]}"><h3>'
                    f"<span>{esc(labels.title(name))}</span>"
                    f'<span class="dir">{direction} · {fmt_num(count)} ({count / n:.0%})</span>'
                    f'</h3><p class="note">{esc(labels.definitions.get(name, ""))}</p>'
                    f"{examples(name, 3)}</div>"
                )
            parts.append(f'<div class="quad">{"".join(boxes)}</div>')
        else:
            top = max(int(counts.max()), 1) if len(counts) else 1
            rows = []
            for name in labels.names:
                count = int(counts.get(name, 0))
                rows.append(
                    f'<div title="{esc(labels.definitions.get(name, ""))}">'
                    f'<span class="sw" style="background:{labels.colors[name]}"></span>'
                    f'{esc(labels.title(name))}</div><div class="barcell"><div class="bar" style="'
                    f'width:{80 * count / top:.1f}%;background:{labels.colors[name]}"></div>'
                    f"{fmt_num(count)} ({count / n:.0%})</div>"
                )
            parts.append(f'<div class="bars">{"".join(rows)}</div>')
        for column, title in (("lang", "By language"), ("source_type", "By source")):
            if column in coded:
                parts.append(f"<h3>{title}</h3>" + self._crosstab(coded, column, labels))
        if not quadrant:
            blocks = []
            for name in labels.names:
                if name == labels.fallback or not counts.get(name, 0):
                    continue
                blocks.append(
                    f"<h3>{esc(labels.title(name))}</h3>"
                    f'<p class="note">{esc(labels.definitions.get(name, ""))}</p>'
                    + examples(name, 3)
                )
            if blocks:
                parts.append(
                    "<h3>Most confident quotes per category</h3>"
                    f"<details open><summary>show / hide</summary>{''.join(blocks)}</details>"
                )
        return "\n".join(parts)

    def _crosstab(self, coded: pd.DataFrame, column: str, labels: Labels) -> str:
        table = pd.crosstab(coded["label"], coded[column].fillna("unknown").astype(str))
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
                f'{_rgba(labels.colors[name], 0.06 + 0.5 * share / peak)}">'
                f"{fmt_num(table.at[name, c])} <small>{share:.0%}</small></td>"
                for c, share in zip(columns, shares, strict=True)
            )
            body.append(f"<tr><th>{esc(labels.title(name))}</th>{cells}</tr>")
        return (
            f'<div class="wrap"><table><thead><tr><th>{esc(column)}</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>"
        )

    # ------------------------------------------------------------- segments
    def _segment_order(self) -> list[str]:
        if self.a.profiles is not None:
            return [str(s) for s in self.a.profiles["segment"]]
        if self.a.segments is not None:
            return sorted(self.a.segments["segment"].dropna().astype(str).unique())
        found: set[str] = set()
        for table in self.a.cross.values():
            found.update(table["segment"].dropna().astype(str))
        return sorted(found)

    def segments_section(self) -> str:
        profiles = self.a.profiles
        if profiles is None and self.a.segments is None:
            self.omitted.append(
                ("segments", "no segments_profiles.csv (run `jtbd analyze` with --metrics)")
            )
            return ""
        evidence: dict[str, int] = {}
        if self.a.segments is not None:
            with_quotes = {c for c in self.customer_of.values() if not _missing(c)}
            for customer, segment in self.segment_of.items():
                evidence[segment] = evidence.get(segment, 0) + (customer in with_quotes)
        if profiles is None:
            assert self.a.segments is not None
            sizes = self.a.segments["segment"].astype(str).value_counts()
            profiles = pd.DataFrame(
                {"segment": sizes.index, "size": sizes.to_numpy(), "share": sizes / sizes.sum()}
            )
        medians = [c for c in profiles.columns if c.startswith("median_")]
        mixes = [c for c in profiles.columns if c.endswith("_mix")]
        head = (
            "<th>segment</th><th class=num>customers</th><th class=num>share</th>"
            + ("<th class=num>with quotes</th>" if evidence else "")
            + ("<th class=num>value score</th>" if "value_score" in profiles else "")
            + "".join(f"<th class=num>median {esc(c[7:])}</th>" for c in medians)
            + ("<th>market mix</th>" if mixes else "")
            + ("<th>description</th>" if "description" in profiles else "")
        )
        rows = []
        for row in profiles.to_dict("records"):
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
            if "value_score" in profiles:
                value = number(row.get("value_score"))
                cells.append(f'<td class="num">{"–" if value is None else f"{value:+.2f}"}</td>')
            cells += [f'<td class="num">{fmt_num(row.get(c))}</td>' for c in medians]
            if mixes:
                cells.append(
                    '<td class="market">'
                    + "<br>".join(self._market(c, row.get(c)) for c in mixes)
                    + "</td>"
                )
            if "description" in profiles:
                cells.append(f'<td class="desc">{esc(row.get("description"))}</td>')
            rows.append(f"<tr>{''.join(cells)}</tr>")
        parts = [
            '<p class="note">ABCDX value segments from the customer metrics: A–D by value, X '
            'the growth segment; medians are of the segment\'s customers; "with quotes" counts '
            "customers who also have interview or review evidence.</p>",
            f'<div class="wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>",
        ]
        rules = self.a.rules or {}
        steps = rules.get("transform_and_scaling")
        lines = [str(x) for x in [*(steps if isinstance(steps, list) else []), rules.get("naming")]]
        lines = [x for x in lines if x and x != "None"]
        if lines:
            items = "".join(f"<li>{esc(x)}</li>" for x in lines)
            parts.append(
                f"<details><summary>How the segments were made</summary><ul>{items}</ul></details>"
            )
        return "\n".join(parts)

    @staticmethod
    def _market(column: str, value: object) -> str:
        name = esc(column[:-4].replace("_", " "))
        if _missing(value):
            return f"<b>{name}</b>: –"
        try:
            mix = json.loads(str(value))
        except json.JSONDecodeError:
            return f"<b>{name}</b>: {esc(value)}"
        if not isinstance(mix, dict):
            return f"<b>{name}</b>: {esc(value)}"
        top = sorted(mix.items(), key=lambda kv: -float(kv[1]) if _is_number(kv[1]) else 0)[:3]
        return f"<b>{name}</b>: " + ", ".join(
            f"{esc(k)} {fmt_pct(v) if _is_number(v) else esc(v)}" for k, v in top
        )

    # ------------------------------------------------------------- crossing
    def crossing(self) -> str:
        if not self.a.cross and self.a.findings is None:
            self.omitted.append(
                ("crossing", "no cross_*.csv or findings.csv (run `jtbd analyze` with --metrics)")
            )
            return ""
        scale = "".join(
            f'<span style="background:{_lift_color(lift)}" title="lift {lift}"></span>'
            for lift in (0.25, 0.5, 0.8, 1, 1.25, 2, 4)
        )
        parts = [
            '<p class="note">Share of each segment\'s customers with at least one utterance in '
            "the item (count / segment size), coloured by lift = that share ÷ the overall share. "
            "<b>*</b> q &lt; 0.05, <b>**</b> q &lt; 0.01 (chi-square or Fisher test, "
            "Benjamini–Hochberg q over all cells); paler where fewer than 5 customers were "
            "expected. Hover a cell for p, q and the expected count."
            f'</p><p class="scale">lift ×¼ {scale} ×4</p>'
        ]
        segments = self._segment_order()
        titles = {
            "category": "Segment × JTBD category",
            "cluster": "Segment × cluster",
            "jtbd_segment": "Segment × JTBD segment (customers' main job)",
        }
        for dimension, table in self.a.cross.items():
            if table.empty:
                continue
            items, note = self._pick_items(dimension, table)
            parts.append(f"<h3>{esc(titles.get(dimension, 'Segment × ' + dimension))}</h3>")
            if note:
                parts.append(f'<p class="note">{esc(note)}</p>')
            parts.append(self._heatmap(dimension, table, items, segments))
            if dimension == "category":
                parts.append(self._category_cell_quotes(items, segments))
        parts.append(self._findings())
        return "\n".join(parts)

    def _pick_items(self, dimension: str, table: pd.DataFrame) -> tuple[list[str], str]:
        table = table.assign(item=table["item"].astype(str))
        if dimension == "category" and self.categories is not None:
            order = [n for n in self.categories.names if n in set(table["item"])]
            return order + sorted(set(table["item"]) - set(order)), ""
        strength = (
            table.assign(
                p=pd.to_numeric(table["p_value"], errors="coerce").fillna(1.0),
                n=pd.to_numeric(table["count"], errors="coerce").fillna(0),
            )
            .groupby("item")
            .agg(p=("p", "min"), customers=("n", "sum"))
            .sort_values(["p", "customers"], ascending=[True, False])
        )
        limit = TOP_ITEMS.get(dimension, 15)
        items = list(strength.index[:limit])
        if len(strength) <= limit:
            return items, ""
        return items, (
            f"The {limit} of {len(strength)} items with the strongest association (smallest p "
            f"in any segment); all cells are in cross_{dimension}.csv."
        )

    def _heatmap(
        self, dimension: str, table: pd.DataFrame, items: list[str], segments: list[str]
    ) -> str:
        cells = {(str(r["item"]), str(r["segment"])): r for r in table.to_dict("records")}
        present = [s for s in segments if any((i, s) in cells for i in items)]
        present += sorted({s for _, s in cells} - set(present))
        sizes: dict[str, object] = {s: r["segment_size"] for (_, s), r in cells.items()}
        head = "".join(
            f'<th class="num">{esc(s)}<br><small>n={fmt_num(sizes.get(s))}</small></th>'
            for s in present
        )
        rows = []
        for item in items:
            cid = _cluster_id(item) if dimension in ("cluster", "jtbd_segment") else None
            if cid is not None and cid in self.cluster_label:
                name = f'<a href="#cluster-{cid}">{esc(item)}</a>'
            elif dimension == "category" and self.categories is not None:
                name = esc(self.categories.title(item))
            else:
                name = esc(item)
            tds = []
            for segment in present:
                cell = cells.get((item, segment))
                if cell is None:
                    tds.append('<td class="hc">–</td>')
                    continue
                lift = number(cell["lift"])
                lift = 1.0 if lift is None else lift
                mark = stars(cell["q_value"])
                share = number(cell.get("row_share"))
                if share is None:
                    share = (number(cell["count"]) or 0.0) / (number(cell["segment_size"]) or 1.0)
                title = (
                    f"{segment} × {item}: {cell['count']} of {cell['segment_size']} customers; "
                    f"lift {lift:.2f}; expected {fmt_num(cell.get('expected'))}; "
                    f"p {fmt_p(cell['p_value'])}; q {fmt_p(cell['q_value'])}"
                    + (f" ({cell['test']})" if not _missing(cell.get("test")) else "")
                )
                tds.append(
                    f'<td class="hc" style="background:{_lift_color(lift, cell.get("expected"))}" '
                    f'title="{esc(title)}">'
                    f'<b>{fmt_pct(share)}</b><span class="sig">{mark}</span>'
                    f"<small>{fmt_num(cell['count'])}/{fmt_num(cell['segment_size'])} · "
                    f"×{lift:.2f}</small></td>"
                )
            rows.append(f'<tr><th class="item">{name}</th>{"".join(tds)}</tr>')
        return (
            f'<div class="wrap"><table class="heat"><thead><tr><th>{esc(dimension)}</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _evidence(self, dimension: str) -> pd.DataFrame | None:
        """Utterances with their item, score and segment for DIMENSION (cached), surest first."""
        if dimension in self._evidence_cache:
            return self._evidence_cache[dimension]
        frame = None
        if dimension == "category" and self.a.predictions is not None:
            coded = self._coded(self.a.predictions)
            frame = pd.DataFrame(
                {
                    "utterance_id": coded["utterance_id"],
                    "item": coded["label"].astype(str),
                    "score": coded["confidence"].fillna(0.0),
                }
            )
        elif dimension == "cluster":
            assign = self.a.assignments
            score = assign.get("confidence", 0.0)
            frame = pd.DataFrame(
                {
                    "utterance_id": assign["utterance_id"],
                    "item": assign["cluster_id"].astype(int),
                    "score": pd.to_numeric(score, errors="coerce"),
                }
            )
        if frame is not None:
            customer = frame["utterance_id"].map(self.customer_of)
            frame = frame.assign(customer=customer, segment=customer.map(self.segment_of))
            frame = frame.dropna(subset=["segment"])
            frame = frame.sort_values("score", ascending=False, kind="stable")
        self._evidence_cache[dimension] = frame
        return frame

    def cell_quotes(self, dimension: str, item: str, segment: str, k: int) -> list[str]:
        """Utterance ids behind a segment × item cell: different customers first, surest first."""
        frame = self._evidence(dimension)
        key: object = item if dimension != "cluster" else _cluster_id(item)
        if frame is None or key is None:
            return []
        hits = frame[(frame["item"] == key) & (frame["segment"] == segment)]
        first = hits.drop_duplicates("customer")
        return list(pd.concat([first, hits.drop(first.index)])["utterance_id"].head(k))

    def _category_cell_quotes(self, items: list[str], segments: list[str]) -> str:
        blocks = []
        for item in items:
            if self.categories is not None and item == self.categories.fallback:
                continue
            for segment in segments:
                ids = self.cell_quotes("category", item, segment, 2)
                if ids:
                    quotes = "".join(self.quotes.html(uid) for uid in ids)
                    blocks.append(f"<h4>{esc(segment)} × {esc(item)}</h4>{quotes}")
        if not blocks:
            return ""
        return (
            "<details><summary>Quotes behind the cells (two per segment × category)</summary>"
            f"{''.join(blocks)}</details>"
        )

    def _findings(self) -> str:
        findings = self.a.findings
        if findings is not None and not findings.empty:
            items = []
            for row in findings.to_dict("records"):
                items.append(self._finding(row, significant=True))
            return (
                f'<h3>Findings ({len(findings)})</h3><p class="note">Associations with q &lt; '
                "0.05 and lift &gt; 1, ranked by q, each with quotes from the segment's "
                f'customers.</p><ol class="findings">{"".join(items)}</ol>'
            )
        if not self.a.cross:
            return ""
        cells = pd.concat(
            [t.assign(dimension=d) for d, t in self.a.cross.items() if not t.empty],
            ignore_index=True,
        )
        for column in ("lift", "count", "p_value"):
            cells[column] = pd.to_numeric(cells[column], errors="coerce")
        cells = cells[(cells["lift"] > 1) & (cells["count"] >= 2)].nsmallest(5, "p_value")
        items = [self._finding(row, significant=False) for row in cells.to_dict("records")]
        strongest = (
            "The strongest cells, as hypotheses to check, not findings:"
            f'</p><ol class="findings">{"".join(items)}</ol>'
            if items
            else "</p>"
        )
        return (
            '<h3>Findings</h3><p class="note">No association reaches q &lt; 0.05 '
            f"(findings.csv is {'empty' if findings is not None else 'missing'}). {strongest}"
        )

    def _finding(self, row: dict[str, object], *, significant: bool) -> str:
        segment, dimension, item = str(row["segment"]), str(row["dimension"]), str(row["item"])
        ids = [] if _missing(row.get("quote_ids")) else str(row["quote_ids"]).split()
        texts = [] if _missing(row.get("quotes")) else str(row["quotes"]).split(" | ")
        if not ids:
            ids = self.cell_quotes(dimension, item, segment, 3)
        quotes = "".join(
            self.quotes.html(uid, text=texts[i] if i < len(texts) else None)
            for i, uid in enumerate(ids)
        )
        if not quotes and texts:
            quotes = "".join(f'<blockquote class="q"><p>{esc(t)}</p></blockquote>' for t in texts)
        share = row.get("share", row.get("row_share"))
        lift = row.get("lift")
        statement = row.get("statement")
        if _missing(statement):
            statement = f"Segment {segment} × {dimension.replace('_', ' ')} '{item}'"
        stats = (
            f"{fmt_num(row.get('count'))} of {fmt_num(row.get('segment_size'))} customers "
            f"({fmt_pct(share)}) · lift {fmt_num(lift)} · p {fmt_p(row.get('p_value'))} · "
            f"q {fmt_p(row.get('q_value'))} {stars(row.get('q_value'))}"
        ).strip()
        flag = "" if significant else ' <span class="badge">not significant</span>'
        return (
            f'<li><p class="stmt">{esc(statement)}{flag}</p><p class="stats">{esc(stats)}</p>'
            f"{quotes or '<p class=note>No quotes recorded.</p>'}</li>"
        )


def _as_dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _lift_color(lift: float, expected: object = None) -> str:
    """Red above lift 1, blue below, stronger the further from 1 (log scale, ×4 saturates);
    paler when fewer than 5 customers were expected in the cell."""
    level = max(-2.0, min(2.0, math.log2(max(lift, 1 / 16))))
    count = number(expected)
    weight = 1.0 if count is None else min(1.0, math.sqrt(max(count, 0.0) / 5))
    alpha = 0.06 + 0.6 * weight * abs(level) / 2
    return f"rgba(214,69,69,{alpha:.2f})" if level > 0 else f"rgba(47,111,219,{alpha:.2f})"


def render_report(analysis: Analysis) -> str:
    """The report of ANALYSIS as one HTML string."""
    return Report(analysis).render()


def write_report(analysis_dir: Path, out: Path | None = None) -> Path:
    """Write ANALYSIS_DIR's report as one self-contained HTML file (default DIR/report.html)."""
    analysis_dir = Path(analysis_dir)
    analysis = load_analysis(analysis_dir)
    target = Path(out) if out is not None else analysis_dir / "report.html"
    if target.is_dir():
        target = target / "report.html"
    if target.suffix.lower() not in (".html", ".htm"):
        raise UsageError(
            f"the report is HTML, but '{target.name}' does not end with .html",
            fix="name the output file e.g. report.html",
        )
    page = render_report(analysis)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write {target}: {exc.strerror or exc}",
            fix="choose a folder you can write to with --out",
        ) from exc
    return target


__all__ = ["embed_json", "esc", "render_report", "write_report"]
