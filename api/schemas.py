"""Request and response bodies (the OpenAPI contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator


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
    created: datetime


class DocumentOut(BaseModel):
    id: str
    filename: str
    kind: str
    size: int
    utterances: int
    created: datetime


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


class AnalysisRequest(BaseModel):
    model: str = "use"
    classifier: str | None = None
    seed: int = 42
    min_cluster_size: int | None = Field(default=None, ge=2)
    weights: str | None = None
    growth_col: str | None = None
    id_col: str = "customer_id"


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
    created: datetime
    finished: datetime | None


class ClassifyRequest(BaseModel):
    texts: list[str] = Field(min_length=1)
    contexts: list[str] | None = None
    model: str | None = None


class Prediction(BaseModel):
    label: str
    confidence: float
    top: list[tuple[str, float]]


class ClassifyResponse(BaseModel):
    model: str
    predictions: list[Prediction]
