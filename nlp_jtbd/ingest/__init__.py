"""Ingestion: transcripts and review tables → utterances with provenance."""

from nlp_jtbd.ingest.assemble import CORE_COLUMNS
from nlp_jtbd.ingest.options import IngestOptions
from nlp_jtbd.ingest.pipeline import Ingestor, IngestReport
from nlp_jtbd.ingest.to_file import ingest_to_file
from nlp_jtbd.ingest.writer import UtteranceWriter

__all__ = [
    "CORE_COLUMNS",
    "IngestOptions",
    "IngestReport",
    "Ingestor",
    "UtteranceWriter",
    "ingest_to_file",
]
