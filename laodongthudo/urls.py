"""The site's URL scheme (site-notes, "URLs"): article ids, canonical URLs, what is not an article."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

CANONICAL_ROOT = "https://laodongthudo.vn"

# `/<slug>-<numeric id>.html`; the id is the stable article id.
ARTICLE_PATH = re.compile(r"^/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<id>\d+)\.html$")
# Pages that are not ordinary articles: emagazines (`.media`), video and photo pages.
NON_ARTICLE_PATH = re.compile(r"(\.media$)|^/(video|videos|photo|anh|emagazine|infographic|podcast|multimedia)(/|$)")
SECTION_PAGE = re.compile(r"/p(?P<page>\d+)$")


def article_id(url: str) -> int | None:
    """The numeric article id of an article URL, or None for any other URL."""
    match = ARTICLE_PATH.match(urlsplit(url).path)
    return int(match["id"]) if match else None


def is_article_url(url: str) -> bool:
    return article_id(url) is not None


def is_non_article_url(url: str) -> bool:
    """Emagazine, video and photo pages: site links we know not to treat as articles."""
    return bool(NON_ARTICLE_PATH.search(urlsplit(url).path))


def canonical_url(url: str) -> str:
    """https on the site's own host, path only: the same article whatever root it was crawled from."""
    return CANONICAL_ROOT + (urlsplit(url).path or "/")


def same_site(url: str, base_url: str) -> bool:
    """True for the configured site's host or the site's own canonical host; never for a look-alike."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    own = {(urlsplit(root).hostname or "").removeprefix("www.") for root in (base_url, CANONICAL_ROOT)}
    return host in own


def same_origin(url: str, base_url: str) -> bool:
    """Host and port of the configured site (`www.` aside): where a redirect may lead. Stricter than
    `same_site`: another port of the same host is another site."""
    here, base = urlsplit(url), urlsplit(base_url)
    default = {"http": 80, "https": 443}

    def origin(parts) -> tuple[str, int | None]:
        try:
            port = parts.port or default.get(parts.scheme)
        except ValueError:  # a port that is not a number
            port = -1
        return (parts.hostname or "").removeprefix("www."), port

    return origin(here) == origin(base)


def site_ref(url: str) -> str:
    """Path and query of a site URL: how a listing page is remembered whatever root it was fetched from."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def on_base(url: str, base_url: str) -> str:
    """Re-root a site URL (absolute or relative) on the configured base, keeping path and query."""
    parts = urlsplit(urljoin(base_url.rstrip("/") + "/", url))
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def section_url(base_url: str, section: str, page: int = 1) -> str:
    """Listing page `page` of a section: the section path, plus `/pN` after the first page. The crawl builds
    only page 1; later pages are the ones each page links (`laodongthudo.layouts.listing`)."""
    path = "/cong-doan" if section == "cong-doan" else f"/cong-doan/{section}"
    return base_url.rstrip("/") + path + (f"/p{page}" if page > 1 else "")
