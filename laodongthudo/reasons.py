"""The skip and drop reasons, one vocabulary: what the spider and the pipelines record a page under, and what
each says about the page's future (may it be read on another try?).

The spider skips (`skipped/<reason>`, the `page_skipped` signal, the skipped_urls table), the pipelines drop
(`dropped/<reason>`); the crawl state (laodongthudo.db.state) decides from the reason what later runs fetch
again, and the run's verdict (laodongthudo.outcome.verdict) what raises an alert. A page skipped for a reason
that is neither transient nor markup (404, `.media`, a breadcrumb naming another section, an off-site
redirect) says it is not a union article: it is remembered for good.
"""

from __future__ import annotations

# A download that failed, timed out, came back cut short, or a request that never got an answer.
FAILED = "failed"
TIMEOUT = "timeout"
TRUNCATED = "truncated"
LOST = "lost"
TOO_LARGE = "too_large"  # over DOWNLOAD_MAXSIZE, compressed or once decompressed
TRANSIENT_REASONS = frozenset({FAILED, TIMEOUT, TRUNCATED, LOST})

# A page the parsers could not read (skipped by the spider).
NO_BODY = "no_body"
TEMPLATE_SHELL = "template_shell"  # no body, and the page is a script shell
NO_SECTION = "no_section"  # no breadcrumb, and not listed in a union section's own column
# An article the pipelines could not complete (dropped by pipelines/validate.py).
NO_DATE = "no_date"
EMPTY_BODY = "empty_body"
NO_TITLE = "no_title"
# The markup, not the page, may be at fault: later runs try again, and too many raise the markup alert.
MARKUP_SKIP_REASONS = frozenset({NO_BODY, TEMPLATE_SHELL, NO_SECTION})
MARKUP_DROP_REASONS = frozenset({NO_DATE, EMPTY_BODY, NO_TITLE})
MARKUP_REASONS = MARKUP_SKIP_REASONS | MARKUP_DROP_REASONS

# Pages that are not union articles, remembered for good.
OFF_SECTION = "off_section"  # its breadcrumb names another section
OFFSITE_REDIRECT = "offsite_redirect"  # a redirect off LDTD_BASE_URL's host and port

# A listing page that could not be read is skipped as `listing_<reason>` (listing_http_503, listing_timeout...).
LISTING_PREFIX = "listing_"
# Listing failures that mean no answer came (DNS, refused or dropped connections, timeouts); any other (an HTTP
# status, a page over DOWNLOAD_MAXSIZE) means the site answered, with something unreadable.
NO_ANSWER_LISTING_REASONS = frozenset({LISTING_PREFIX + FAILED, LISTING_PREFIX + TIMEOUT})


def http_reason(status: int) -> str:
    """The reason of a page answered with this HTTP status (`http_404`)."""
    return f"http_{status}"


def http_status(reason: str) -> int | None:
    """The HTTP status an `http_<status>` reason names, else None."""
    code = reason.removeprefix("http_")
    return int(code) if reason.startswith("http_") and code.isdigit() else None


def is_transient_skip(reason: str, status: int | None = None) -> bool:
    """Could fetching the page again work? (A 404, an off-section or malformed page stays what it is.)"""
    if reason in TRANSIENT_REASONS:
        return True
    code = status if status is not None else http_status(reason)
    return code is not None and (code >= 500 or code in (408, 429))


def is_retryable_skip(reason: str, status: int | None = None) -> bool:
    """Should later runs fetch the page again (a bounded number of times)? Transient and markup reasons."""
    return reason in MARKUP_REASONS or is_transient_skip(reason, status)


UNION_ROOT = "/cong-doan"  # the path every union section's breadcrumb starts with


def section_skip(section_path: str | None, listed_in: str | None) -> tuple[str, str] | None:
    """Why a crawl skips an article it read, for the section its page names: (reason, detail); None when the
    article belongs to the union sections (its breadcrumb says so, or it names none and a union section's own
    listing column, `listed_in`, lists it)."""
    path = section_path or ""
    if path and not path.startswith(UNION_ROOT):
        return OFF_SECTION, f"breadcrumb {section_path}"
    if not path and not listed_in:
        return NO_SECTION, "no breadcrumb, not listed in a section"
    return None


def listing_section_path(listed_in: str) -> str:
    """The section path of an article that names none, from the union listing that lists it."""
    return UNION_ROOT if listed_in == "cong-doan" else f"{UNION_ROOT}/{listed_in}"
