"""The users (coders) of a REFI-QDA project: who made each coding.

Each coder of the predictions' ``coder`` column is its own user: ``model`` or
``model:<name>@<trained>`` is the classifier (named with its codebook and nlp_jtbd's version),
``rule:<name>`` a codebook rule, ``llm:<model>`` a language model's second opinion, any other
value a person; the machines' users are named ``nlp_jtbd …``. Themes and job candidates have
users of their own, and ``nlp_jtbd`` owns the sources. QualCoder takes the first user as its
current coder, so the classifier comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from nlp_jtbd import __version__
from nlp_jtbd.codebook import Codebook
from nlp_jtbd.export.refi.xml import USER_GUID, USER_NAME, clean, guid, sub

THEMES_USER = "nlp_jtbd themes (discover)"
CANDIDATES_USER = "nlp_jtbd job candidates"


def coder_name(coder: object, book: Codebook) -> str:
    """The user name of a predictions ``coder`` value."""
    value = clean(coder).strip()
    kind, _, name = value.partition(":")
    if kind in ("", "model"):
        model = f"model {name}" if name else "model"
        return f"nlp_jtbd {model} ({book.ref}, nlp_jtbd {__version__})"
    if kind == "rule" and name:
        return f"nlp_jtbd rule {name} ({book.ref})"
    if kind == "llm" and name:
        return f"nlp_jtbd llm {name} ({book.ref})"
    return value


@dataclass
class Users:
    """Users by name, in the order first seen; ``nlp_jtbd`` (the sources' owner) last."""

    guids: dict[str, str] = field(default_factory=dict)

    def add(self, name: str) -> str:
        """The GUID of user ``name``, added on first sight."""
        if name == USER_NAME:
            return USER_GUID
        return self.guids.setdefault(name, guid("user", name))

    def element(self, root: etree._Element) -> None:
        """Append ``<Users>`` to the project."""
        users = sub(root, "Users")
        for name, user_guid in [*self.guids.items(), (USER_NAME, USER_GUID)]:
            sub(users, "User", guid=user_guid, name=name)


__all__ = ["CANDIDATES_USER", "THEMES_USER", "Users", "coder_name"]
