"""The current MasterCMS article template (about 2021 onwards): `__MASTERCMS_CONTENT`, `format_date`."""

from laodongthudo.layouts.base import ArticleLayout

MASTERCMS = ArticleLayout(
    name="mastercms",
    marker="div.__MASTERCMS_CONTENT, div.__MB_MASTERCMS_EL, #__MB_MASTERCMS_EL_3",
    body=("#__MB_MASTERCMS_EL_3", "div.__MB_MASTERCMS_EL", "div.__MASTERCMS_CONTENT"),
    title=("h1.article-detail-title", ".article-detail h1"),
    kicker=(".article-detail-subtitle", ".article-detail .sub-title", ".article-detail .sub_title"),
    sapo=(".detail-sapo", ".article-detail-desc", ".article-detail .sapo"),
    dates=(".article-detail-info .article-date", ".article-detail .article-date"),
    breadcrumb=(".title_new_nav a", ".breadcrumbs a", ".breadcrumb a"),
    tags=(".tags a", ".article-tags a"),
    after_body=(".tags", ".article-tags", ".box-care", ".box-recommend", ".box-other-news", ".col-right", ".footer"),
)
