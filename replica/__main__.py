"""`python -m replica --port 8765 [--host 127.0.0.1] [--articles N] [--seed S] [--fault NAME ...]`

Serves the replica until Ctrl-C, quietly (`--verbose` logs every request), and prints the crawl command to run
against it: its own database file, so that synthetic articles never mix with a real crawl's.
"""

from __future__ import annotations

import argparse
import time

from .server import serve
from .site import FAULTS, MIXED_PAGERS, build_site

# Live-site politeness (settings.py) would make a crawl of a local replica take minutes.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "16"}


def demo_command(base_url: str, database_url: str) -> str:
    settings = {"LDTD_BASE_URL": base_url, "DATABASE_URL": database_url, **DEMO_SETTINGS}
    return "scrapy crawl union " + " ".join(f"-s {name}={value}" for name, value in settings.items())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m replica", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--articles", type=int, default=120, help="generated union articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS), help="switch a fault on")
    ap.add_argument("--past-last", choices=("empty", "404"), default="empty")
    ap.add_argument("--mixed-pagers", action="store_true", help="an offset pager and a load-more listing")
    ap.add_argument("--verbose", action="store_true", help="log every request (the access log)")
    ap.add_argument("--database", default="sqlite:///replica-demo.db", help="database URL of the printed crawl command")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    site = build_site(args.articles, args.seed, args.fault, args.past_last, MIXED_PAGERS if args.mixed_pagers else None)
    server = serve(site, args.host, args.port, verbose=args.verbose)
    print(
        f"replica of laodongthudo.vn at {server.base_url} ({len(site.union_articles())} union articles, "
        f"built in {time.perf_counter() - started:.2f}s; faults on: {sorted(site.faults) or 'none'})\n"
        "crawl it (its own database, politeness off: the replica is local):\n"
        f"  {demo_command(server.base_url, args.database)}\n"
        "stop it with Ctrl-C",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
