"""What goes wrong or gets cut inside one file, said as that file's problem (never the batch's).

:func:`describe_failure` turns whatever a reader or a parsing library raised on one file into
a message, a fix and a place; :class:`LongSentenceNotes` turns the over-long sentences that
:func:`~nlp_jtbd.ingest.sentences.split_sentences` cut into warnings that name the utterance's
line, cue, segment or row.
"""

from __future__ import annotations

import zipfile
import zlib

from nlp_jtbd.errors import JTBDError
from nlp_jtbd.ingest.limits import MAX_UTTERANCE_CHARS
from nlp_jtbd.ingest.sentences import LongSentence

SHOWN_LONG_SENTENCES = 3
"""Over-long sentences reported one by one per file; the rest are summed up in one warning."""

_RESAVE = "open it in the program that made it and save or export it again"
_BUG_FIX = (
    "this is a bug in nlp_jtbd, not in your file: please report it with this message "
    "(run with JTBD_DEBUG=1 to see the traceback); the other files were read"
)


def describe_failure(exc: BaseException) -> tuple[str, str, str | None]:
    """``(what, how to fix, where)`` for an exception raised while reading one file."""
    name = exc.__class__.__name__
    if isinstance(exc, JTBDError):
        return exc.what, exc.fix or _RESAVE, exc.where
    if isinstance(exc, RecursionError):
        return (
            "the file nests too deeply to read (RecursionError); transcript exports nest a few "
            "levels",
            f"check that it is the tool's own export; {_RESAVE}",
            None,
        )
    if isinstance(exc, MemoryError):
        return (
            "there was not enough memory to read the file",
            "split it into smaller files, or free memory and run again",
            None,
        )
    if isinstance(exc, UnicodeError):
        return (
            f"the file cannot be decoded ({name}: {exc})",
            "re-save it as UTF-8, or name its code page with `encoding`",
            None,
        )
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return f"the file's archive is damaged or cut off ({name}: {exc})", _RESAVE, None
    if isinstance(exc, SyntaxError) or type(exc).__module__.startswith("lxml"):
        return f"the file's XML is not well-formed ({name}: {exc})", _RESAVE, None
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc}", "check that it exists and can be read", None
    if isinstance(exc, KeyError | ValueError | AttributeError | TypeError | IndexError):
        return (
            f"the file is damaged or not what its suffix says ({name}: {exc})",
            f"{_RESAVE}; if it opens there and still fails here, {_BUG_FIX}",
            None,
        )
    return f"the file could not be read because of an unexpected {name}: {exc}", _BUG_FIX, None


class LongSentenceNotes:
    """Warnings for the over-long sentences cut while one file was read.

    ``found`` fills up as sentences are split; :meth:`notes` matches each with the rows it
    became (the first piece by how it begins, then as many rows as it had pieces) and reports
    the first :data:`SHOWN_LONG_SENTENCES` with their place; :meth:`summary` the rest.
    """

    def __init__(self, found: list[LongSentence]) -> None:
        self.found = found
        self.shown = 0
        self.more = 0
        self.more_chars = 0
        self._skip = 0  # rows still to come that are later pieces of the last match

    def notes(self, rows: list[dict[str, object]]) -> list[tuple[str | None, str]]:
        """``(place, message)`` for each over-long sentence that became some of ``rows``."""
        if not self.found and not self._skip:
            return []
        pending: dict[str, list[LongSentence]] = {}
        for long in self.found:
            pending.setdefault(long.head, []).append(long)
        self.found.clear()
        out: list[tuple[str | None, str]] = []
        for row in rows:
            if self._skip:
                self._skip -= 1
                continue
            queue = pending.get(str(row.get("text", ""))[:40]) if pending else None
            if not queue:
                continue
            long = queue.pop(0)
            self._skip = long.pieces - 1
            if self.shown >= SHOWN_LONG_SENTENCES:
                self.more += 1
                self.more_chars += long.chars
                continue
            self.shown += 1
            loc = row.get("source_loc")
            out.append(
                (
                    str(loc) if loc else None,
                    f"{long.chars:,} characters without a sentence end (from character "
                    f"{row.get('char_start', 0):,}); cut into {long.pieces:,} utterances of at "
                    f"most {MAX_UTTERANCE_CHARS:,} characters, at commas or spaces",
                )
            )
        return out

    def summary(self) -> str | None:
        """One line for the over-long sentences past the first few, if any."""
        if not self.more:
            return None
        return (
            f"{self.more:,} more stretches without a sentence end ({self.more_chars:,} "
            f"characters) were cut the same way"
        )
