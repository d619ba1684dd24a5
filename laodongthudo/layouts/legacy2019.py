"""The 2019/2020 article template: `.content_detail`, `.detail_info`, `.title_new_nav`, `.tool`."""

from laodongthudo.layouts.base import ArticleLayout

LEGACY_2019 = ArticleLayout(
    name="legacy2019",
    marker=".detail_info",
    body=(".content_detail .detail_info", ".detail_info"),
    title=(".content_detail h1", "h1.title_detail"),
    kicker=(".content_detail .sub_title", ".content_detail .kicker"),
    # Most pages have an `h2.sapo`; on some the sapo is the body's first, all-bold paragraph.
    sapo=(
        ".content_detail .sapo",
        ".detail_info > p:first-child > strong:only-child",
        ".detail_info > p:first-child > b:only-child",
    ),
    dates=(".content_detail .tool", ".tool"),
    breadcrumb=(".title_new_nav > span > a", ".title_new_nav a"),
    tags=(".tags a",),
    after_body=(".tags", ".box_category", ".footer"),
)
