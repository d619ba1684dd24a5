"""Run `python -m laodongthudo.reextract ...` as the CLI does, and record its resource use.

    python bench/_reextract.py RUSAGE.json --database URL -j N ...

At exit it writes {"max_rss_kib" (this process), "children_max_rss_kib" (the largest worker), "user_s", "sys_s",
"children_cpu_s", "wall_s", "status"} to RUSAGE.json.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is on the path, not the repo


def main() -> int:
    started = time.perf_counter()
    from laodongthudo.reextract import main as reextract

    status = reextract(sys.argv[2:])
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(sys.argv[1]).write_text(
        json.dumps(
            {
                "max_rss_kib": own.ru_maxrss,
                "children_max_rss_kib": children.ru_maxrss,
                "user_s": own.ru_utime,
                "sys_s": own.ru_stime,
                "children_cpu_s": children.ru_utime + children.ru_stime,
                "wall_s": time.perf_counter() - started,
                "status": status,
            }
        )
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
