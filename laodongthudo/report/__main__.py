"""python -m laodongthudo.report -o report.html [--database URL]

One self-contained HTML page about the archive: articles per month and section, the people, organisations
and places named most, the crawl history, field coverage. Opens without a network.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from laodongthudo.db.engine import mask_url
from laodongthudo.db.reading import open_for_command, project_settings
from laodongthudo.db.types import HANOI

from .data import ReportReader
from .page import render


def main(argv: list[str] | None = None) -> int:
    settings = project_settings()
    parser = argparse.ArgumentParser(prog="python -m laodongthudo.report", description=__doc__.split("\n\n")[1])
    parser.add_argument("-o", "--output", type=Path, required=True, help="the HTML file to write")
    parser.add_argument(
        "--database", default=settings.get("DATABASE_URL"), help="SQLAlchemy URL (default: DATABASE_URL)"
    )
    args = parser.parse_args(argv)
    engine = open_for_command(args.database)
    if isinstance(engine, int):
        return engine
    try:
        reader = ReportReader(
            engine, top_entities=settings.getint("REPORT_TOP_ENTITIES"), runs=settings.getint("REPORT_CRAWL_RUNS")
        )
        data = reader.read(mask_url(args.database), datetime.now(HANOI))
    finally:
        engine.dispose()
    try:
        args.output.write_text(render(data), encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"Wrote {args.output} ({data.articles} articles, {data.runs_total} crawl runs)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
