"""HTML for the replica's pages, following docs/markup.md: views in, markup strings out."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .text import WEEKDAYS_DIGIT, WEEKDAYS_WORD, dmy, hm, slugify

SITE_ROOT = "https://laodongthudo.vn"

MENU = (
    ("/", "Trang chủ"),
    ("/thoi-su", "Thời sự"),
    ("/cong-doan", "Công đoàn"),
    ("/xa-hoi", "Xã hội"),
    ("/kinh-te", "Kinh tế"),
    ("/van-hoa", "Văn hóa"),
)


def esc(text: str) -> str:
    # The CMS writes non-breaking spaces as entities.
    return html.escape(text, quote=False).replace("\u00a0", "&nbsp;")


def attr(text: str) -> str:
    return html.escape(text, quote=True).replace("\u00a0", "&nbsp;")


@dataclass(slots=True)
class Card:
    href: str
    title: str
    sapo: str = ""
    img: str = ""


@dataclass(slots=True)
class Figure:
    src: str
    alt: str
    img_title: str
    caption: str


@dataclass(slots=True)
class Related:
    style: str  # "A" (text links on one row) or "in_image" (one row per link, with thumbnail)
    links: list[Card]
    thumb_alt: str = ""  # the CMS reuses the current article's alt text on thumbnails


# A body block: ("p", text) | ("div", text) | ("html", raw markup) | Figure | Related
Block = tuple[str, str] | Figure | Related


@dataclass(slots=True)
class ArticleView:
    path: str
    title: str
    sapo: str
    crumbs: list[tuple[str, str]]
    published: datetime
    layout: str = "mastercms"  # or "legacy2019"
    kicker: str | None = None
    blocks: list[Block] = field(default_factory=list)
    byline: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)
    og_image: str = ""
    date_style: str = "date time"
    meta_published: bool = False
    jsonld: str | None = None  # None, "local" (+07:00) or "utc" (Z)
    legacy_sapo: str = "h2"  # or "strong_p": sapo as the first <p><strong> of .detail_info
    top_html: str = ""
    care: list[Card] = field(default_factory=list)
    recommend: list[Card] = field(default_factory=list)
    other: list[Card] = field(default_factory=list)
    most_read: list[Card] = field(default_factory=list)
    description: str | None = None


@dataclass(slots=True)
class ListingView:
    path: str  # page 1 path of the section
    name: str
    crumbs: list[tuple[str, str]]
    items: list[Card]
    page: int
    last_page: int
    layout: str = "list2020"  # or "cards"
    most_read: list[Card] = field(default_factory=list)
    other: list[Card] = field(default_factory=list)
    recommend: list[Card] = field(default_factory=list)
    extra_main_html: str = ""
    # How the page links the next one: "path" (`/pN` pager), "offset" (`&s_cond=&BRSR=N` pager, as on
    # thoibaonganhang.vn) or "load_more" (no pager, `input.__MB_NEXT_URL`, as on netbiz.net.vn).
    pager: str = "path"
    page_href: Callable[[int], str] | None = None  # the URL of page n of this listing (pagers only link)


def _iso(when: datetime, utc: bool = False) -> str:
    if utc:
        return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat(timespec="seconds")


def _head(title: str, description: str, canonical: str, image: str, keywords: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="canonical" href="{attr(canonical)}">
<meta name="description" content="{attr(description)}">
<meta name="keywords" content="{attr(keywords)}">
<meta name="news_keywords" content="{attr(keywords)}">
<meta property="og:site_name" content="Báo Lao Động Thủ Đô">
<meta property="og:type" content="article">
<meta property="og:title" content="{attr(title)}">
<meta property="og:description" content="{attr(description)}">
<meta property="og:image" content="{attr(image)}">
<meta property="og:url" content="{attr(canonical)}">
<link rel="stylesheet" href="/themes/laodongthudo/css/style.css?v=3">{extra}
</head>
"""


def _header() -> str:
    items = "".join(f'<li><a href="{h}">{esc(n)}</a></li>' for h, n in MENU)
    return (
        '<div class="header"><div class="logo"><a href="/" title="Lao Động Thủ Đô">'
        '<img src="/themes/laodongthudo/images/logo.png" alt="Lao Động Thủ Đô"></a></div>\n'
        f'<ul class="menu">{items}</ul></div>\n'
    )


def _footer() -> str:
    return (
        '<div class="footer"><p>Cơ quan của Liên đoàn Lao động thành phố Hà Nội</p>'
        "<p>Tòa soạn: 51 Hàng Bồ, Hoàn Kiếm, Hà Nội</p>"
        '<a href="https://m.laodongthudo.vn" class="mobile-version">Phiên bản di động</a></div>\n'
        "</body>\n</html>\n"
    )


def _crumbs(crumbs: list[tuple[str, str]], cls: str) -> str:
    spans = " ".join(f'<span><a href="{attr(h)}"><span>{esc(n)}</span></a></span>' for h, n in crumbs)
    return f'<div class="{cls}">{spans}</div>\n'


def _cards(cards: list[Card], with_sapo: bool = True) -> str:
    out = []
    for c in cards:
        img = f'<a href="{attr(c.href)}" class="thumb"><img src="{attr(c.img)}" alt="{attr(c.title)}"></a>'
        sapo = f'<p class="sapo">{esc(c.sapo)}</p>' if with_sapo and c.sapo else ""
        out.append(
            f'<div class="story">{img}<h3 class="story-title"><a href="{attr(c.href)}">{esc(c.title)}</a></h3>'
            f"{sapo}</div>"
        )
    return "\n".join(out)


def _box(cls: str, title: str, cards: list[Card], more: bool = False, with_sapo: bool = True) -> str:
    tail = '<a class="view-more" href="/cong-doan">Xem thêm</a>' if more else ""
    return f'<div class="{cls}"><h3 class="box-title">{esc(title)}</h3>\n{_cards(cards, with_sapo)}\n{tail}</div>\n'


def _most_read(cards: list[Card]) -> str:
    if not cards:
        return ""
    lis = "".join(f'<li><a href="{attr(c.href)}">{esc(c.title)}</a></li>' for c in cards)
    return f'<div class="box-most-read"><h3 class="box-title">Đọc nhiều</h3><ol>{lis}</ol></div>\n'


def _figure(f: Figure) -> str:
    return (
        '<table class="MASTERCMS_TPL_TABLE" style="width: 100%;"><tbody>\n'
        f'<tr><td><img class="__img_mastercms" src="{attr(f.src)}" alt="{attr(f.alt)}" '
        f'title="{attr(f.img_title)}" style="max-width:100%;"></td></tr>\n'
        f'<tr><td><span style="font-size:12px;">{esc(f.caption)}</span></td></tr>\n'
        "</tbody></table>"
    )


def _related(r: Related) -> str:
    if r.style == "A":
        tds = "".join(
            f'<td><a href="{attr(c.href)}" class="__MB_ARTICLE_A_ITEM">{esc(c.title)}</a></td>' for c in r.links
        )
        return f'<table class="__MB_ARTICLE_A" align="center"><tbody><tr>{tds}</tr></tbody></table>'
    rows = "".join(
        f'<tr><td class="__mb_article_in_image_img"><a href="{attr(c.href)}"><img src="{attr(c.img)}" '
        f'alt="{attr(r.thumb_alt)}"></a></td>'
        f'<td><a href="{attr(c.href)}">{esc(c.title)}</a></td></tr>'
        for c in r.links
    )
    return f'<table class="__mb_article_in_image" align="left"><tbody>{rows}</tbody></table>'


def _blocks(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if isinstance(b, Figure):
            out.append(_figure(b))
        elif isinstance(b, Related):
            out.append(_related(b))
        elif b[0] == "p":
            out.append(f'<p style="text-align: justify;">{esc(b[1])}</p>')
        elif b[0] == "div":
            out.append(f"<div>{esc(b[1])}</div>")
        else:
            out.append(b[1])
    return "\n".join(out)


def _byline(byline: str) -> str:
    return f'<p style="text-align: right;"><strong>{esc(byline)}</strong></p>' if byline else ""


def _tags(tags: list[tuple[str, str]]) -> str:
    links = " ".join(f'<a href="{attr(h)}">{esc(n)}</a>' for h, n in tags)
    return f'<div class="tags"><span class="tags-label">Tags:</span> {links}</div>\n' if tags else ""


def mastercms_date(when: datetime, style: str) -> str:
    d = f'<span class="format_date">{dmy(when)}</span>'
    t = f'<span class="format_time">{hm(when)}</span>'
    return {
        "date time": f"{d} {t}",
        "time date": f"{t} {d}",
        "date | time": f"{d} | {t}",
        "time | date": f"{t} | {d}",
    }[style]


def legacy_tool(when: datetime, style: str) -> str:
    wd = when.weekday()
    return {
        "word dash": f"{WEEKDAYS_WORD[wd]}, {dmy(when)} - {hm(when)}",
        "digit bar gmt": f"{WEEKDAYS_DIGIT[wd]}, {dmy(when)} | {hm(when)} GMT+7",
        "plain": f"{dmy(when)} {hm(when)}",
        "word bar gmt": f"{WEEKDAYS_WORD[wd]}, {dmy(when)} | {hm(when)} (GMT+7)",
    }[style]


def _meta_extra(v: ArticleView) -> str:
    extra = ""
    if v.meta_published:
        extra += f'\n<meta property="article:published_time" content="{_iso(v.published)}">'
    if v.jsonld:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": SITE_ROOT + v.path},
            "headline": v.title,
            "description": v.description if v.description is not None else v.sapo,
            "image": [v.og_image] if v.og_image else [],
            "datePublished": _iso(v.published, utc=v.jsonld == "utc"),
            "dateModified": _iso(v.published, utc=v.jsonld == "utc"),
            "author": {"@type": "Person", "name": v.byline},
            "publisher": {"@type": "Organization", "name": "Báo Lao Động Thủ Đô"},
        }
        extra += f'\n<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    return extra


def render_article(v: ArticleView) -> str:
    canonical = SITE_ROOT + v.path
    desc = v.description if v.description is not None else v.sapo
    image = SITE_ROOT + v.og_image if v.og_image.startswith("/") else v.og_image
    keywords = ", ".join(n for _, n in v.tags)
    head = _head(v.title, desc, canonical, image, keywords, _meta_extra(v))
    if v.layout == "legacy2019":
        return head + _legacy_body(v)
    if v.layout in SISTER_TEMPLATES:
        return head + SISTER_TEMPLATES[v.layout](v)
    return head + _mastercms_body(v)


def _mastercms_body(v: ArticleView) -> str:
    kicker = f'<h3 class="article-detail-subtitle">{esc(v.kicker)}</h3>\n' if v.kicker else ""
    return (
        "<body>\n"
        + v.top_html
        + _header()
        + '<div class="main-content"><div class="col-left">\n'
        + _crumbs(v.crumbs, "breadcrumbs title_new_nav")
        + '<div class="article-detail">\n'
        + kicker
        + f'<h1 class="article-detail-title">{esc(v.title)}</h1>\n'
        + '<div class="article-detail-info"><span class="article-date">'
        + mastercms_date(v.published, v.date_style)
        + "</span></div>\n"
        + f'<div class="article-detail-desc detail-sapo">{esc(v.sapo)}</div>\n'
        + '<div class="article-content __MASTERCMS_CONTENT __MB_CONTENT_FOR_PRINTER">\n'
        + '<div class="__MB_MASTERCMS_EL item-content" id="__MB_MASTERCMS_EL_3">\n'
        + _blocks(v.blocks)
        + "\n"
        + _byline(v.byline)
        + "\n</div>\n</div>\n"
        + _tags(v.tags)
        + "</div>\n"
        + _box("box-care", "Có thể bạn quan tâm", v.care)
        + _box("box-recommend", "Nên xem", v.recommend)
        + _box("box-other-news", "Tin khác", v.other, more=True)
        + "</div>\n"
        + '<div class="col-right">'
        + _most_read(v.most_read)
        + "</div></div>\n"
        + _footer()
    )


def _legacy_body(v: ArticleView) -> str:
    kicker = f'<h3 class="sub_title">{esc(v.kicker)}</h3>\n' if v.kicker else ""
    if v.legacy_sapo == "h2":
        sapo_out, sapo_in = f'<h2 class="sapo">{esc(v.sapo)}</h2>\n', ""
    else:
        sapo_out, sapo_in = "", f"<p><strong>{esc(v.sapo)}</strong></p>\n"
    return (
        "<body>\n"
        + _header()
        + v.top_html
        + '<div id="main" class="wrapper"><div class="col_left">\n'
        + _crumbs(v.crumbs, "title_new_nav")
        + '<div class="content_detail">\n'
        + f'<div class="tool">{esc(legacy_tool(v.published, v.date_style))}</div>\n'
        + kicker
        + f'<h1 class="title_detail">{esc(v.title)}</h1>\n'
        + sapo_out
        + '<div class="detail_info">\n'
        + sapo_in
        + _blocks(v.blocks)
        + "\n"
        + _byline(v.byline)
        + "\n</div>\n"
        + _tags(v.tags)
        + "</div>\n"
        + '<div class="box_category">\n'
        + _box("box-care", "Có thể bạn quan tâm", v.care)
        + _box("box-recommend", "Nên xem", v.recommend)
        + _box("box-other-news", "Tin khác", v.other, more=True)
        + "</div>\n</div>\n"
        + '<div class="col_right">'
        + _most_read(v.most_read)
        + "</div></div>\n"
        + _footer()
    )


# -- article templates of the sister MasterCMS sites (../shared/real-pages): no layout knows them by name ----


def _dated_list(cls: str, cards: list[Card], published: datetime, item: str = "li") -> str:
    """A side list whose items carry their own dates (hours to days before the article's)."""
    out = []
    for k, c in enumerate(cards):
        when = published - timedelta(hours=7 * (k + 1))
        stamp = f'<span class="format_time">{hm(when)}</span> | <span class="format_date">{dmy(when)}</span>'
        out.append(
            f'<{item} class="{cls}-item"><a href="{attr(c.href)}" title="{attr(c.title)}">{esc(c.title)}</a>'
            f'<span class="{cls}-time">{stamp}</span></{item}>'
        )
    return "\n".join(out)


def _detail_body(v: ArticleView) -> str:
    """thoibaonganhang's: `h1.detail-title`, `p.detail-sapo`, time first in `span.datetime`, the byline
    (`p[align=right] > strong`) after `#__MB_MASTERCMS_EL_3` inside `__MASTERCMS_CONTENT`, a dated list."""
    kicker = esc(v.kicker) if v.kicker else ""
    hidden = "" if v.kicker else ' style="display: none;"'
    byline = f'<p align="right">\n<strong>{esc(v.byline)}</strong>\n</p>\n' if v.byline else ""
    tags = " ".join(f'<a href="{attr(h)}" title="{attr(n)}">{esc(n)}</a>' for h, n in v.tags)
    return (
        "<body>\n"
        + _header()
        + '<div class="wrapper clearfix"><div class="w867 left clearfix">\n'
        + _crumbs(v.crumbs, "breadcrumbs")
        + '<div class="w693 detail-article left">\n'
        + f'<p class="detail-subtitle"{hidden}>{kicker}</p>\n'
        + f'<h1 class="detail-title">{esc(v.title)}</h1>\n'
        + '<div class="clearfix"><div class="meta right"><span class="datetime"><i class="far fa-clock"></i> '
        + f'<span class="format_time">{hm(v.published)}</span> | <span class="format_date">{dmy(v.published)}</span>'
        + "</span></div></div>\n"
        + f'<p class="detail-sapo">{esc(v.sapo)}</p>\n'
        + '<div class="category article-content __MASTERCMS_CONTENT __MB_CONTENT_FOR_PRINTER">\n'
        + '<div class="__MB_MASTERCMS_EL item-content" id="__MB_MASTERCMS_EL_3">\n'
        + _blocks(v.blocks)
        + "\n</div>\n"
        + byline
        + '<div style="clear: both;"></div>\n</div>\n'
        + (f'<div class="main-cate tags clearfix"><span>Tags:</span> {tags}</div>\n' if v.tags else "")
        + '<div class="main-cate"><div class="cat-head"><span class="cat-name">Có liên quan</span></div>\n'
        + f'<ul class="list-news">{_dated_list("news", v.other[:4], v.published)}</ul></div>\n'
        + "</div>\n"
        + _box("box-care", "Có thể bạn quan tâm", v.care)
        + "</div>\n"
        + '<div class="col-right">'
        + _most_read(v.most_read)
        + "</div></div>\n"
        + _footer()
    )


def _post_body(v: ArticleView) -> str:
    """netbiz's: `h1.post-title`, `div.post-desc`, date and time in one `span.post-publish-time` (weekday,
    GMT+7), the byline as an `a.article-author` link (`/tac-gia/`) before the body, paragraphs straight in
    `div.post-content.__MASTERCMS_CONTENT`, tag links `a.tag-item`, dated story cards after the article."""
    wd = v.published.weekday()
    when = f"{WEEKDAYS_WORD[wd]}, {dmy(v.published)} - {hm(v.published)} (GMT+7)"
    author = (
        f'<a href="/tac-gia/{attr(slugify(v.byline))}-{len(v.byline) + 100}.sign" class="article-author">'
        f"{esc(v.byline)}</a>"
        if v.byline
        else ""
    )
    links = "".join(f' <a href="{attr(h)}">{esc(n)}</a>' for h, n in v.crumbs)
    tags = "".join(f'<a class="tag-item" href="{attr(h)}" title="{attr(n)}">{esc(n)}</a>' for h, n in v.tags)
    return (
        "<body>\n"
        + _header()
        + f'<div class="post-breadcrumb">{links}</div>\n'
        + '<main class="main"><div class="wrapper clearfix"><div class="w720 lt">\n<div class="post">\n'
        + f'<div class="post-subtitle hide-empty">{esc(v.kicker) if v.kicker else ""}</div>\n'
        + f'<h1 class="post-title">{esc(v.title)}</h1>\n'
        + f'<div class="post-meta mb20"><span class="post-publish-time">{esc(when)}</span>\n'
        + f'<a id="postCategory" href="{attr(v.crumbs[-1][0])}" class="article-catname">{esc(v.crumbs[-1][1])}</a>\n'
        + f"{author}</div>\n"
        + f'<div class="post-desc">{esc(v.sapo)}</div>\n'
        + '<div class="post-content __MASTERCMS_CONTENT ">\n'
        + _blocks(v.blocks)
        + "\n</div>\n"
        + (f'<div class="post-tag"><div class="tag-title">Tags:</div><div class="clearfix">{tags}</div></div>\n')
        + "</div>\n"
        + '<div class="cat-grid-3"><div class="cat-content">\n'
        + _dated_list("article", v.other[:6], v.published, item="article")
        + "\n</div></div>\n</div></div></main>\n"
        + _footer()
    )


def _dual_body(v: ArticleView) -> str:
    """Two templates' markers: the 2019 layout's `div.detail_info` around the body (an article moved over from
    the old template) and a MasterCMS element (`div.__MB_MASTERCMS_EL`) around the side "Đọc nhiều" widget;
    header classes of neither (`h1.news-title`, `div.news-sapo`), date and time in one `span.format_time`."""
    kicker = f'<h2 class="news-kicker">{esc(v.kicker)}</h2>\n' if v.kicker else ""
    most_read = _dated_list("most", v.most_read, v.published)
    return (
        "<body>\n"
        + _header()
        + '<div class="main-content"><div class="col-left">\n'
        + _crumbs(v.crumbs, "breadcrumbs title_new_nav")
        + '<div class="news-detail">\n'
        + kicker
        + f'<h1 class="news-title">{esc(v.title)}</h1>\n'
        + f'<div class="news-meta"><span class="format_time">{hm(v.published)} {dmy(v.published)}</span></div>\n'
        + f'<div class="news-sapo">{esc(v.sapo)}</div>\n'
        + '<div class="detail_info">\n'
        + _blocks(v.blocks)
        + "\n"
        + _byline(v.byline)
        + "\n</div>\n"
        + _tags(v.tags)
        + "</div>\n"
        + _box("box-other-news", "Tin khác", v.other, more=True)
        + "</div>\n"
        + '<div class="col-right"><div class="box-most-read __MB_MASTERCMS_EL"><h3 class="box-title">Đọc nhiều</h3>'
        + f"<ul>{most_read}</ul></div></div></div>\n"
        + _footer()
    )


SISTER_TEMPLATES = {"detail": _detail_body, "post": _post_body, "dual": _dual_body}


def _pager(base: str, page: int, last: int, page_href: Callable[[int], str] | None = None) -> str:
    def href(n: int) -> str:
        return page_href(n) if page_href else base if n == 1 else f"{base}/p{n}"

    parts = []
    if page > 1:
        parts.append(f'<a href="{href(1)}" title="Trang đầu">«</a>')
        parts.append(f'<a href="{href(page - 1)}" title="Trang trước">‹</a>')
    lo, hi = max(1, min(page, last) - 2), min(last, max(page, 1) + 2)
    for n in range(lo, hi + 1):
        if n == page:
            parts.append(f'<span class="current">{n}</span>')
        else:
            parts.append(f'<a href="{href(n)}">{n}</a>')
    if page < last:
        parts.append(f'<a href="{href(page + 1)}" class="next" title="Trang sau">›</a>')
        parts.append(f'<a href="{href(last)}" title="Trang cuối">»</a>')
    return f'<div class="__MB_ARTICLE_PAGING paging clearfix">{" ".join(parts)}</div>\n'


def _list2020(items: list[Card]) -> str:
    out = []
    for c in items:
        out.append(
            '<div class="list_news">'
            f'<div class="list_news_img"><a href="{attr(c.href)}" title="{attr(c.title)}">'
            f'<img src="{attr(c.img)}" alt="{attr(c.title)}"></a></div>'
            f'<div class="list_news_title"><h2><a href="{attr(c.href)}" title="{attr(c.title)}">'
            f"{esc(c.title)}</a></h2></div>"
            f"<p>{esc(c.sapo)}</p></div>"
        )
    return "\n".join(out)


def _story_cards(items: list[Card]) -> str:
    out = []
    for c in items:
        out.append(
            '<article class="story">'
            f'<a class="story__thumb" href="{attr(c.href)}"><img src="{attr(c.img)}" alt="{attr(c.title)}"></a>'
            f'<h3 class="story__heading"><a href="{attr(c.href)}">{esc(c.title)}</a></h3>'
            f'<div class="story__summary">{esc(c.sapo)}</div></article>'
        )
    return "\n".join(out)


def _offset_pager(page: int, last: int, href: Callable[[int], str]) -> str:
    """thoibaonganhang.vn's pager: numbered offset links, `>` (no class) for the next page, `>|` for the last."""
    parts = ['<span style=""></span>']
    parts.append(
        f'<a rel="nofollow" href="{attr(href(1))}" title="1">|&lt;</a>'
        if page > 1
        else '<span class="current next">|&lt;</span>'
    )
    lo, hi = max(1, page - 2), min(last, page + 3)
    for n in range(lo, hi + 1):
        if n == page:
            parts.append(f'<span class="current">{n}</span>')
        else:
            parts.append(f'<a rel="nofollow" href="{attr(href(n))}" title="{n}">{n}</a>')
    if page < last:
        parts.append(f'<a rel="nofollow" href="{attr(href(page + 1))}" title="">&gt;</a>')
        parts.append(f'<a rel="nofollow" href="{attr(href(last))}" title="">&gt;|</a>')
    return f'<div class="grNextPage __MB_ARTICLE_PAGING">{" ".join(parts)}</div>\n'


def _list_news(items: list[Card]) -> str:
    out = []
    for c in items:
        out.append(
            f'<li><a href="{attr(c.href)}" class="box-img" title="{attr(c.title)}">'
            f'<img src="{attr(c.img)}" alt="{attr(c.title)}"></a>'
            f'<div class="box-text"><div class="box-title"><a href="{attr(c.href)}" class="title" '
            f'title="{attr(c.title)}">{esc(c.title)}</a></div></div></li>'
        )
    return '<ul class="list-news layout1">\n' + "\n".join(out) + "\n</ul>\n"


def _mb_articles(items: list[Card]) -> str:
    out = []
    for c in items:
        out.append(
            f'<article class="article"><a href="{attr(c.href)}" title="{attr(c.title)}" class="article-thumb">'
            f'<img src="{attr(c.img)}" alt="{attr(c.title)}" class="article-image"></a>'
            f'<div class="article-info"><h3 class="article-title"><a href="{attr(c.href)}" title="{attr(c.title)}">'
            f'{esc(c.title)}</a></h3><div class="article-desc">{esc(c.sapo)}</div></div></article>'
        )
    return "\n".join(out)


def _next_input(next_href: str | None) -> str:
    if not next_href:
        return ""
    return (
        f'<input type="hidden" name="__MB_NEXT_URL" class="__MB_NEXT_URL" value="{attr(next_href)}" '
        'style="display: none;">\n<span id="btnViewmore" class="btn-viewmore">XEM THÊM</span>\n'
    )


def render_load_more(items: list[Card], next_href: str | None) -> str:
    """What a "load more" URL answers: the next cards, and the URL of the ones after them if any."""
    return f'<div class="cat-content __MB_LIST_ITEM">\n{_mb_articles(items)}\n</div>\n{_next_input(next_href)}'


def render_listing(v: ListingView) -> str:
    head = _head(f"{v.name} - Báo Lao Động Thủ Đô", v.name, SITE_ROOT + v.path, "", v.name)
    pager = _pager(v.path, v.page, v.last_page, v.page_href)
    side = (
        '<div class="col_right">\n'
        + _most_read(v.most_read)
        + _box("box-other-news", "Tin khác", v.other, with_sapo=False)
        + _box("box-recommend", "Nên xem", v.recommend)
        + "</div>\n"
    )
    if v.pager == "offset" and v.page_href:
        main = (
            '<div class="wrapper clearfix">\n'
            + _crumbs(v.crumbs, "title_new_nav")
            + '<div class="w867 left">\n'
            + _list_news(v.items)
            + v.extra_main_html
            + _offset_pager(v.page, v.last_page, v.page_href)
            + "</div>\n"
            + side
            + "</div>\n"
        )
    elif v.pager == "load_more" and v.page_href:
        next_href = v.page_href(v.page + 1) if v.page < v.last_page else None
        main = (
            '<div class="wrapper clearfix">\n'
            + _crumbs(v.crumbs, "title_new_nav")
            + '<div class="w720 lt"><div class="cat-listing">\n<div class="cat-content __MB_LIST_ITEM">\n'
            + _mb_articles(v.items)
            + "\n"
            + v.extra_main_html
            + "</div></div>\n"
            + _next_input(next_href)
            + "</div>\n"
            + side
            + "</div>\n"
        )
    elif v.layout == "cards":
        main = (
            '<main class="cat-main">\n'
            + _crumbs(v.crumbs, "breadcrumbs title_new_nav")
            + f'<h1 class="cat-title">{esc(v.name)}</h1>\n<div class="cat-stories">\n'
            + _story_cards(v.items)
            + "\n"
            + v.extra_main_html
            + "</div>\n"
            + pager
            + "</main>\n"
            + '<aside class="cat-aside">\n'
            + _most_read(v.most_read)
            + _box("box-other-news", "Tin khác", v.other, with_sapo=False)
            + _box("box-recommend", "Nên xem", v.recommend)
            + "</aside>\n"
        )
    else:
        main = (
            '<div id="main" class="wrapper">\n'
            + _crumbs(v.crumbs, "title_new_nav")
            + '<div class="col_category">\n'
            + _list2020(v.items)
            + "\n"
            + v.extra_main_html
            + pager
            + "</div>\n"
            + '<div class="col_right">\n'
            + _most_read(v.most_read)
            + _box("box-other-news", "Tin khác", v.other, with_sapo=False)
            + _box("box-recommend", "Nên xem", v.recommend)
            + "</div>\n</div>\n"
        )
    return head + "<body>\n" + _header() + main + _footer()
