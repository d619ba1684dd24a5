"""A local replica of laodongthudo.vn for tests and benchmarks (standard library only).

    site = build_site(n_articles=120, seed=1)
    with serve(site) as server:
        ...  # crawl server.base_url; assert on site.union_articles() and server.request_log

Markup follows docs/markup.md; the fixed fault URLs and switchable faults are listed in README.md here.
"""

from .server import ReplicaServer, serve
from .site import (
    FAULTS,
    FLAKY_PATH,
    MALFORMED_PATH,
    MEDIA_PATH,
    MISSING_PATH,
    MIXED_PAGERS,
    OFF_SECTION_HARD_PATH,
    OFF_SECTION_PATH,
    OFFSITE_LINKS,
    RATE_LIMIT_PATH,
    SECTIONS,
    SWITCHABLE_PATHS,
    UNION_SUBSECTIONS,
    XSS_MARKER,
    ArticleRecord,
    ArticleTruth,
    Site,
    build_site,
)

__all__ = [
    "FAULTS",
    "FLAKY_PATH",
    "MALFORMED_PATH",
    "MEDIA_PATH",
    "MISSING_PATH",
    "MIXED_PAGERS",
    "OFF_SECTION_HARD_PATH",
    "OFF_SECTION_PATH",
    "OFFSITE_LINKS",
    "RATE_LIMIT_PATH",
    "SECTIONS",
    "SWITCHABLE_PATHS",
    "UNION_SUBSECTIONS",
    "XSS_MARKER",
    "ArticleRecord",
    "ArticleTruth",
    "ReplicaServer",
    "Site",
    "build_site",
    "serve",
]
