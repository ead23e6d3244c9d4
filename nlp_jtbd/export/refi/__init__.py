"""REFI-QDA export: codebooks (``.qdc``) and projects (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo
and QualCoder.

A ``.qdpx`` is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and
``Sources/<guid>.txt``, one UTF-8 text per document. Text selections count characters (Unicode
code points, as Python indexes strings) from 0; ``endPosition`` is the position after the last
selected character, so ``text[startPosition:endPosition]`` is the coded passage.

Every GUID is a uuid5 of a stable key (utterance id, doc id, codebook label, cluster), and no
timestamps are written, so exporting the same analysis twice gives identical files.

Modules: ``xml`` (namespaces, GUIDs, elements, serialisation), ``codes`` (the code tree),
``codebook`` (``.qdc``), ``inputs`` (the analysis folder's tables, checked), ``documents``
(source texts), ``cases`` (speakers), ``project`` (``.qdpx``), ``reader`` (``read_qdpx``).
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
