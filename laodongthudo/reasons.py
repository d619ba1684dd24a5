"""Skip reasons that say something about the page's future: may it be read on another try?

Shared by the spider (what it counts as a markup failure), the crawl state (what later runs fetch again) and
the run record (the markup alert). A page skipped for any other reason (404, `.media`, a breadcrumb naming
another section, an off-site redirect) says it is not a union article: it is remembered for good.
"""

# A download that failed, timed out, came back cut short, or a request that never got an answer.
TRANSIENT_REASONS = frozenset({"failed", "timeout", "truncated", "lost"})
# A page the parsers could not read: no body, a script shell, no section anywhere (skipped by the spider);
# no date, an empty body, no title (dropped by the pipelines). The markup, not the page, may be at fault.
MARKUP_SKIP_REASONS = frozenset({"no_body", "template_shell", "no_section"})
MARKUP_DROP_REASONS = frozenset({"no_date", "empty_body", "no_title"})
MARKUP_REASONS = MARKUP_SKIP_REASONS | MARKUP_DROP_REASONS


UNION_ROOT = "/cong-doan"  # the path every union section's breadcrumb starts with


def section_skip(section_path: str | None, listed_in: str | None) -> tuple[str, str] | None:
    """Why a crawl skips an article it read, for the section its page names: (reason, detail); None when the
    article belongs to the union sections (its breadcrumb says so, or it names none and a union section's own
    listing column, `listed_in`, lists it)."""
    path = section_path or ""
    if path and not path.startswith(UNION_ROOT):
        return "off_section", f"breadcrumb {section_path}"
    if not path and not listed_in:
        return "no_section", "no breadcrumb, not listed in a section"
    return None
