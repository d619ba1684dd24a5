"""A template shell: a page whose article the browser would render from scripts (the server sent none of it).

Such a page is a markup problem, not a missing article: the crawl counts it as `template_shell` and tries it
again in later runs.
"""

from __future__ import annotations

from parsel import Selector

# Visible text of the body, scripts, styles and <noscript> notices left out.
VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
SCRIPTS = "script:not([type='application/ld+json'])"  # code, not metadata
MOUNT_POINTS = "#app, #root, #__next, #__nuxt, [data-reactroot], [ng-app], [data-server-rendered]"
# Fewer visible characters than a headline and a sapo: nothing a person could read as an article.
SHELL_MAX_TEXT = 200


def is_template_shell(html: str) -> bool:
    """Scripts and (nearly) no visible text, or an empty script mount point: a page rendered client-side.
    A page cut short is not one (it is truncated: the rest may have held the article)."""
    if "</html" not in html[-4096:].lower():
        return False
    page = Selector(text=html)
    if not page.css(SCRIPTS):
        return False
    text = " ".join(" ".join(page.xpath(VISIBLE_TEXT).getall()).split())
    if len(text) < SHELL_MAX_TEXT:
        return True
    mounts = page.css(MOUNT_POINTS)
    return bool(mounts) and not any(m.xpath("normalize-space(string())").get() for m in mounts)
