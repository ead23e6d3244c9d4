"""Build the planted synthesis corpus from its hand-written sources.

The words are in ``source/{ru,en,tr}.txt``, written by hand for this corpus, one block per
customer: ``## id | interviewee | company | industry | date | interviewer | format | segment``,
then ``I:`` (interviewer) and ``C:`` (customer) turns, literal ``Label:`` turns for plain-text
transcripts, and ``R: date | rating | source | text`` for a review. A planted sentence is
written ``{ITEM|sentence}``. This script only lays the turns out as transcripts (plain text,
WebVTT in the Zoom or Teams style, SRT with wrapped cues) and writes, next to it:

- ``interviews/`` and ``interviews/manifest.csv`` (document → customer, for ``--meta``),
- ``reviews/reviews.csv``,
- ``truth.csv`` (every planted sentence: document, customer, language, text, category, item),
- ``metrics.csv`` (customer metrics with the planted high-value segment A; seeded numbers).

Usage: .venv/bin/python bench/data/planted/build.py [CORPUS]
(``CORPUS``: another corpus folder with its own ``source/`` and ``links.csv``, laid out in
place; default this folder.)
"""

from __future__ import annotations

import csv
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TAG = re.compile(r"\{([JTB]\d)\|(.*?)\}")
CATEGORY = {"J": "main_job", "T": "trigger", "B": "barrier"}
ROLE_WORDS = {
    "ru": ("Интервьюер", "Клиент"),
    "en": ("Interviewer", "Customer"),
    "tr": ("Görüşmeci", "Katılımcı"),
}


@dataclass
class Customer:
    cid: str
    interviewee: str
    company: str
    industry: str
    date: str
    interviewer: str
    fmt: str
    segment: str
    lang: str
    style: str = ""
    turns: list[tuple[str, str]] = field(default_factory=list)
    reviews: list[tuple[str, str, str, str]] = field(default_factory=list)


def parse(path: Path, lang: str) -> list[Customer]:
    customers: list[Customer] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            parts = [p.strip() for p in line[3:].split("|")]
            customers.append(Customer(*parts, lang=lang))
        elif line.startswith("WEBVTT_"):
            customers[-1].style = line
        elif line.startswith("R: "):
            date, rating, source, text = (p.strip() for p in line[3:].split("|", 3))
            customers[-1].reviews.append((date, rating, source, text))
        else:
            label, text = line.split(":", 1)
            customers[-1].turns.append((label.strip(), text.strip()))
    return customers


def plain(text: str) -> str:
    return TAG.sub(lambda m: m.group(2), text)


def speakers(c: Customer, index: int) -> tuple[str, str]:
    """Labels for the interviewer and the customer in a timed transcript."""
    if c.fmt == "vtt":
        if c.style == "WEBVTT_NAMES":
            return c.interviewer, c.interviewee
        return ROLE_WORDS[c.lang]
    if index % 2:
        return c.interviewer.upper(), c.interviewee.split()[0].upper()
    return tuple(w.upper() for w in ROLE_WORDS[c.lang])  # type: ignore[return-value]


def cues(c: Customer, index: int) -> list[tuple[str, str, bool]]:
    """(speaker, cue text, first cue of its turn); long turns are cut into cues mid-sentence."""
    ask, answer = speakers(c, index)
    out: list[tuple[str, str, bool]] = []
    previous = None
    for label, text in c.turns:
        who = ask if label == "I" else answer
        width = 84 if c.fmt == "vtt" else 68
        pieces = textwrap.wrap(plain(text), width, break_on_hyphens=False, break_long_words=False)
        for piece in pieces:
            out.append((who, piece, who != previous))
            previous = who
    return out


def stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def timed(c: Customer, index: int) -> str:
    lines = ["WEBVTT", ""] if c.fmt == "vtt" else []
    t = 1.2
    for n, (who, text, first) in enumerate(cues(c, index), start=1):
        length = max(1.6, 0.36 * len(text.split()))
        sep = "." if c.fmt == "vtt" else ","
        lines += [str(n), f"{stamp(t, sep)} --> {stamp(t + length, sep)}"]
        if c.fmt == "vtt" and c.style == "WEBVTT_NAMES":
            lines.append(f"<v {who}>{text}</v>")
        elif c.fmt == "vtt":
            lines.append(f"{who}: {text}")
        else:
            body = f"{who}: {text}" if first else text
            lines += textwrap.wrap(body, 44, break_on_hyphens=False, break_long_words=False)
        lines.append("")
        t += length + 0.5
    return "\n".join(lines)


def text_file(c: Customer) -> str:
    return "\n".join(f"{label}: {plain(text)}" for label, text in c.turns) + "\n"


def metrics(customers: list[Customer], seed: int = 16) -> list[dict[str, object]]:
    """Five value profiles; the planted A customers get the top one, the rest are shuffled."""
    rng = np.random.default_rng(seed)
    profiles = {  # ltv, avg_check, purchase_frequency, cac, tenure (medians)
        "A": (4_800_000, 120_000, 11.0, 90_000, 44),
        "B": (900_000, 35_000, 4.5, 40_000, 30),
        "C": (160_000, 9_000, 1.6, 14_000, 20),
        "D": (25_000, 3_000, 0.45, 6_000, 6),
        "X": (450_000, 22_000, 6.5, 30_000, 60),
    }
    others = [c for c in customers if c.segment != "A"]
    order = rng.permutation(len(others))
    hidden = {others[i].cid: "BCDX"[k % 4] for k, i in enumerate(order)}
    rows = []
    for c in customers:
        ltv, check, freq, cac, tenure = profiles["A" if c.segment == "A" else hidden[c.cid]]
        noise = rng.lognormal(0.0, 0.18, size=4)
        rows.append(
            {
                "customer_id": c.cid,
                "ltv": int(round(ltv * noise[0], -2)),
                "avg_check": int(round(check * noise[1], -1)),
                "purchase_frequency": round(freq * noise[2], 2),
                "cac": int(round(cac * noise[3], -1)),
                "tenure": max(1, round(tenure + rng.normal(0, 4))),
                "industry": c.industry,
            }
        )
    return rows


def build(out: Path = HERE, corpus: Path = HERE) -> None:
    """Lay ``corpus``'s ``source/`` out into ``out``."""
    customers: list[Customer] = []
    for lang in ("ru", "en", "tr"):
        customers += parse(corpus / "source" / f"{lang}.txt", lang)
    (out / "interviews").mkdir(parents=True, exist_ok=True)
    (out / "reviews").mkdir(parents=True, exist_ok=True)
    manifest, truth, reviews = [], [], []
    review_no = 0
    for index, c in enumerate(customers):
        name = f"{c.cid}_{c.lang}.{c.fmt}"
        body = text_file(c) if c.fmt == "txt" else timed(c, index)
        (out / "interviews" / name).write_text(body, encoding="utf-8")
        manifest.append([name, c.cid, c.interviewee, c.interviewer, c.company, c.industry, c.date])
        for _, text in c.turns:
            for item, sentence in TAG.findall(text):
                truth.append(
                    [
                        f"interviews/{name}",
                        "",
                        c.cid,
                        c.lang,
                        "interview",
                        sentence,
                        CATEGORY[item[0]],
                        item,
                    ]
                )
        for date, rating, source, text in c.reviews:
            review_no += 1
            rid = f"PR{review_no:03d}"
            reviews.append([rid, c.cid, date, rating, source, plain(text)])
            for item, sentence in TAG.findall(text):
                truth.append(
                    [
                        "reviews/reviews.csv",
                        rid,
                        c.cid,
                        c.lang,
                        "review",
                        sentence,
                        CATEGORY[item[0]],
                        item,
                    ]
                )
    write(
        out / "interviews" / "manifest.csv",
        ["path", "customer_id", "interviewee", "interviewer", "company", "industry", "date"],
        manifest,
    )
    reviews.sort(key=lambda r: (r[2], r[0]))
    write(
        out / "reviews" / "reviews.csv",
        ["review_id", "customer_id", "date", "rating", "source", "text"],
        reviews,
    )
    write(
        out / "truth.csv",
        [
            "document",
            "review_id",
            "customer_id",
            "lang",
            "source_type",
            "text",
            "category",
            "item_id",
        ],
        truth,
    )
    rows = metrics(customers)
    write(out / "metrics.csv", list(rows[0]), [list(r.values()) for r in rows])
    write(
        out / "segments_planted.csv",
        ["customer_id", "planted_segment"],
        [[c.cid, c.segment] for c in customers],
    )


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    build(folder, folder)
