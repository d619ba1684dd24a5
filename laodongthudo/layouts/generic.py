"""Rules that hold on any MasterCMS article page, whatever its template calls things.

The last resort of every field after the layouts' own selectors (see `reader.py`). Searched inside the
*article scope*, the smallest element holding both the title and the body, and outside the body and any side
list or box in it: a date in a "most read" list is never the article's date.
"""

from __future__ import annotations

import re

from laodongthudo.layouts.base import Selectors

# The body: the element carrying MasterCMS's content markers, wherever the template puts it.
BODY_MARKERS: Selectors = (
    "#__MB_MASTERCMS_EL_3",
    "div.__MB_MASTERCMS_EL",
    ".__MASTERCMS_CONTENT",
    ".__MB_CONTENT_FOR_PRINTER",
)
# Any page (no scope yet: the title is what the scope is built from); side lists are still left out.
TITLE: Selectors = ("h1[class*='title']", "h1[itemprop='headline']", "h1")
# Kicker and author: one union each (document order decides), one query instead of four.
KICKER: Selectors = ("[class*='subtitle'], [class*='sub-title'], [class*='sub_title'], [class*='kicker']",)
SAPO: Selectors = ("[class*='sapo']", "[class*='desc']", "[class*='lead']", "[class*='summary']")
# One union, so that the candidates come in document order: the first one that holds a date wins.
DATES = "[class*='date'], [class*='time'], time, [itemprop='datePublished'], .tool"
AUTHOR: Selectors = ("a[href*='/tac-gia/'], [class*='author'], [itemprop='author'], [class*='byline']",)
TAGS: Selectors = ("[class*='tag'] a[href*='/tag/']", "a[href*='/tag/']")
BREADCRUMB: Selectors = ("[class*='breadcrumb'] a",)

# A side list or box: an element of one of these tags, or whose class holds one of these words.
SIDE_TAGS = frozenset({"li", "article", "aside", "nav", "header", "footer"})
# The page's chrome: no title stands there (an `<article>` may hold the article itself).
CHROME_TAGS = frozenset({"aside", "nav", "header", "footer"})
SIDE_CLASS_WORDS = (
    "list",
    "box",
    "relate",
    "cat-",
    "sidebar",
    "col-right",
    "col_right",
    "most",
    "other",
    "widget",
    "banner",
    "menu",
)

DATE_IN_TEXT = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b|\b\d{4}-\d{2}-\d{2}\b")
TIME_IN_TEXT = re.compile(r"\b\d{1,2}\s*[:hg]\s*\d{2}\b", re.IGNORECASE)
DATE_NEIGHBOURHOOD_CHARS = 100  # a date and a time in two elements: their common parent holds little else
AUTHOR_MAX_CHARS = 60  # an author element holds a name, not a sentence
