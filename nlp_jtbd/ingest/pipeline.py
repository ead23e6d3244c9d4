"""Files → utterances: detection, reading, roles, language, ids, problems, chunked output."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from nlp_jtbd.errors import InputError, JTBDError
from nlp_jtbd.ingest import speakers
from nlp_jtbd.ingest.assemble import CORE_COLUMNS, document_rows
from nlp_jtbd.ingest.bookkeeping import Bookkeeping
from nlp_jtbd.ingest.file_problems import LongSentenceNotes, describe_failure
from nlp_jtbd.ingest.formats import TABLE_FORMATS, detect_format, iter_input_files
from nlp_jtbd.ingest.language import LanguageDetector
from nlp_jtbd.ingest.metadata import (
    CUSTOMER_KEYS,
    INTERVIEWER_KEYS,
    RESPONDENT_KEYS,
    declared_lang,
    load_manifest,
    names_under,
    pop_first,
    safe_metadata,
)
from nlp_jtbd.ingest.model import Document, Piece, Turn, merge_consecutive_turns
from nlp_jtbd.ingest.options import IngestOptions
from nlp_jtbd.ingest.readers.diarized_json import parse_diarized, parse_json_text
from nlp_jtbd.ingest.readers.docx import docx_text
from nlp_jtbd.ingest.readers.plaintext import parse_transcript
from nlp_jtbd.ingest.readers.subtitles import parse_subtitles
from nlp_jtbd.ingest.readers.tabular import Columns, as_text, detect_columns, read_rows
from nlp_jtbd.ingest.report import IngestReport
from nlp_jtbd.ingest.sentences import recording_long_sentences
from nlp_jtbd.ingest.speakers_table import SpeakersFile
from nlp_jtbd.ingest.textio import check_not_binary, decode_bytes

_SAMPLE_ROWS = 200


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "_", text, flags=re.UNICODE).strip("_").lower()
    return slug[:60] or "doc"


class Ingestor(Bookkeeping):
    """Read transcripts and review tables into utterance rows.

    >>> rows = Ingestor().ingest(["examples/interviews"])  # doctest: +SKIP
    """

    def __init__(self, options: IngestOptions | None = None, *, root: Path | None = None) -> None:
        """``root``: the folder relative paths are read from (default: the working folder)."""
        self.options = options or IngestOptions()
        self.root = root
        self.detector = LanguageDetector(self.options.languages)
        self.report_ = IngestReport()
        self._manifest: dict[str, dict[str, str]] = {}
        self._seen_docs: dict[str, str] = {}
        self._speakers_file: SpeakersFile | None = None

    # -- public API -------------------------------------------------------------------------
    def iter_chunks(
        self, paths: Iterable[str | Path], scheduler: str | object | None = None
    ) -> Iterator[list[dict[str, object]]]:
        """Yield lists of utterance rows, file by file, large tables in chunks.

        With a Dask ``scheduler`` each file is read by a task on the cluster (the workers must
        see the same files); rows, problems and duplicates come out exactly as here.
        """
        self.report_ = IngestReport()
        self._seen_docs = {}
        manifest = self.load_manifest()
        table = self.load_speakers()
        skip = {p.resolve() for p in (manifest, table and table.path) if p}
        files = iter_input_files([Path(p) for p in paths], skip)
        if not files:
            raise InputError("no input files found", fix="pass transcript/review files or folders")
        if scheduler:
            from nlp_jtbd.ingest.distributed import read_on_cluster

            pieces = read_on_cluster(self, files, scheduler)
        else:
            pieces = (rows for path in files for rows in self.read_file(path))
        buffer: list[dict[str, object]] = []
        for rows in pieces:
            buffer.extend(rows)
            if len(buffer) >= self.options.chunk_rows:
                yield buffer
                buffer = []
        if buffer:
            yield buffer
        self._check_manifest_used(files)
        self._check_speakers_used()

    def read_file(self, path: Path) -> Iterator[list[dict[str, object]]]:
        """One file's rows (in chunks for large tables); problems go to ``report_``.

        Whatever goes wrong inside the file (damaged archive, parser error, exhausted memory or
        stack, a bug) is that file's error, never the batch's; ``JTBD_DEBUG=1`` re-raises bugs.
        """
        self.report_.files += 1
        with recording_long_sentences() as found:
            long = LongSentenceNotes(found)
            try:
                for rows in self._read_file(path):
                    for loc, message in long.notes(rows):
                        self._warn(path, message, loc=loc)
                    yield rows
            except Exception as exc:
                if os.environ.get("JTBD_DEBUG") and not isinstance(exc, JTBDError):
                    raise
                self.report_.files_failed += 1
                what, fix, where = describe_failure(exc)
                self._problem(path, what, fix, where)
            if long.summary():
                self._warn(path, long.summary() or "")

    def load_manifest(self) -> Path | None:
        """Read ``options.meta`` (if any) and return its resolved path, to skip as an input."""
        if not self.options.meta:
            return None
        path = self._source(self.options.meta)
        self._manifest = load_manifest(path)
        return path.resolve()

    def load_speakers(self) -> SpeakersFile | None:
        """Read ``options.speakers`` (if any): the roles a researcher set per speaker."""
        if self.options.speakers and self._speakers_file is None:
            self._speakers_file = SpeakersFile.load(self._source(self.options.speakers))
        return self._speakers_file

    def _source(self, path: Path) -> Path:
        return self.root / path if self.root and not path.is_absolute() else path

    def ingest(self, paths: Iterable[str | Path]) -> pd.DataFrame:
        """All utterances as one DataFrame (for small corpora, tests and the API)."""
        rows = [row for chunk in self.iter_chunks(paths) for row in chunk]
        frame = pd.DataFrame(rows)
        if frame.empty:
            frame = pd.DataFrame(columns=list(CORE_COLUMNS))
        return frame

    # -- files ------------------------------------------------------------------------------
    def _read_file(self, path: Path) -> Iterator[list[dict[str, object]]]:
        source = self._source(path)
        with source.open("rb") as handle:
            head = handle.read(65536)
        fmt = self.options.format or detect_format(path, head)
        self.report_.formats[fmt] += 1
        if fmt in TABLE_FORMATS:
            yield from self._read_table(path, fmt)
            return
        if fmt != "docx":
            check_not_binary(head)
        data = source.read_bytes()
        doc = self._read_transcript(path, fmt, data)
        if doc is None:
            return
        yield self._document_rows(doc)

    def _read_transcript(self, path: Path, fmt: str, data: bytes) -> Document | None:
        digest = hashlib.sha1(data).hexdigest()
        doc_id = f"{_slug(path.stem)}-{digest[:8]}"
        if digest in self._seen_docs:
            self._warn(path, f"identical to {self._seen_docs[digest]}; skipped as a duplicate")
            return None
        self._seen_docs[digest] = str(path)
        metadata: dict[str, str] = {}
        lang: str | None = None
        manifest = self._manifest_row(path)
        known = self.options.interviewers + self.options.respondents + tuple(manifest.values())
        if fmt == "docx":
            source_text, metadata = docx_text(data)
            parsed = parse_transcript(source_text, front_matter=False, known_speakers=known)
            turns, warnings = parsed.turns, parsed.warnings
            metadata.update(parsed.metadata)
        else:
            decoded = decode_bytes(data, self.options.encoding)
            if decoded.warning():
                self._warn(path, decoded.warning() or "")
            source_text = decoded.text
            if fmt in ("txt", "md"):
                parsed = parse_transcript(source_text, known_speakers=known)
                turns, warnings, metadata = parsed.turns, parsed.warnings, parsed.metadata
            elif fmt in ("vtt", "srt"):
                subs = parse_subtitles(source_text, fmt, known_speakers=known)
                turns, warnings = subs.turns, subs.warnings
            else:
                result = parse_diarized(parse_json_text(source_text))
                turns, warnings, metadata = result.turns, result.warnings, result.metadata
                source_text, lang = result.source_text, result.lang
        for warning in warnings:
            self._reader_warning(path, warning)
        if not turns:
            raise InputError(
                "no transcript text found", fix="check that the file is not empty or cut off"
            )
        metadata.update(manifest)
        doc = Document(
            doc_id=doc_id,
            path=str(path),
            source_format=fmt,
            source_type="interview",
            source_text=source_text,
            turns=merge_consecutive_turns(turns),
            metadata=metadata,
            lang=lang or declared_lang(metadata),
        )
        return doc

    def _document_rows(self, doc: Document) -> list[dict[str, object]]:
        meta = dict(doc.metadata)
        customer = pop_first(meta, CUSTOMER_KEYS)
        table = self.load_speakers()
        choices = speakers.decide_roles(
            doc.turns,
            self.options.interviewers,
            self.options.respondents,
            metadata_interviewers=names_under(meta, INTERVIEWER_KEYS),
            metadata_respondents=names_under(meta, RESPONDENT_KEYS),
            table=table.roles_for(doc.doc_id, doc.path) if table else None,
        )
        roles = {s: c.role for s, c in choices.items()}
        lang = doc.lang
        if not lang:
            evidence = [t for t in doc.turns if roles.get(t.speaker) != "interviewer"] or doc.turns
            sample = " ".join(p.text for t in evidence for p in t.pieces)[:4000]
            lang = self.detector.detect(sample)
        doc.metadata = safe_metadata(meta)
        rows = document_rows(doc, roles, lang, customer)
        self._note_speakers(doc, choices)
        self._count(doc, rows)
        return rows

    def _read_table(self, path: Path, fmt: str) -> Iterator[list[dict[str, object]]]:
        opts = self.options
        table = read_rows(self._source(path), fmt, opts.encoding, opts.sheet)
        sample: list[tuple[int, dict[str, object]]] = []
        for item in table.rows:
            sample.append(item)
            if len(sample) >= _SAMPLE_ROWS:
                break
        cols = detect_columns(
            table.header,
            [r for _, r in sample],
            text_col=opts.text_col,
            id_col=opts.id_col,
            customer_col=opts.customer_col,
            date_col=opts.date_col,
        )
        stem = _slug(path.stem)
        seen_ids: set[str] = set()
        empty: list[int] = []
        batch: list[tuple[int, dict[str, object]]] = []

        def rows_iter() -> Iterator[tuple[int, dict[str, object]]]:
            yield from sample
            yield from table.rows

        for item in rows_iter():
            batch.append(item)
            if len(batch) >= opts.chunk_rows:
                yield self._table_batch(path, fmt, stem, cols, batch, seen_ids, empty)
                batch = []
        if batch:
            yield self._table_batch(path, fmt, stem, cols, batch, seen_ids, empty)
        for warning in table.warnings:
            self._reader_warning(path, warning)
        if empty:
            shown = ", ".join(map(str, empty[:10])) + (" …" if len(empty) > 10 else "")
            self._warn(
                path,
                f"{len(empty)} rows have no text in column '{cols.text}' and were skipped "
                f"(rows {shown})",
            )

    def _table_batch(
        self,
        path: Path,
        fmt: str,
        stem: str,
        cols: Columns,
        batch: list[tuple[int, dict[str, object]]],
        seen_ids: set[str],
        empty: list[int],
    ) -> list[dict[str, object]]:
        docs: list[tuple[Document, str | None]] = []
        row_word = "line" if fmt in ("csv", "jsonl") else "row"
        for number, record in batch:
            text = as_text(record.get(cols.text)).strip()
            if not text:
                empty.append(number)
                continue
            source_id = as_text(record.get(cols.id)).strip() if cols.id else ""
            key = source_id or f"row{number}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"
            if key in seen_ids:
                self._warn(
                    path,
                    f"review id '{source_id}' repeats; kept both, told apart by row",
                    loc=f"{row_word} {number}",
                )
                key = f"{key}-row{number}"
            seen_ids.add(key)
            customer = as_text(record.get(cols.customer)).strip() if cols.customer else ""
            author = as_text(record.get(cols.author)).strip() if cols.author else ""
            meta: dict[str, str] = {}
            if source_id:
                meta["source_id"] = source_id
            if cols.date:
                meta["date"] = as_text(record.get(cols.date)).strip()
            if author:
                meta["author"] = author
            for name in cols.others:
                meta[name] = as_text(record.get(name))
            piece = Piece(text, 0, len(text), f"{row_word} {number}", None, None, " ")
            turn = Turn(
                speaker=author or customer or "reviewer", pieces=[piece], role_hint="respondent"
            )
            doc = Document(
                doc_id=f"{stem}:{key}",
                path=str(path),
                source_format=fmt,
                source_type="review",
                source_text=text,
                turns=[turn],
                metadata=safe_metadata(meta),
                row=number,
            )
            docs.append((doc, customer or None))
        langs = self.detector.detect_many([d.source_text for d, _ in docs])
        rows: list[dict[str, object]] = []
        for (doc, customer), lang in zip(docs, langs, strict=True):
            doc_rows = document_rows(
                doc,
                {doc.turns[0].speaker: "respondent"},
                lang,
                customer,
                self.options.split_reviews,
            )
            self._count(doc, doc_rows)
            rows.extend(doc_rows)
        return rows
