"""Run `scrapy crawl union ...` exactly as the CLI does, and record this process's own resource use.

    python bench/_crawl.py RUSAGE.json crawl union -s NAME=VALUE ... -a NAME=VALUE ...

At exit (the crawl command ends with sys.exit) it writes {"max_rss_kib", "user_s", "sys_s", "wall_s"} to
RUSAGE.json: the peak resident set of the crawl process itself (getrusage RUSAGE_SELF), not of its parent.
"""

from __future__ import annotations

import atexit
import json
import resource
import sys
import time
from pathlib import Path

START = time.perf_counter()


def _record(path: Path) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    path.write_text(
        json.dumps(
            {
                "max_rss_kib": usage.ru_maxrss,  # Linux: KiB
                "user_s": usage.ru_utime,
                "sys_s": usage.ru_stime,
                "wall_s": time.perf_counter() - START,
            }
        )
    )


def main() -> None:
    rusage_file = Path(sys.argv[1])
    atexit.register(_record, rusage_file)
    from scrapy.cmdline import execute  # the project's crawl command (exit statuses) included

    execute(["scrapy", *sys.argv[2:]])


if __name__ == "__main__":
    main()
