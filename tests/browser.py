"""Opening a page in Debian's headless Chromium (`.ci/chromium-install`) with playwright, never a downloaded
browser: what the page logged, what it requested, what it shows, and a screenshot."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("LDTD_TEST_ARTIFACTS") or Path(__file__).resolve().parents[1] / "test-artifacts")


def chromium_or_skip() -> Path:
    """Debian's Chromium; without it the test is skipped, or failed when the `CI` variable is set."""
    found = CHROMIUM if CHROMIUM.exists() else (Path(p) if (p := shutil.which("chromium")) else None)
    if found is None:
        message = "no Chromium (run .ci/chromium-install)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {message}", pytrace=False)
        pytest.skip(message)
    return found


@dataclass
class PageVisit:
    console: list[tuple[str, str]] = field(default_factory=list)  # (type, text) of every console message
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions
    requests: list[str] = field(default_factory=list)  # every URL the page asked for, itself included
    failed: list[str] = field(default_factory=list)
    evaluated: Any = None


def visit(path: Path, script: str, screenshot: Path, width: int = 1040) -> PageVisit:
    """Open a local file, run `script` (a JS function expression) on it once loaded, take a full-page shot."""
    from playwright.sync_api import sync_playwright

    result = PageVisit()
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="ldtd-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile,  # a new empty --user-data-dir
            executable_path=str(chromium_or_skip()),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": 900},
            offline=True,
        )
        try:
            page = context.new_page()
            page.on("console", lambda message: result.console.append((message.type, message.text)))
            page.on("pageerror", lambda error: result.page_errors.append(str(error)))
            page.on("request", lambda request: result.requests.append(request.url))
            page.on("requestfailed", lambda request: result.failed.append(request.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            result.evaluated = page.evaluate(script)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
    return result
