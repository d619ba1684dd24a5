"""One run per JOBDIR: an exclusive `flock` on `JOBDIR/union.lock`, held until the process ends.

Two runs on one JOBDIR would share Scrapy's request queue and the spider's checkpoint, and the second would take
the first for dead and discard its live queue. The lock is taken before anything in JOBDIR is read or removed:
by `scrapy crawl` (laodongthudo.commands.crawl) before the crawl starts, so that a second run refuses with one
line and exit status 7, and again by the spider before it looks at the queue (a no-op in the same process). The
kernel drops the lock when the process ends, however it ends (kill -9 too): a lock file left behind is not a
lock, and nothing ever has to clean it up.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import ClassVar

LOCK_NAME = "union.lock"


class JobDirBusy(RuntimeError):
    """Another live run holds the JOBDIR."""


class JobDirLock:
    """The lock of one JOBDIR, held by this process (`acquire` returns the same lock when asked again)."""

    _held: ClassVar[dict[str, JobDirLock]] = {}

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd = fd

    @classmethod
    def acquire(cls, jobdir: str | os.PathLike[str]) -> JobDirLock:
        """Take the JOBDIR's lock (creating the directory), or raise JobDirBusy when another process holds it."""
        directory = Path(jobdir).expanduser().resolve()
        key = str(directory)
        if key in cls._held:
            return cls._held[key]
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise JobDirBusy(
                f"JOBDIR {jobdir} is in use by another run (pid {holder}): refusing to start, nothing was changed; "
                "wait for it to end, or give this run a JOBDIR of its own"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        lock = cls._held[key] = cls(path, fd)
        return lock

    def release(self) -> None:
        self._held.pop(str(self.path.parent), None)
        os.close(self._fd)  # closing the only descriptor drops the flock
