"""The machine a benchmark ran on, as one printable line (CPU model, cores, RAM, Python, key libraries)."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def describe() -> str:
    ram = _ram_gib()
    libs = ", ".join(f"{p} {_version(p)}" for p in ("scrapy", "lxml", "sqlalchemy", "psycopg", "trafilatura"))
    memory = f"RAM {ram:.1f} GiB" if ram is not None else "RAM ?"
    return (
        f"machine: {_cpu_model()}; {usable_cores()} cores usable ({os.cpu_count()} online); {memory}; "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}\nlibraries: {libs}"
    )
