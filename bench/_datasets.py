"""Human-labelled clustering data sets for bench/discovery.py, read from ``../shared/data``.

Each data set is a list of units; a system clusters each unit on its own (one process per unit)
and is scored against the unit's gold labels.

- ``banking77``: test split, 3,080 banking queries, 77 intents (``text,category``); one unit.
- ``clinc150``: ``data_full.json`` ``test``, 4,500 assistant queries, 150 in-scope intents
  (out-of-scope queries live under ``oos_test`` and are not used); one unit.
- ``clap``: ``rq3-manually-classified-implemented-reviews.csv``, 725 Google Play reviews of 14
  apps; one unit per app (``App-name``), text = ``body``. Gold label = the ``cluster`` column
  within the app: its ids (``C0``, ``C1``, ..., ``C101``, ...) restart in every app (``C1`` is a
  different request in each of 33 apps), so the 211 gold groups are the (app, cluster) pairs.
  Every such group holds one ``category`` only (checked), so app x category would add nothing;
  ``C0`` is an ordinary group (e.g. Dolphin's "cannot use compressed files"), not "unclustered".
  124 of the 211 groups are single reviews.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DATASETS = ("banking77", "clinc150", "clap")
_SAMPLE_SEED = 0  # --limit samples the same texts whatever the run's --seed


@dataclass(frozen=True)
class Unit:
    """Texts clustered together in one run, with their gold labels."""

    name: str
    texts: list[str]
    labels: list[str]


def _sample(unit: Unit, limit: int | None) -> Unit:
    if limit is None or limit >= len(unit.texts):
        return unit
    keep = sorted(random.Random(_SAMPLE_SEED).sample(range(len(unit.texts)), limit))
    return Unit(unit.name, [unit.texts[i] for i in keep], [unit.labels[i] for i in keep])


def _banking77(data: Path) -> list[Unit]:
    with (data / "banking77" / "test.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Unit("banking77", [r["text"] for r in rows], [r["category"] for r in rows])]


def _clinc150(data: Path) -> list[Unit]:
    items = json.loads((data / "clinc150" / "data_full.json").read_text(encoding="utf-8"))["test"]
    items = [(text, intent) for text, intent in items if intent != "oos"]
    return [Unit("clinc150", [t for t, _ in items], [i for _, i in items])]


def _clap(data: Path, limit: int | None) -> list[Unit]:
    path = data / "clap_app_reviews" / "rq3-manually-classified-implemented-reviews.csv"
    apps: dict[str, Unit] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            app = row["App-name"]
            unit = apps.setdefault(app, Unit(app, [], []))
            unit.texts.append(row["body"].strip())
            unit.labels.append(row["cluster"])
    units = sorted(apps.values(), key=lambda u: (-len(u.texts), u.name))
    if limit is None:
        return units
    kept: list[Unit] = []  # whole apps, largest first, that still fit in the limit
    for unit in units:
        if sum(len(u.texts) for u in kept) + len(unit.texts) <= limit:
            kept.append(unit)
    return kept or [_sample(units[-1], limit)]


def load(name: str, limit: int | None = None, data: Path = DATA) -> list[Unit]:
    """Units of data set ``name``; ``limit`` caps its texts (a fixed sample; CLAP: whole apps)."""
    if name == "banking77":
        return [_sample(u, limit) for u in _banking77(data)]
    if name == "clinc150":
        return [_sample(u, limit) for u in _clinc150(data)]
    if name == "clap":
        return _clap(data, limit)
    raise ValueError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
