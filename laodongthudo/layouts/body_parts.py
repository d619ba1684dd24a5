"""What the site puts inside and right after an article's body, as the strip pipeline needs to know it.

The pipelines know no class names: `pipelines/strip_related.py` reads this vocabulary from here. Class names
are lowercase (matched case-blind); box and heading titles are given as on the page and keyed with
`title_key` (accent-, case- and punctuation-free), which is how they are compared.
"""

from __future__ import annotations

from laodongthudo.textnorm import title_key

# In-body related-article tables (`table.__mb_article_in_image`, `table.__MB_ARTICLE_A`): their links are
# the article's related links, never its text.
RELATED_CLASSES = frozenset({"__mb_article_in_image", "__mb_article_a"})
# Figure tables: an image row, then the caption row(s).
FIGURE_CLASSES = frozenset({"mastercms_tpl_table"})
# Page parts after the body (docs/markup.md); on a broken page they can end up inside it.
AFTER_BODY_CLASSES = frozenset(
    {"tags", "box-care", "box-recommend", "box-other-news", "box-most-read", "box_category", "footer"}
)
# The headings of those boxes, when one stands in the body without its class.
BOX_TITLES = frozenset(
    title_key(t) for t in ("Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm", "Đọc nhiều", "Phiên bản di động")
)
# Editor-inserted related blocks: a heading, then a list of links.
RELATED_TITLES = frozenset(title_key(t) for t in ("Tin liên quan", "Bài liên quan", "Tin cùng chuyên mục"))
# With a colon, "Xem thêm:" / "Đọc thêm:" introduce editor-inserted links (related); without, "Xem thêm" is
# the more-link of the "Tin khác" box.
LEAD_IN_TITLES = frozenset(title_key(t) for t in ("Xem thêm", "Đọc thêm"))
# Where an image keeps its address: lazy-loaded images carry the real one in data-src / data-original.
IMAGE_SRC_ATTRIBUTES = ("data-src", "data-original", "src")
