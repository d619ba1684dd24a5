"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no external resource.

Every number a reader (or a test) may check carries a `data-metric` attribute naming what it counts.
"""

from __future__ import annotations

import importlib.resources
from functools import cache

import jinja2
from markupsafe import Markup

from . import charts
from .data import ReportData

TEMPLATE = "report.html.j2"  # beside this module (package data: also read from a zipped egg)

_environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)


@cache
def template() -> jinja2.Template:
    source = importlib.resources.files(__package__ or "laodongthudo.report").joinpath(TEMPLATE).read_text("utf-8")
    return _environment.from_string(source)


def render(data: ReportData) -> str:
    per_year = data.per_year()
    undated: dict[str, int] = {}
    for section, total in data.per_section.items():
        undated[section] = total - sum(n for (_, s), n in per_year.items() if s == section)
    svg = {
        "per_month": Markup(charts.to_svg(charts.articles_per_month(data.per_month))) if data.per_month else "",
        "entities": {
            kind: Markup(charts.to_svg(charts.top_entities(kind, rows))) if rows else ""
            for kind, rows in data.top_entities.items()
        },
        "runs": Markup(charts.to_svg(charts.crawl_history(data.runs))) if data.runs else "",
        "coverage": Markup(charts.to_svg(charts.field_coverage(data.coverage))),
    }
    years = sorted({year for year, _ in per_year})
    return template().render(data=data, svg=svg, years=years, per_year=per_year, undated=undated)
