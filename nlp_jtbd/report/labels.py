"""A codebook's labels as the report shows them, and quotes by utterance id."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from nlp_jtbd.errors import JTBDError
from nlp_jtbd.report.format import COLORS, SPARE, esc, fmt_time, missing


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
        present = [str(p) for p in present if not missing(p)]
        extra = sorted(set(present) - set(order))
        self.names = [n for n in order if n in set(present)] + extra
        if self.fallback in self.names:  # "nothing applies" goes last
            self.names.remove(self.fallback)
            self.names.append(self.fallback)
        spare = iter(SPARE * 10)
        self.colors = {n: COLORS.get(n) or next(spare) for n in self.names}

    @classmethod
    def of(cls, codebook: str, codes: pd.DataFrame | None) -> Labels | None:
        """The labels of CODES (a table with a ``label`` column), or None without the table."""
        return None if codes is None else cls(codebook, codes["label"].unique())

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
        return " · ".join(str(p) for p in parts if not missing(p))

    def html(self, uid: str, *, text: object = None, extra: str = "") -> str:
        """A <blockquote> for utterance UID (TEXT when the id is unknown); EXTRA is trusted HTML."""
        row = self.rows.get(uid, {})
        body = row.get("text", text)
        if missing(body) or body == "":
            return ""
        meta = []
        if not missing(row.get("doc_id")):
            where = ", ".join(
                str(row[k]) for k in ("source_path", "source_loc") if not missing(row.get(k))
            )
            meta.append(f'<span title="{esc(where)}">{esc(row["doc_id"])}</span>')
        if not missing(row.get("speaker")):
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


__all__ = ["Labels", "Quotes"]
