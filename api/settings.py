"""Service settings from the environment (``JTBD_*``), validated at start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import BaseModel, Field, model_validator

MAX_OFFSET = 2**31 - 1
"""The largest page offset a listing takes (larger ones overflow the database's integers)."""

# Settings read as they are from ``JTBD_<NAME>`` (see the README's HTTP API section); the model
# converts and checks them, so a bad value is reported with its variable.
_PLAIN = (
    "database_url", "data_dir", "admin_key", "max_upload_mb", "max_texts", "max_text_chars",
    "max_request_chars", "max_request_mb", "classify_queue", "classify_wait_s",
    "cache_max_vectors", "workers", "llm_url", "llm_model", "llm_key", "llm_mode", "llm_timeout",
)  # fmt: skip


class Settings(BaseModel):
    """Everything the service can be configured with."""

    database_url: str = ""
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("nlp_jtbd")))
    admin_key: str | None = None
    max_upload_mb: float = Field(default=50.0, gt=0)
    max_texts: int = Field(default=1000, gt=0)
    max_text_chars: int = Field(default=10_000, gt=0)
    max_request_chars: int = Field(default=1_000_000, gt=0)
    max_request_mb: float = Field(default=200.0, gt=0)
    classify_queue: int = Field(default=64, ge=1)
    classify_wait_s: float = Field(default=3.0, gt=0)
    cache_max_vectors: int = Field(default=500_000, ge=1000)
    cors_origins: list[str] = Field(default_factory=list)
    workers: int = Field(default=1, ge=1)
    warmup: bool = True
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key: str | None = None
    llm_mode: Literal["unsure", "all"] = "unsure"
    llm_timeout: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _llm_named(self) -> Settings:
        if self.llm_url and not self.llm_model:
            raise ValueError("JTBD_LLM_URL is set but JTBD_LLM_MODEL is not: name the model too")
        if self.llm_url and not self.llm_url.startswith(("http://", "https://")):
            raise ValueError(f"JTBD_LLM_URL must be an http(s) address, not {self.llm_url!r}")
        return self

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1e6)

    @property
    def max_request_bytes(self) -> int:
        return int(self.max_request_mb * 1e6)

    def url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'jtbd.sqlite'}"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            name: env[f"JTBD_{name.upper()}"] for name in _PLAIN if env.get(f"JTBD_{name.upper()}")
        }
        if env.get("JTBD_CORS_ORIGINS"):
            values["cors_origins"] = [o.strip() for o in env["JTBD_CORS_ORIGINS"].split(",")]
        if env.get("JTBD_WARMUP"):
            values["warmup"] = env["JTBD_WARMUP"].lower() not in ("0", "false", "no")
        return cls(**values)
