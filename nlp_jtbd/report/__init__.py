"""An offline, self-contained HTML report of an analysis folder (`jtbd report`)."""

from nlp_jtbd.analysis.folder import Analysis
from nlp_jtbd.report.html import render_report, write_report

__all__ = ["Analysis", "render_report", "write_report"]
