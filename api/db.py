"""Storage: SQLAlchemy models and sessions (SQLite by default, PostgreSQL by URL).

Uploads are stored in the database itself (not on the file system), so a restart or a crash
loses nothing that was acknowledged. The schema is created and upgraded by Alembic migrations
(``api/migrations``) at start-up; a test checks the models and the migrations agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def new_id() -> str:
    return uuid.uuid4().hex


def now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that reads back in UTC with its time zone, on every database (SQLite
    stores none and returned naive datetimes)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    all_projects: Mapped[bool] = mapped_column(Boolean, default=False)
    projects: Mapped[list] = mapped_column(JSON, default=list)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    owner_key: Mapped[str] = mapped_column(String(32), index=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Document(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16), default="text")  # text | metrics
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    utterances: Mapped[int] = mapped_column(Integer, default=0)
    # Upload order within the project: analyses read the documents in this order.
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Per-document metadata (customer_id, interviewee, company, …) from an upload's manifest.
    meta: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Utterance(Base):
    __tablename__ = "utterances"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    utterance_id: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(8), nullable=True)
    speaker: Mapped[str | None] = mapped_column(String(200), nullable=True)
    customer_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    row: Mapped[dict] = mapped_column(JSON)  # the full ingest row (provenance)


class Analysis(Base):
    __tablename__ = "analyses"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="analysis", server_default="analysis")
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    timings: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TrainedModel(Base):
    """A classifier trained through the API: its card and weights, stored like uploads."""

    __tablename__ = "models"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    job_id: Mapped[str] = mapped_column(ForeignKey("analyses.id"))
    examples_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    codebook: Mapped[str] = mapped_column(String(64))
    card: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    weights: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Result(Base):
    __tablename__ = "results"
    analysis_id: Mapped[str] = mapped_column(ForeignKey("analyses.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    rows: Mapped[list] = mapped_column(JSON)


def make_engine(url: str) -> Engine:
    connect_args = {"check_same_thread": False, "timeout": 30} if url.startswith("sqlite") else {}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # noqa: ANN001
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (creates it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """Engine + session factory."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session
