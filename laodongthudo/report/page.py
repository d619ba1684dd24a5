"""The report as one self-contained HTML page: inline CSS and SVG charts, no script, no external resource.

Every number a reader (or a test) may check carries a `data-metric` attribute naming what it counts.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from . import charts
from .data import ReportData

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>laodongthudo archive report</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px auto; max-width: 980px; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }
.meta { color: #666; font-size: 0.9em; }
.tiles { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.tile { border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.tile b { display: block; font-size: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 8px 0; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: right; }
th { background: #f4f4f4; }
td.text, th.text { text-align: left; }
.alert { color: #b00; }
.chart svg { max-width: 100%; height: auto; }
.entities { display: flex; flex-direction: column; gap: 6px; }
</style>
</head>
<body>
<h1>laodongthudo archive report</h1>
<p class="meta">{{ data.database }} · generated {{ data.generated_at.strftime("%Y-%m-%d %H:%M %Z") }}</p>
<div class="tiles">
  <div class="tile"><b data-metric="articles">{{ data.articles }}</b>articles</div>
  <div class="tile"><b data-metric="entities">{{ data.entities }}</b>entities</div>
  <div class="tile"><b data-metric="runs">{{ data.runs_total }}</b>crawl runs</div>
  <div class="tile"><b>{{ data.first_published or "-" }}</b>first published</div>
  <div class="tile"><b>{{ data.last_published or "-" }}</b>last published</div>
</div>

<h2 id="articles">Articles per month and section</h2>
<div class="chart">{{ svg.per_month }}</div>
<table>
<tr><th class="text">section</th>{% for year in years %}<th>{{ year }}</th>{% endfor %}<th>undated</th><th>total</th></tr>
{% for section, total in data.per_section.items() %}
<tr><td class="text">{{ section }}</td>
{% for year in years %}<td data-metric="year:{{ year }}:{{ section }}">{{ per_year.get((year, section), 0) }}</td>{% endfor %}
<td>{{ undated.get(section, 0) }}</td><td data-metric="section:{{ section }}">{{ total }}</td></tr>
{% endfor %}
</table>

<h2 id="entities">People, organisations and places named most</h2>
<div class="entities">
{% for kind, rows in data.top_entities.items() %}
<div class="chart">{{ svg.entities[kind] }}</div>
<table>
<tr><th class="text">{{ kind.lower() }}</th><th>articles</th><th>mentions</th></tr>
{% for e in rows %}<tr><td class="text">{{ e.name }}</td><td data-metric="entity:{{ kind }}:{{ e.name }}">{{ e.articles }}</td><td>{{ e.mentions }}</td></tr>
{% else %}<tr><td class="text" colspan="3">none</td></tr>{% endfor %}
</table>
{% endfor %}
</div>

<h2 id="runs">Crawl history</h2>
{% if data.runs %}
<div class="chart">{{ svg.runs }}</div>
<p class="meta">The latest {{ data.runs | length }} of {{ data.runs_total }} runs, newest first. Exit status: 0 done, 3 markup alert,
4 database unavailable, 5 site unreadable.</p>
<table>
<tr><th>run</th><th class="text">started (Hanoi)</th><th class="text">mode</th><th>pages</th><th>new</th><th>updated</th>
<th>unchanged</th><th>dropped</th><th>skipped</th><th>errors</th><th class="text">finish</th><th>exit</th><th class="text">alert</th></tr>
{% for r in data.runs %}
<tr><td>{{ r.id }}</td><td class="text">{{ r.started_at.strftime("%Y-%m-%d %H:%M") }}</td><td class="text">{{ r.mode or "-" }}</td>
<td>{{ r.pages_fetched }}</td><td data-metric="run:{{ r.id }}:new">{{ r.new }}</td><td data-metric="run:{{ r.id }}:updated">{{ r.updated }}</td>
<td data-metric="run:{{ r.id }}:unchanged">{{ r.unchanged }}</td><td data-metric="run:{{ r.id }}:dropped">{{ r.dropped }}</td>
<td>{{ r.skipped }}</td><td>{{ r.errors }}</td><td class="text">{{ r.finish_reason or "-" }}</td>
<td data-metric="run:{{ r.id }}:exit">{{ r.exit_status }}</td><td class="text alert">{{ r.alert or "" }}</td></tr>
{% endfor %}
</table>
{% else %}<p>No crawl has been recorded.</p>{% endif %}

<h2 id="coverage">Field coverage</h2>
<div class="chart">{{ svg.coverage }}</div>
<table>
<tr><th class="text">field</th><th>articles with it</th><th>of</th>{% if data.coverage.sources is not none %}<th class="text">from which source</th>{% endif %}</tr>
{% for name, n in data.coverage.present.items() %}
<tr><td class="text">{{ name }}</td><td data-metric="coverage:{{ name }}">{{ n }}</td><td>{{ data.coverage.total }}</td>
{% if data.coverage.sources is not none %}<td class="text">{% for source, k in data.coverage.sources.get(name, {}).items() %}{{ source }}: <span data-metric="source:{{ name }}:{{ source }}">{{ k }}</span>{% if not loop.last %}, {% endif %}{% else %}-{% endfor %}</td>{% endif %}</tr>
{% endfor %}
</table>
{% if data.coverage.sources is none %}<p class="meta">This database does not record where each field came from (no <code>articles.field_sources</code> column).</p>{% endif %}
</body>
</html>
"""

_environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True)


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
    return _environment.from_string(TEMPLATE).render(
        data=data, svg=svg, years=years, per_year=per_year, undated=undated
    )
