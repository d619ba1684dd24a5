"""From the raw body HTML: the article's own text, its images, its related links and its byline.

What goes, in this order (each step on the lxml tree of `body_html`):
1. scripts, styles, embeds and comments;
2. an after-body box that got into the body ("Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm",
   "Đọc nhiều", the tags, the footer's "Phiên bản di động") and everything after it;
3. related-article tables (`__mb_article_in_image`, `__MB_ARTICLE_A`, anywhere, any number) and
   "Tin liên quan" blocks: their links go to `related`;
4. figures (`MASTERCMS_TPL_TABLE`, `<figure>`): image and caption go to `images`, out of the text
   (`body_html` keeps them as `<figure><img><figcaption>`; the CMS's `alt`, the title as an unaccented slug,
   is dropped);
5. a first paragraph that repeats the sapo; a paragraph that is only the title (or its slug);
6. the byline: see `is_byline`.
`body` is what is left, one paragraph per block, joined by one blank line; `body_html` is the same tree
sanitised by nh3.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from itemadapter import ItemAdapter
from lxml import etree

from laodongthudo.textnorm import clean_text, drop_dateline, match_key, title_key
from laodongthudo.urls import CANONICAL_ROOT, canonical_url

logger = logging.getLogger(__name__)

SITE_HOSTS = frozenset({"laodongthudo.vn", "www.laodongthudo.vn", "m.laodongthudo.vn"})

RELATED_CLASSES = frozenset({"__mb_article_in_image", "__mb_article_a"})
FIGURE_CLASSES = frozenset({"mastercms_tpl_table"})
# Page parts after the body (docs/markup.md); on a broken page they can end up inside it.
AFTER_BODY_CLASSES = frozenset(
    {"tags", "box-care", "box-recommend", "box-other-news", "box-most-read", "box_category", "footer"}
)
BOX_TITLES = frozenset(
    title_key(t) for t in ("Có thể bạn quan tâm", "Nên xem", "Tin khác", "Xem thêm", "Đọc nhiều", "Phiên bản di động")
)
RELATED_TITLES = frozenset(title_key(t) for t in ("Tin liên quan", "Bài liên quan", "Tin cùng chuyên mục"))
# With a colon, "Xem thêm:" / "Đọc thêm:" introduce editor-inserted links (related); without, "Xem thêm" is
# the more-link of the "Tin khác" box.
LEAD_IN_TITLES = frozenset(title_key(t) for t in ("Xem thêm", "Đọc thêm"))

SWALLOWING_VOID_TAGS = ("embed", "source", "track", "keygen", "wbr")
DROP_TAGS = ("script", "style", "noscript", "iframe", "template", "object", "embed", "form", "button", "svg")
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "dl",
        "dt",
        "dd",
        "pre",
        "center",
        "figure",
        "figcaption",
        "hr",
        "address",
    ]
)

ALLOWED_TAGS = frozenset(
    [
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "sub",
        "sup",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "figure",
        "figcaption",
        "img",
    ]
)
ALLOWED_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}

# Byline: one to three names ("Hải Anh - Minh Phương"), each of two to five capitalised syllables,
# "N.Hoa" style initials allowed; nothing else (no digits, no sentence punctuation, no lowercase word).
_NAME_SEPARATORS = re.compile(r"\s+[-–—&]\s+|\s*,\s*|\s+và\s+")
BYLINE_MAX_CHARS = 60


def _classes(el) -> set[str]:
    return {c.lower() for c in (el.get("class") or "").split()}


def _text(el) -> str:
    return clean_text(el.text_content())


def _is_element(el) -> bool:
    return isinstance(el.tag, str)


def _link_density(el) -> float:
    """Share of an element's text that sits inside links."""
    total = len(_text(el))
    if not total:
        return 0.0
    return sum(len(_text(a)) for a in el.iter("a")) / total


def _truncate_from(el, root) -> None:
    """Remove `el` and everything after it in document order, up to the end of `root`."""
    node = el
    while node is not None and node is not root:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    el.getparent().remove(el)


def _block_of(heading, root, *, max_link_density: float | None = None):
    """The box a heading opens: its highest ancestor (below root) whose text begins with the heading."""
    heading_text = _text(heading)
    start = title_key(heading_text)
    block = heading
    parent = heading.getparent()
    while parent is not None and parent is not root and title_key(_text(parent)).startswith(start):
        if max_link_density is not None:
            # Past the heading, the block must be mostly links: never climb into the article's own text.
            rest = len(_text(parent)) - len(heading_text)
            links = sum(len(_text(a)) for a in parent.iter("a"))
            if rest > 0 and links / rest < max_link_density:
                break
        block = parent
        parent = parent.getparent()
    return block


def _is_box_heading(el) -> bool:
    text = _text(el)
    if title_key(text) not in BOX_TITLES or text.endswith(":"):
        return False
    return _stands_alone(el)


def _stands_alone(el) -> bool:
    """No text of the same line around it: a "Xem thêm" link inside a sentence opens no box."""
    node = el
    while node.tag not in BLOCK_TAGS:
        parent = node.getparent()
        if parent is None:
            return True
        previous, following = node.getprevious(), node.getnext()
        before = (previous.tail if previous is not None else parent.text) or ""
        if before.strip() or (node.tail or "").strip():
            return False
        for sibling in (previous, following):
            if sibling is not None and _is_element(sibling) and sibling.tag not in BLOCK_TAGS and _text(sibling):
                return False
        node = parent
    return True


def _is_related_heading(el) -> bool:
    text = _text(el)
    key = title_key(text)
    return key in RELATED_TITLES or (key in LEAD_IN_TITLES and text.endswith(":"))


def _headings(root, is_heading: Callable[[object], bool]):
    """Innermost elements that are headings by `is_heading`, in document order."""
    for el in root.iter():
        if el is root or not _is_element(el):
            continue
        if is_heading(el) and not any(_is_element(c) and is_heading(c) for c in el):
            yield el


_URL_INVISIBLES = re.compile(r"[\t\n\r]|%0[9aAdD]")


def _site_url(url: str) -> str | None:
    """Absolute URL; site links (relative, http, www., m.) on the canonical https root, query kept."""
    # Browsers drop tabs and newlines anywhere in a URL ("jav&#x09;ascript:" is "javascript:"); so do we,
    # before the scheme is judged; libxml2 hands them over percent-encoded when it serialises the body.
    url = _URL_INVISIBLES.sub("", url or "").strip()
    if not url or url.lower().startswith(("#", "javascript:", "vbscript:", "data:", "mailto:")):
        return None
    try:
        absolute = urljoin(CANONICAL_ROOT + "/", url)
        parts = urlsplit(absolute)
        parts.port  # noqa: B018 - raises on a malformed port, like a malformed host above
    except ValueError:  # "http://[::1", "http://x:port": a broken link is no link
        return None
    if parts.scheme not in ("http", "https"):
        return None
    if parts.hostname in SITE_HOSTS:
        return CANONICAL_ROOT + parts.path + (f"?{parts.query}" if parts.query else "")
    return absolute


def _harvest_links(el, related: dict[str, str], own_url: str | None) -> None:
    for a in el.iter("a"):
        url = _site_url(a.get("href"))
        if url is None:
            continue
        if urlsplit(url).hostname in SITE_HOSTS:
            url = canonical_url(url)
        if url == own_url:
            continue
        title = _text(a) or clean_text(a.get("title"))
        if not related.get(url):
            related[url] = title


def _image_src(img) -> str | None:
    # Lazy-loaded images carry the real address in data-src / data-original.
    for attr in ("data-src", "data-original", "src"):
        src = (img.get(attr) or "").strip()
        if src and not src.startswith("data:"):
            return _site_url(src)
    return None


def _figure_parts(el) -> list[tuple[str, str | None]]:
    """(src, caption) for each image of a figure table or <figure>."""
    if el.tag == "figure":
        caption = " ".join(_text(c) for c in el.iter("figcaption")) or None
        return [(src, caption) for img in el.iter("img") if (src := _image_src(img))]
    # MASTERCMS table: a row with the image, then the caption row(s) until the next image.
    parts: list[tuple[str, list[str]]] = []
    for row in el.iter("tr"):
        images = [src for img in row.iter("img") if (src := _image_src(img))]
        if images:
            parts.extend((src, []) for src in images)
        elif parts and _text(row):
            parts[-1][1].append(_text(row))
    if not parts:  # no rows: a bare table with an image
        parts = [(src, []) for img in el.iter("img") if (src := _image_src(img))]
    return [(src, " ".join(caption) or None) for src, caption in parts]


def _make_figure(src: str, caption: str | None):
    figure = lxml.html.Element("figure")
    etree.SubElement(figure, "img", src=src)
    if caption:
        etree.SubElement(figure, "figcaption").text = caption
    return figure


def _replace(old, new) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def paragraphs(root) -> list[tuple[str, object]]:
    """(text, owning block element) for every paragraph of the tree, in order; figures skipped.

    A paragraph ends at every block boundary and at every <br>.
    """
    out: list[tuple[str, object]] = []
    buf: list[str] = []

    def flush(owner) -> None:
        text = clean_text("".join(buf))
        buf.clear()
        if text:
            out.append((text, owner))

    def walk(el, owner) -> None:
        if not _is_element(el):
            return
        tag = el.tag.lower()
        if tag == "figure":
            flush(owner)
            return
        if tag == "br":
            flush(owner)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush(owner)
            owner = el
        buf.append(el.text or "")
        for child in el:
            walk(child, owner)
            buf.append(child.tail or "")
        if block:
            flush(owner)

    walk(root, root)
    flush(root)
    return out


def _name_ok(name: str) -> bool:
    syllables = name.replace(".", ". ").split()
    if not 2 <= len(syllables) <= 5:  # one capitalised word ("Hết", "PV") is too little to be sure
        return False
    for syllable in syllables:
        word = syllable[:-1] if syllable.endswith(".") and len(syllable) <= 3 else syllable
        if not (word.isalpha() and word[0].isupper()):
            return False
    # An initial must be followed by a name ("N.Hoa"), not end it ("Hoa N.").
    return not syllables[-1].endswith(".")


def is_byline(text: str) -> bool:
    """A short, name-like paragraph: the byline, never a sentence.

    Names only (`Đỗ Đạt`, `N.Hoa`, `Thu Hà`, `Hải Anh - Minh Phương`): at most three names, each two to
    five capitalised syllables or initials, no digits, no lowercase word, no sentence punctuation,
    at most 60 characters. A real closing sentence has lowercase words, so it never matches.
    """
    text = clean_text(text)
    if not text or len(text) > BYLINE_MAX_CHARS:
        return False
    names = _NAME_SEPARATORS.split(text)
    return 1 <= len(names) <= 3 and all(_name_ok(n) for n in names)


def _drop_block(text: str, owner, root) -> None:
    # Remove the element only when the paragraph is all it holds; otherwise the text stays in body_html.
    if owner is not root and _text(owner) == text and owner.getparent() is not None:
        owner.drop_tree()


def _tidy_for_html(root) -> None:
    for el in list(root.iter()):
        if not _is_element(el) or el is root:
            continue
        tag = el.tag.lower()
        if tag == "div" and not any(_is_element(c) and c.tag in BLOCK_TAGS for c in el):
            el.tag = "p"  # leaf divs are the CMS's paragraphs
        elif tag == "h1":
            el.tag = "h2"
        elif tag in ("h5", "h6"):
            el.tag = "h4"
        if tag == "a" and "href" in el.attrib:
            url = _site_url(el.get("href"))
            if url is None:
                el.drop_tag()  # a javascript: or broken link: its text stays, the link goes
            else:
                el.set("href", url)
        if tag == "img":
            src = _image_src(el)
            if not src:
                el.drop_tree()  # an image without an address shows nothing
                continue
            el.set("src", src)
            el.attrib.pop("alt", None)  # the CMS's alt is the title as a slug, not a description
    # Empty blocks (the CMS's <p>&nbsp;</p>) go with their content; empty inline tags go, their spaces stay.
    for el in reversed(list(root.iter())):
        if not _is_element(el) or el is root or el.getparent() is None or _text(el):
            continue
        if any(True for _ in el.iter("img", "br")):
            continue
        if el.tag in ("p", "h2", "h3", "h4", "li", "blockquote", "ul", "ol", "div"):
            el.drop_tree()
        elif el.tag in ("strong", "em", "b", "i", "u", "span", "a"):
            el.drop_tag()


_BLANK_LINES = re.compile(r"\n\s*\n")


def sanitise(html: str) -> str:
    html = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={"*": set()} | {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},  # no generic lang/title
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        clean_content_tags={"script", "style"},
    )
    return _BLANK_LINES.sub("\n", html).strip()


# Control characters are invalid in HTML and make lxml refuse the text it parsed itself.
_CONTROL_CHARS = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F], " ")


def _parse(body_html: str):
    try:
        return lxml.html.fragment_fromstring(body_html.translate(_CONTROL_CHARS), create_parent="div")
    except (etree.ParserError, ValueError):
        return None


class StripRelatedPipeline:
    def process_item(self, item, spider=None):
        adapter = ItemAdapter(item)
        raw = adapter.get("body_html") or ""
        root = _parse(raw) if raw.strip() else None
        related: dict[str, str] = {}
        for link in adapter.get("related") or []:
            related.setdefault(link["url"], link["title"])
        images = list(adapter.get("images") or [])
        author = adapter.get("author")
        if root is None:
            adapter["body"], adapter["body_html"] = "", ""
            return item
        own_url = adapter.get("url")

        # 1. Never text. lxml does not know these void elements and nests what follows them inside them:
        # unwrap them first, so that dropping them cannot take the rest of the body along.
        for el in list(root.iter(*SWALLOWING_VOID_TAGS)):
            if el.getparent() is not None:
                el.drop_tag()
        for el in list(root.iter(*DROP_TAGS)):
            if el.getparent() is not None:
                el.drop_tree()
        for comment in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
            if comment.getparent() is not None:
                comment.drop_tree()

        # 2. An after-body box and what follows it: cut at the first one in document order.
        markers = [el for el in root.iter() if _is_element(el) and el is not root and _classes(el) & AFTER_BODY_CLASSES]
        markers += list(_headings(root, _is_box_heading))
        if markers:
            order = {el: i for i, el in enumerate(root.iter())}
            first = min(markers, key=order.__getitem__)
            block = first if _classes(first) & AFTER_BODY_CLASSES else _block_of(first, root)
            _truncate_from(block, root)

        # 3. Related tables, then "Tin liên quan" blocks with the link lists that follow their heading.
        for el in list(root.iter()):
            if _is_element(el) and _classes(el) & RELATED_CLASSES and el.getparent() is not None:
                _harvest_links(el, related, own_url)
                el.drop_tree()
        for heading in list(_headings(root, _is_related_heading)):
            if heading.getparent() is None:
                continue
            block = _block_of(heading, root, max_link_density=0.5)
            if block.getparent() is None:
                continue
            following = []
            for sibling in block.itersiblings():
                if not _is_element(sibling) or not _text(sibling) or _link_density(sibling) < 0.9:
                    break
                following.append(sibling)
            for el in (block, *following):
                _harvest_links(el, related, own_url)
                el.drop_tree()

        # 4. Figures.
        for el in list(root.iter()):
            if not _is_element(el) or el.getparent() is None:
                continue
            if el.tag == "figure" or (el.tag == "table" and _classes(el) & FIGURE_CLASSES):
                parts = _figure_parts(el)
                images.extend({"src": src, "caption": caption} for src, caption in parts)
                if parts:
                    replacement = _make_figure(*parts[0])
                    _replace(el, replacement)
                    for src, caption in parts[1:]:
                        extra = _make_figure(src, caption)
                        replacement.addnext(extra)
                        replacement = extra
                else:
                    el.drop_tree()
        for img in root.iter("img"):
            if img.getparent() is not None and img.getparent().tag not in ("figure",):
                src = _image_src(img)
                if src and all(src != i["src"] for i in images):
                    images.append({"src": src, "caption": None})

        # 5. Repeats of the sapo (first paragraph) and of the title (anywhere).
        paras = paragraphs(root)
        sapo = match_key(drop_dateline(adapter.get("sapo")))
        if paras and sapo and match_key(drop_dateline(paras[0][0])) == sapo:
            _drop_block(*paras[0], root)
            paras = paras[1:]
        title = title_key(adapter.get("title"))
        if title:
            for text, owner in [p for p in paras if title_key(p[0]) == title]:
                _drop_block(text, owner, root)
            paras = [p for p in paras if title_key(p[0]) != title]

        # 6. Byline: the last paragraph, when it is name-like and not the only paragraph.
        if len(paras) > 1 and is_byline(paras[-1][0]):
            author = author or paras[-1][0]
            _drop_block(*paras[-1], root)
            paras = paras[:-1]

        adapter["body"] = "\n\n".join(text for text, _ in paras)
        _tidy_for_html(root)
        inner = (root.text or "") + "".join(
            lxml.html.tostring(child, encoding="unicode") for child in root if _is_element(child)
        )
        adapter["body_html"] = sanitise(inner)
        adapter["images"] = images
        adapter["related"] = [{"url": url, "title": title} for url, title in related.items()]
        adapter["author"] = author
        return item
