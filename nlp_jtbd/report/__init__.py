"""An offline, self-contained HTML report of an analysis folder (`jtbd report`)."""

from nlp_jtbd.report.html import render_report, write_report
from nlp_jtbd.report.load import Analysis, load_analysis

__all__ = ["Analysis", "load_analysis", "render_report", "write_report"]
