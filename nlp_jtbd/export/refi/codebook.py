"""REFI-QDA codebooks (``.qdc``): the codebook's labels, plus the discovered themes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from lxml import etree

from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.export.refi.codes import code_tree, codebook_element, parse_clusters
from nlp_jtbd.export.refi.xml import CODEBOOK_NS, serialise


def resolve_codebook(codebook: Codebook | str) -> Codebook:
    """A codebook, or the one a reference (``jtbd5``, a path) names."""
    return codebook if isinstance(codebook, Codebook) else load_codebook(codebook)


def write_qdc(
    codebook: Codebook | str, path: str | Path, clusters: pd.DataFrame | None = None
) -> Path:
    """Write a codebook as a REFI-QDA ``.qdc``: one code per label, plus one per cluster.

    Labels sit under "JTBD categories (<id>@<version>)", clusters (when given) under
    "Discovered themes"; the parents are not codable.
    """
    book = resolve_codebook(codebook)
    tree = code_tree(book, parse_clusters(clusters), include_fallback=True)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    codebook_element(root, tree)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(serialise(root))
    return path


__all__ = ["resolve_codebook", "write_qdc"]
