"""Validated ingestion settings (the same object serves the CLI, the API and library users)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nlp_jtbd.errors import UsageError
from nlp_jtbd.ingest.language import DEFAULT_LANGUAGES

Format = Literal["txt", "md", "vtt", "srt", "json", "docx", "csv", "jsonl", "xlsx"]
FORMATS: tuple[str, ...] = Format.__args__  # type: ignore[attr-defined]


class IngestOptions(BaseModel):
    """How to read input files into utterances."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Format | None = Field(None, description="force one format instead of detecting it")
    encoding: str | None = Field(None, description="force a text encoding, e.g. cp1251")
    text_col: str | None = None
    id_col: str | None = None
    customer_col: str | None = None
    date_col: str | None = None
    sheet: str | None = Field(None, description="XLSX sheet name (default: the first)")
    interviewers: tuple[str, ...] = Field(
        (), description="speakers who are interviewers, named as written (case-insensitive)"
    )
    respondents: tuple[str, ...] = Field(
        (), description="speakers who are respondents, named as written (case-insensitive)"
    )
    speakers: Path | None = Field(
        None, description="speakers table (speakers.csv as ingest writes it) with roles to use"
    )
    meta: Path | None = Field(None, description="CSV with a 'path' column and per-file metadata")
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    split_reviews: bool = Field(True, description="split reviews into sentences")
    chunk_rows: int = Field(20_000, ge=100, description="utterances per written chunk")

    @model_validator(mode="after")
    def _named_once(self) -> IngestOptions:
        both = {n.strip().lower() for n in self.interviewers} & {
            n.strip().lower() for n in self.respondents
        }
        if both:
            raise UsageError(
                f"{', '.join(sorted(both))} named both in `interviewers` and `respondents`",
                fix="name each speaker in one of them",
            )
        return self
