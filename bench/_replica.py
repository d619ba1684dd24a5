"""The replica with its pages rendered once, before the crawl: the benchmark then times the crawler, not the
replica's page rendering (which shares this 2-core machine with it, unlike the real site's servers)."""

from __future__ import annotations

from collections.abc import Iterable

from replica import Site
from replica.site import Response


class Prerendered:
    """Answers like `site.respond`, from pages rendered up front; anything else (faults, flaky first tries,
    pages not rendered) is left to the site itself."""

    def __init__(self, site: Site, paths: Iterable[str]) -> None:
        self.site = site
        self.pages: dict[str, Response] = {}
        for path in paths:
            response = site.respond(path)
            if response.status == 200 and isinstance(response.body, bytes) and not response.delay:
                self.pages[path] = response

    def respond(self, path: str, hit: int = 1) -> Response:
        response = self.pages.get(path)
        return response if response is not None else self.site.respond(path, hit)

    def publish(self, section: str = "hoat-dong", title: str | None = None):  # ReplicaServer.publish_new
        raise NotImplementedError("a prerendered replica is frozen")
