"""API keys: random tokens stored as SHA-256 hashes, scoped to projects; an admin key from
``JTBD_ADMIN_KEY`` creates them. A key used on another team's project gets 404, not 403, so
project ids do not leak."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from api.db import Project


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return "jtbd_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Caller:
    """Who is calling: the admin, or a stored key with its project scope."""

    key_id: str | None
    admin: bool
    all_projects: bool
    projects: frozenset[str]

    def can_see(self, project: Project) -> bool:
        return (
            self.admin
            or self.all_projects
            or project.id in self.projects
            or project.owner_key == self.key_id
        )


__all__ = ["Caller", "hash_key", "new_key"]
