"""The speakers table: per transcript, each speaker with role, turns, words and how the role
was decided; written as ``speakers.csv`` and read back with a researcher's corrections.

A researcher edits ``role`` in the file and passes it back (``speakers``): each row then sets
the role of its speaker in its document, matched by ``doc_id`` or, when the transcript changed
since, by ``source_path`` (or its file name) and ``speaker``, case-insensitively.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.model import Document, Role
from nlp_jtbd.ingest.report import SpeakerRow
from nlp_jtbd.ingest.speakers import RoleChoice, name_key, role_from_label
from nlp_jtbd.ingest.textio import decode_bytes

SPEAKER_COLUMNS = ("doc_id", "source_path", "speaker", "role", "turns", "words", "role_source")
ROLES: tuple[Role, ...] = ("interviewer", "respondent", "unknown")
_UNKNOWN_WORDS = {"unknown", "other", "none", "-", "?", "неизвестно", "другой", "bilinmiyor"}
DOMINANT_SHARE = 0.9  # one speaker holding more of the words than this is suspicious
_MIN_WORDS = 100  # documents shorter than this are too short to judge shares or one-off labels
_MIN_TURNS = 6


def speaker_rows(doc: Document, choices: dict[str, RoleChoice]) -> list[SpeakerRow]:
    """One row per speaker of ``doc``, in order of first appearance."""
    turns: dict[str, int] = {}
    words: dict[str, int] = {}
    for turn in doc.turns:
        turns[turn.speaker] = turns.get(turn.speaker, 0) + 1
        words[turn.speaker] = words.get(turn.speaker, 0) + sum(
            len(p.text.split()) for p in turn.pieces
        )
    rows = []
    for speaker in turns:
        choice = choices.get(speaker, RoleChoice("unknown", "default"))
        rows.append(
            SpeakerRow(
                doc.doc_id,
                doc.path,
                speaker,
                choice.role,
                turns[speaker],
                words[speaker],
                choice.source,
            )
        )
    return rows


def speaker_warnings(doc: Document, rows: list[SpeakerRow]) -> list[tuple[str, str, str | None]]:
    """(message, fix, where) for what looks wrong with a transcript's speakers: a single
    speaker, one speaker holding nearly all the words, nobody but interviewers, no role
    decided, or a label that opens a single turn."""
    fix_roles = "correct the role in the speakers table and pass it back (`speakers`)"
    out: list[tuple[str, str, str | None]] = []
    if len(rows) == 1:
        out.append(
            (
                f"only one speaker ('{rows[0].speaker}') was found, so every utterance is "
                f"{rows[0].role}",
                "if several people speak, check that each turn starts with the speaker's label "
                "(e.g. 'Name:'); or give the roles with `interviewers`/`respondents`",
                None,
            )
        )
        return out
    total = sum(r.words for r in rows)
    top = max(rows, key=lambda r: r.words)
    if total >= _MIN_WORDS and top.words > DOMINANT_SHARE * total:
        out.append(
            (
                f"speaker '{top.speaker}' holds {top.words / total:.0%} of the words; other "
                "speakers' turns may have been read as theirs",
                "check that every turn starts with a label the transcript uses consistently",
                None,
            )
        )
    if all(r.role == "interviewer" for r in rows):
        names = ", ".join(f"'{r.speaker}'" for r in rows)
        out.append(
            (
                f"every speaker is an interviewer ({names}): nothing is respondent speech",
                f"name only the interviewers in `interviewers`; or {fix_roles}",
                None,
            )
        )
    if all(r.role == "unknown" for r in rows):
        out.append(
            (
                "no speaker's role could be decided (no role words, and nobody clearly asks the "
                "questions), so every utterance is unknown",
                f"give the roles with `interviewers`/`respondents`; or {fix_roles}",
                None,
            )
        )
    if total >= _MIN_WORDS and sum(r.turns for r in rows) >= _MIN_TURNS:
        for row in rows:
            if row.turns == 1 and row.role_source not in ("speakers_file", "option"):
                turn = next(t for t in doc.turns if t.speaker == row.speaker)
                out.append(
                    (
                        f"speaker label '{turn.label or row.speaker}' appears once; it may be a "
                        "heading, a note or a misspelt label rather than a speaker",
                        f"check the label; if it is a speaker, {fix_roles}",
                        turn.pieces[0].loc if turn.pieces else None,
                    )
                )
    return out


def run_warnings(
    interviewers: Iterable[str],
    respondents: Iterable[str],
    table: SpeakersFile | None,
    rows: list[SpeakerRow],
) -> list[tuple[str, str, str]]:
    """(where, message, fix) for what the user gave that set no speaker of any transcript read:
    names in ``interviewers``/``respondents`` and rows of the speakers file."""
    out: list[tuple[str, str, str]] = []
    if not rows:
        return out
    seen = {name_key(r.speaker) for r in rows}
    for parameter, names in (("interviewers", interviewers), ("respondents", respondents)):
        missing = [n for n in names if name_key(n) not in seen]
        if missing:
            common = sorted({r.speaker for r in rows}, key=lambda s: -_count(rows, s))[:8]
            out.append(
                (
                    f"`{parameter}`",
                    f"{', '.join(repr(n) for n in missing)} is not a speaker of any transcript read"
                    f"; speakers are: {', '.join(common)}",
                    "name the speaker exactly as the transcript writes it (case does not matter)",
                )
            )
    if table is not None:
        unmatched = table.unmatched(rows)
        if unmatched:
            shown = "; ".join(
                f"line {e.line} ({Path(e.source_path).name or e.doc_id}, '{e.speaker}')"
                for e in unmatched[:5]
            )
            more = f" and {len(unmatched) - 5} more" if len(unmatched) > 5 else ""
            out.append(
                (
                    str(table.path),
                    f"{len(unmatched)} rows set no speaker of the documents read: {shown}{more}",
                    "check the speaker as the speakers table wrote it and the document's doc_id "
                    "or file name; rows for files not read this time can stay",
                )
            )
    return out


def _count(rows: list[SpeakerRow], speaker: str) -> int:
    return sum(r.speaker == speaker for r in rows)


def write_speakers(rows: Iterable[SpeakerRow], path: str | Path) -> Path:
    """Write the speakers table as CSV (UTF-8); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SPEAKER_COLUMNS)
        for row in rows:
            writer.writerow([getattr(row, c) for c in SPEAKER_COLUMNS])
    return path


def speakers_path_for(out: str | Path) -> Path:
    """Where ``jtbd ingest --out OUT`` writes its speakers table: ``OUT-stem.speakers.csv``."""
    out = Path(out)
    return out.with_name(f"{out.stem}.speakers.csv")


@dataclass(frozen=True)
class SpeakerEntry:
    """A row of a speakers file: the role a researcher gave a speaker of a document."""

    line: int
    doc_id: str
    source_path: str
    speaker: str
    role: Role

    def matches_doc(self, doc_id: str, path: str) -> bool:
        return bool(
            (self.doc_id and self.doc_id == doc_id)
            or (self.source_path and _same_file(self.source_path, path))
        )


class SpeakersFile:
    """A speakers table read back (``speakers``): roles by document and speaker."""

    def __init__(self, path: Path, entries: list[SpeakerEntry]) -> None:
        self.path = path
        self.entries = entries

    @classmethod
    def load(cls, path: Path) -> SpeakersFile:
        """Read the CSV (any delimiter or encoding a spreadsheet may save it in)."""
        if not path.is_file():
            raise InputError(
                f"speakers file {path} does not exist",
                fix="give the speakers.csv that `jtbd ingest` or `jtbd analyze` wrote (`speakers`)",
            )
        text = decode_bytes(path.read_bytes()).text.lstrip("\ufeff")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
        if not rows:
            raise InputError(f"speakers file {path} is empty", fix="write the header and rows")
        header = [h.strip().lower() for h in rows[0]]
        missing = [c for c in ("speaker", "role") if c not in header]
        if missing or not ({"doc_id", "source_path"} & set(header)):
            raise InputError(
                f"speakers file {path} has no column "
                + ", ".join(repr(c) for c in missing or ["doc_id", "source_path"]),
                where="line 1",
                fix="keep the header the speakers table was written with: "
                + ",".join(SPEAKER_COLUMNS),
            )
        col = {name: header.index(name) for name in header}
        entries = []
        for number, values in enumerate(rows[1:], start=2):
            record = {name: values[i].strip() if i < len(values) else "" for name, i in col.items()}
            if not record.get("speaker") or not record.get("role"):
                continue  # a blank line, or a role left for the rules to decide
            entries.append(
                SpeakerEntry(
                    number,
                    record.get("doc_id", ""),
                    record.get("source_path", ""),
                    record["speaker"],
                    _role(record["role"], path, number),
                )
            )
        return cls(path, entries)

    def roles_for(self, doc_id: str, path: str) -> dict[str, Role]:
        """Name key → role for the document: its rows by ``doc_id``, else by file."""
        rows = [e for e in self.entries if e.doc_id and e.doc_id == doc_id]
        if not rows:
            by_file = [e for e in self.entries if e.source_path and _same_file(e.source_path, path)]
            exact = [e for e in by_file if Path(e.source_path).as_posix() == Path(path).as_posix()]
            rows = exact or by_file
        return {name_key(e.speaker): e.role for e in rows}

    def unmatched(self, seen: Iterable[SpeakerRow]) -> list[SpeakerEntry]:
        """Rows that set no speaker of the documents read (``seen``: the speakers table)."""
        keys = [(r.doc_id, r.source_path, name_key(r.speaker)) for r in seen]
        return [
            e
            for e in self.entries
            if not any(
                name_key(e.speaker) == key and e.matches_doc(doc_id, path)
                for doc_id, path, key in keys
            )
        ]


def _role(value: str, path: Path, line: int) -> Role:
    word = value.strip().lower()
    if word in ROLES:
        return word  # type: ignore[return-value]
    if word in _UNKNOWN_WORDS:
        return "unknown"
    role = role_from_label(value)
    if role:
        return role
    raise InputError(
        f"speakers file {path}: role '{value}' is not a role",
        where=f"line {line}",
        fix="write interviewer, respondent or unknown (or leave it empty to let the rules decide)",
    )


def _same_file(written: str, path: str) -> bool:
    """Whether a ``source_path`` from the file names the document's file (also by file name
    alone, so a table still applies after the transcripts moved)."""
    a, b = Path(written.replace("\\", "/")), Path(path)
    return a == b or a.as_posix() == b.as_posix() or a.name == b.name


__all__ = [
    "DOMINANT_SHARE",
    "ROLES",
    "SPEAKER_COLUMNS",
    "SpeakerEntry",
    "SpeakersFile",
    "run_warnings",
    "speaker_rows",
    "speaker_warnings",
    "speakers_path_for",
    "write_speakers",
]
