"""`python -m laodongthudo.replica --port 8765 [--host 127.0.0.1] [--articles N] [--seed S] [--fault NAME ...]`"""

from __future__ import annotations

import argparse
import time

from .server import serve
from .site import FAULTS, MIXED_PAGERS, build_site


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m laodongthudo.replica", description=__doc__)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--articles", type=int, default=120, help="generated union articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS), help="switch a fault on")
    ap.add_argument("--past-last", choices=("empty", "404"), default="empty")
    ap.add_argument("--mixed-pagers", action="store_true", help="an offset pager and a load-more listing")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    site = build_site(args.articles, args.seed, args.fault, args.past_last, MIXED_PAGERS if args.mixed_pagers else None)
    server = serve(site, args.host, args.port, verbose=not args.quiet)
    print(
        f"replica of laodongthudo.vn at {server.base_url} ({len(site.union_articles())} union articles, "
        f"built in {time.perf_counter() - started:.2f}s; faults on: {sorted(site.faults) or 'none'})",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
