"""Exports of an analysis folder for other tools.

``refi``: REFI-QDA codebooks (.qdc) and projects (.qdpx) for ATLAS.ti, MAXQDA, NVivo and
QualCoder, and the human codings of a .qdpx as training data (``refi.codings``). ``tables``:
CSV, XLSX, Parquet and JSON tables (``xlsx``: the workbook).
"""

from nlp_jtbd.export.refi import read_qdpx, write_qdc, write_qdpx

__all__ = ["read_qdpx", "write_qdc", "write_qdpx"]
