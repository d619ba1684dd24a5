"""The archive report: `python -m laodongthudo.report -o report.html` (see __main__)."""

from .data import ReportData, ReportReader
from .page import render

__all__ = ["ReportData", "ReportReader", "render"]
