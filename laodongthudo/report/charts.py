"""The report's charts: Vega-Lite specifications written with altair, rendered to SVG by vl-convert (offline:
no browser, no network, the SVG goes inline into the page)."""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert

from .data import Coverage, EntityCount, RunSummary

WIDTH = 860
FONT = "DejaVu Sans, Arial, sans-serif"


def to_svg(chart: alt.TopLevelMixin) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return vl_convert.vegalite_to_svg(spec)


def _data(rows: list[dict[str, Any]]) -> alt.Data:
    return alt.Data(values=rows)


def articles_per_month(per_month: dict[tuple[str, str], int]) -> alt.Chart:
    rows = [{"month": f"{month}-01", "section": section, "articles": n} for (month, section), n in per_month.items()]
    return (
        alt.Chart(_data(rows), title="Articles per month and section (Hanoi time)")
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title="month", axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("sum(articles):Q", title="articles"),
            color=alt.Color("section:N", title="section", legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=["yearmonth(month):T", "section:N", "sum(articles):Q"],
        )
        .properties(width=WIDTH, height=260)
    )


def top_entities(kind: str, entities: list[EntityCount]) -> alt.LayerChart:
    rows = [{"name": e.name, "articles": e.articles, "mentions": e.mentions} for e in entities]
    order = [e.name for e in entities]
    base = alt.Chart(_data(rows), title=f"{kind.title()}: articles naming them").encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("articles:Q", title="articles"),
    )
    bars = base.mark_bar(color="#4c78a8").encode(tooltip=["name:N", "articles:Q", "mentions:Q"])
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text="articles:Q")
    return (bars + labels).properties(width=260, height=max(18 * len(rows), 40))


def crawl_history(runs: list[RunSummary]) -> alt.Chart:
    rows = []
    for run in reversed(runs):  # oldest left
        label = f"#{run.id} {run.started_at:%Y-%m-%d %H:%M}"
        for kind, count in (("new", run.new), ("updated", run.updated), ("dropped", run.dropped)):
            rows.append({"run": label, "kind": kind, "articles": count, "alert": "alert" if run.alert else ""})
    order = [f"#{r.id} {r.started_at:%Y-%m-%d %H:%M}" for r in reversed(runs)]
    return (
        alt.Chart(_data(rows), title="Crawl runs: new, updated and dropped articles")
        .mark_bar()
        .encode(
            x=alt.X("run:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40)),
            xOffset=alt.XOffset("kind:N", sort=["new", "updated", "dropped"]),
            y=alt.Y("articles:Q", title="articles"),
            color=alt.Color(
                "kind:N",
                sort=["new", "updated", "dropped"],
                scale=alt.Scale(domain=["new", "updated", "dropped"], range=["#54a24b", "#4c78a8", "#e45756"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["run:N", "kind:N", "articles:Q"],
        )
        .properties(width=WIDTH, height=220)
    )


def field_coverage(coverage: Coverage) -> alt.LayerChart:
    total = max(coverage.total, 1)
    rows = [
        {"field": name, "articles": n, "label": f"{n} of {coverage.total} ({100 * n / total:.1f}%)"}
        for name, n in coverage.present.items()
    ]
    base = alt.Chart(_data(rows), title="Field coverage: articles with a value").encode(
        y=alt.Y("field:N", title=None, sort=list(coverage.present)),
        x=alt.X("articles:Q", title="articles", scale=alt.Scale(domain=[0, coverage.total or 1])),
    )
    bars = base.mark_bar(color="#72b7b2")
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text="label:N")
    return (bars + labels).properties(width=WIDTH - 300, height=70)
