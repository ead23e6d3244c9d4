"""REFI-QDA export and import: codebooks (``.qdc``) and projects (``.qdpx``) for ATLAS.ti,
MAXQDA, NVivo and QualCoder, and human codings from them as training data.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and
``Sources/<guid>.txt``, one UTF-8 text per document. Text selections count positions in UTF-16
code units from 0 (what the tools count; see :mod:`~nlp_jtbd.export.refi.positions`), the end
after the last selected unit; the reader turns them back into Python indices, so
``text[start:end]`` is the coded passage.

Every GUID is a uuid5 of a stable key (utterance id, doc id, codebook label, cluster), and every
date is the analysis run's, so exporting the same analysis twice gives identical files.

Modules: ``xml`` (namespaces, GUIDs, dates, file names, elements, serialisation),
``positions`` (UTF-16 positions), ``codes`` (the code tree), ``codebook`` (``.qdc``), ``inputs``
(the analysis folder's tables, checked), ``documents`` (source texts), ``cases`` (speakers),
``users`` (coders), ``project`` (``.qdpx``), ``reader`` (``read_qdpx``), ``codings`` (human
codings as training examples and for agreement).
"""

from nlp_jtbd.export.refi.codebook import write_qdc
from nlp_jtbd.export.refi.codes import THEMES_CODE
from nlp_jtbd.export.refi.project import write_qdpx
from nlp_jtbd.export.refi.reader import read_qdpx
from nlp_jtbd.export.refi.xml import (
    CODEBOOK_NS,
    GUID_NAMESPACE,
    PROJECT_NS,
    USER_GUID,
    USER_NAME,
    guid,
)

__all__ = [
    "CODEBOOK_NS",
    "GUID_NAMESPACE",
    "PROJECT_NS",
    "THEMES_CODE",
    "USER_GUID",
    "USER_NAME",
    "guid",
    "read_qdpx",
    "write_qdc",
    "write_qdpx",
]
