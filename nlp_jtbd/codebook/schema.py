"""The codebook format: labels with definitions, when (not) to use them and examples per language.

A codebook is a YAML file ``annotation_guides/<id>.yaml`` (see ``annotation_guides/README.md``).
Loading validates it; every problem names the file and the field.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from nlp_jtbd.errors import InputError, UsageError

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")]
GUIDES = Path(__file__).resolve().parents[2] / "annotation_guides"


class Label(BaseModel):
    """One code: its name, what it means, and how to tell it from its neighbours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Slug
    title: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    use_when: list[str] = Field(min_length=1)
    not_when: list[str] = Field(min_length=1)
    examples: dict[str, list[str]] = Field(default_factory=dict)


class Codebook(BaseModel):
    """A versioned set of labels; ``fallback_label`` is the code for "nothing applies"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Slug
    version: Version
    title: str = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    description: str = ""
    fallback_label: Slug
    labels: list[Label] = Field(min_length=2)

    @model_validator(mode="after")
    def _check_labels(self) -> Codebook:
        names = [label.name for label in self.labels]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"label names repeat: {', '.join(repeated)}")
        if self.fallback_label not in names:
            raise ValueError(f"fallback_label '{self.fallback_label}' is not one of the labels")
        return self

    @property
    def names(self) -> list[str]:
        return [label.name for label in self.labels]

    @property
    def ref(self) -> str:
        """``id@version``, what a trained model records and checks."""
        return f"{self.id}@{self.version}"

    def label(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)


def _search_dirs() -> list[Path]:
    extra = os.environ.get("JTBD_CODEBOOKS")
    dirs = [Path(p) for p in extra.split(os.pathsep) if p] if extra else []
    return [*dirs, GUIDES]


def available_codebooks() -> dict[str, Path]:
    """Codebook id → YAML file, from ``$JTBD_CODEBOOKS`` then the bundled ``annotation_guides``."""
    found: dict[str, Path] = {}
    for folder in _search_dirs():
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            found.setdefault(path.stem, path)
    return found


def load_codebook(name_or_path: str | Path) -> Codebook:
    """A codebook by id (``jtbd5``) or by the path of its YAML file."""
    path = Path(name_or_path)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        known = available_codebooks()
        if str(name_or_path) not in known:
            raise UsageError(
                f"unknown codebook '{name_or_path}'",
                fix=f"choose one of {', '.join(known) or '(none found)'}, or give a YAML file",
            )
        path = known[str(name_or_path)]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(
            f"cannot read codebook {path}: {str(exc)[:300]}", fix="fix the YAML syntax"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"codebook {path} is not a YAML mapping", fix="see annotation_guides/")
    try:
        book = Codebook.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = _describe_location(data, first["loc"])
        raise InputError(
            f"codebook {path} is invalid: {first['msg']}"
            + (f" ({len(exc.errors())} problems)" if len(exc.errors()) > 1 else ""),
            where=loc or None,
            fix="compare with annotation_guides/jtbd5.yaml; every label needs name, title, "
            "definition, use_when and not_when",
        ) from exc
    if book.id != path.stem and not re.fullmatch(rf"{book.id}([-_.].*)?", path.stem):
        raise InputError(
            f"codebook {path} declares id '{book.id}' but the file is named '{path.name}'",
            fix=f"rename the file to {book.id}.yaml or change its id",
        )
    return book


def _describe_location(data: dict, loc: tuple) -> str:
    """``labels[3] (barrier).use_when`` rather than pydantic's bare tuple."""
    parts: list[str] = []
    node: object = data
    for key in loc:
        if isinstance(key, int):
            name = (
                node[key].get("name")
                if isinstance(node, list)
                and isinstance(node[key] if key < len(node) else None, dict)
                else None
            )
            parts[-1] += f"[{key}]" + (f" ({name})" if name else "")
            node = node[key] if isinstance(node, list) and key < len(node) else None
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)
