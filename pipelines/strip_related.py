"""From the raw body HTML: the article's own text, its images, its related links and its byline.

What the site puts in and after a body (box classes and headings, related and figure tables, bylines) is known
in `laodongthudo/layouts/` (`body_parts.py`, `bylines.py`); this pipeline only applies it. What goes, in this
order (each step on the lxml tree of `body_html`):
1. scripts, styles, embeds and comments;
2. an after-body box that got into the body (by its class, or by a heading standing alone) and everything
   after it;
3. related-article tables (anywhere, any number) and "Tin liên quan"-style blocks: their links go to `related`;
4. figures (the CMS's figure tables, `<figure>`): image and caption go to `images`, out of the text
   (`body_html` keeps them as `<figure><img><figcaption>`; the CMS's `alt`, the title as an unaccented slug,
   is dropped);
5. a first paragraph that repeats the sapo; a paragraph that is only the title (or its slug);
6. the byline: the last paragraph when `is_byline`; else the page metadata's author (`meta_author`).
`body` is what is left, one paragraph per block, joined by one blank line; `body_html` is the same tree
sanitised by nh3. `field_sources` gains `author` (a closing byline counts as the body's source), `images` and
`related` (out of the body).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from itemadapter import ItemAdapter
from lxml import etree

from laodongthudo.layouts.body_parts import (
    AFTER_BODY_CLASSES,
    BOX_TITLES,
    FIGURE_CLASSES,
    IMAGE_SRC_ATTRIBUTES,
    LEAD_IN_TITLES,
    RELATED_CLASSES,
    RELATED_TITLES,
)
from laodongthudo.layouts.bylines import is_byline
from laodongthudo.textnorm import clean_text, drop_dateline, match_key, title_key
from laodongthudo.urls import CANONICAL_ROOT, canonical_url

logger = logging.getLogger(__name__)

SITE_HOSTS = frozenset({"laodongthudo.vn", "www.laodongthudo.vn", "m.laodongthudo.vn"})

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

# The elements below a node that have a class attribute, in document order (a C-level filter: most have none).
_WITH_CLASS = etree.XPath("descendant::*[@class]")


def _has_class(el, classes: frozenset[str]) -> bool:
    """Whether one of the element's classes (any case) is in `classes`; no set built for the many without any."""
    value = el.get("class")
    return bool(value) and not classes.isdisjoint(c.lower() for c in value.split())


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


@functools.lru_cache(maxsize=4096)
def _text_and_key(raw: str) -> tuple[str, str]:
    # Heading candidates are short texts, each tried by both heading tests and often seen in earlier articles
    # (link texts, bylines): clean and key each once. Both functions are pure.
    text = clean_text(raw)
    return text, title_key(text)


def _is_box_heading(el, raw_text: str) -> bool:
    text, key = _text_and_key(raw_text)
    if key not in BOX_TITLES or text.endswith(":"):
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


def _is_related_heading(el, raw_text: str) -> bool:
    text, key = _text_and_key(raw_text)
    return key in RELATED_TITLES or (key in LEAD_IN_TITLES and text.endswith(":"))


# title_key keeps every ASCII letter and digit of a text, one for one (it only drops or adds characters), so a
# text with more of them than a wanted key has cannot have that key. Counting them is cheap; keying the text
# (NFC, NFD, accents) is not, and `_headings` would otherwise key the text of every block of the article.
_NOT_ASCII_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())


def _ascii_alnum_count(text: str | None) -> int:
    return len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_ALNUM)) if text else 0


def _max_ascii_alnum(keys: frozenset[str]) -> int:
    return max(_ascii_alnum_count(key) for key in keys)


def _headings(root, is_heading: Callable[[object, str], bool], max_alnum: int) -> list:
    """Innermost elements that are headings by `is_heading(el, el.text_content())`, in document order.

    `is_heading` must be false for an element whose text holds more than `max_alnum` ASCII letters and digits:
    such elements (nearly every block of the article) are ruled out by counting, without their text being
    collected or keyed. `is_heading` runs once per element, not once more per parent.
    """
    nodes = list(root.iter())
    heading: dict[object, bool] = {}
    texts: dict[object, str] = {}  # text_content() of the candidates: the elements of at most max_alnum
    for node in reversed(nodes):  # children before parents
        if not isinstance(node.tag, str) or node is root:  # comments (their content is no text); the root
            continue
        parts = []
        for child in node:
            if isinstance(child.tag, str):
                text = texts.get(child)
                if text is None:
                    break  # a parent holds all its children's letters: above a long element, nothing is short
                parts.append(text)
            parts.append(child.tail or "")
        else:
            text = (node.text or "") + "".join(parts)
            if _ascii_alnum_count(text) <= max_alnum:
                texts[node] = text
                heading[node] = is_heading(node, text)
    return [el for el in nodes if heading.get(el) and not any(heading.get(child) for child in el)]


_URL_INVISIBLES = re.compile(r"[\t\n\r]|%0[9aAdD]")


@functools.lru_cache(maxsize=4096)  # pure; an image or link is judged up to three times, and menus recur
def _site_url(url: str | None) -> str | None:
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


@functools.lru_cache(maxsize=4096)
def _related_url(href: str | None) -> str | None:
    """The URL a related link is stored under: site links canonical, others absolute."""
    url = _site_url(href)
    if url is not None and urlsplit(url).hostname in SITE_HOSTS:
        url = canonical_url(url)
    return url


def _harvest_links(el, related: dict[str, str], own_url: str | None) -> None:
    for a in el.iter("a"):
        url = _related_url(a.get("href"))
        if url is None:
            continue
        if url == own_url or related.get(url):
            continue
        related[url] = _text(a) or clean_text(a.get("title"))


def _image_src(img) -> str | None:
    for attr in IMAGE_SRC_ATTRIBUTES:
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
        elif parts and (text := _text(row)):
            parts[-1][1].append(text)
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
        text = "".join(buf)
        buf.clear()
        if text and not text.isspace():  # clean_text would make "" of it (blank runs between blocks)
            text = clean_text(text)
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


def _drop_block(text: str, owner, root) -> None:
    # Remove the element only when the paragraph is all it holds; otherwise the text stays in body_html.
    if owner is not root and _text(owner) == text and owner.getparent() is not None:
        owner.drop_tree()


def _has_text(text: str | None) -> bool:
    """`bool(clean_text(text))`, mostly without cleaning: clean_text drops spaces and zero-width characters only,
    and keeps every ASCII letter and digit (nearly every Vietnamese text has one)."""
    if not text or text.isspace():
        return False
    return _ascii_alnum_count(text) > 0 or bool(clean_text(text))


def _has_text_map(nodes: list) -> dict[object, bool]:
    """`bool(_text(el))` for every element of `nodes` (a subtree in document order), in one pass.

    An element's cleaned text is empty when each of its text nodes is (clean_text only drops spaces and
    zero-width characters), so children are judged before parents and nobody's text is collected twice.
    Dropping an empty element, or unwrapping one, leaves every other element's answer as it was.
    """
    has_text: dict[object, bool] = {}
    for node in reversed(nodes):
        if _is_element(node):
            has_text[node] = _has_text(node.text) or any(
                has_text.get(child, False) or _has_text(child.tail) for child in node
            )
    return has_text


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
    nodes = list(root.iter())
    has_text = _has_text_map(nodes)
    for el in reversed(nodes):
        if not _is_element(el) or el is root or el.getparent() is None or has_text[el]:
            continue
        if any(True for _ in el.iter("img", "br")):
            continue
        if el.tag in ("p", "h2", "h3", "h4", "li", "blockquote", "ul", "ol", "div"):
            el.drop_tree()
        elif el.tag in ("strong", "em", "b", "i", "u", "span", "a"):
            el.drop_tag()


def _inner_html(root) -> str:
    """The root's text as it is (not escaped), then each element child serialised with its tail."""
    text = root.text
    if not root.attrib and all(_is_element(child) for child in root):
        # One serialisation of the root instead of one per child: the same markup between <div> and </div>.
        root.text = None
        try:
            html = lxml.html.tostring(root, encoding="unicode")
        finally:
            root.text = text
        if html.startswith("<div>") and html.endswith("</div>"):
            return (text or "") + html[len("<div>") : -len("</div>")]
    return (text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root if _is_element(child))


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


# Control characters are invalid in HTML and make lxml refuse the text it parsed itself. (A regex, not
# str.translate with a dict: that looks up every character of the body, and bodies rarely hold any.)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _parse(body_html: str):
    try:
        return lxml.html.fragment_fromstring(_CONTROL_CHARS.sub(" ", body_html), create_parent="div")
    except (etree.ParserError, ValueError):
        return None


# The most ASCII letters and digits a box / related heading can hold (see `_headings`).
_BOX_ALNUM = _max_ascii_alnum(BOX_TITLES)
_RELATED_ALNUM = _max_ascii_alnum(RELATED_TITLES | LEAD_IN_TITLES)


def _drop_never_text(root: Any) -> None:
    """Step 1: elements that are never text, comments and processing instructions."""
    # lxml does not know these void elements and nests what follows them inside them: unwrap them first, so
    # that dropping them cannot take the rest of the body along.
    for el in list(root.iter(*SWALLOWING_VOID_TAGS)):
        if el.getparent() is not None:
            el.drop_tag()
    for el in list(root.iter(*DROP_TAGS)):
        if el.getparent() is not None:
            el.drop_tree()
    for comment in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if comment.getparent() is not None:
            comment.drop_tree()


def _cut_after_body(root: Any) -> None:
    """Step 2: an after-body box and what follows it: cut at the first one in document order."""
    markers = [el for el in _WITH_CLASS(root) if _has_class(el, AFTER_BODY_CLASSES)]
    markers += _headings(root, _is_box_heading, _BOX_ALNUM)
    if markers:
        order = {el: i for i, el in enumerate(root.iter())}
        first = min(markers, key=order.__getitem__)
        block = first if _has_class(first, AFTER_BODY_CLASSES) else _block_of(first, root)
        _truncate_from(block, root)


def _take_related(root: Any, related: dict[str, str], own_url: str | None) -> None:
    """Step 3: related tables, then "Tin liên quan" blocks with the link lists that follow their heading; their
    links go to `related`."""
    for el in _WITH_CLASS(root):
        if _has_class(el, RELATED_CLASSES) and el.getparent() is not None:
            _harvest_links(el, related, own_url)
            el.drop_tree()
    for heading in _headings(root, _is_related_heading, _RELATED_ALNUM):
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


def _take_figures(root: Any, images: list[dict[str, Any]]) -> None:
    """Step 4: figures become one clean <figure> per image, and every image goes to `images`."""
    for el in list(root.iter("figure", "table")):
        if el.getparent() is None:
            continue
        if el.tag == "figure" or _has_class(el, FIGURE_CLASSES):
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


def _drop_repeats(root: Any, paras: list[Any], sapo: str | None, title: str | None) -> list[Any]:
    """Step 5: repeats of the sapo (first paragraph) and of the title (anywhere); the paragraphs left."""
    if paras:
        sapo_text, first_text = drop_dateline(sapo), drop_dateline(paras[0][0])
        # match_key keeps every space of a cleaned text (and adds none): a first paragraph of another number of
        # words cannot repeat the sapo, and neither needs its (costly) key.
        if (
            sapo_text.count(" ") == first_text.count(" ")
            and (sapo_key := match_key(sapo_text))
            and match_key(first_text) == sapo_key
        ):
            _drop_block(*paras[0], root)
            paras = paras[1:]
    key = title_key(title)
    if key:
        # Keyed once per paragraph; a paragraph with more ASCII letters and digits than the title's key is
        # longer than the title, whatever its accents and punctuation (see `_headings`).
        title_alnum = _ascii_alnum_count(key)
        is_title = [_ascii_alnum_count(text) <= title_alnum and title_key(text) == key for text, _ in paras]
        for (text, owner), drop in zip(paras, is_title, strict=True):
            if drop:
                _drop_block(text, owner, root)
        paras = [p for p, drop in zip(paras, is_title, strict=True) if not drop]
    return paras


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

        _drop_never_text(root)
        # lxml builds an element's Python proxy (through a Python class lookup) whenever the element is reached
        # with no proxy alive: holding them all saves rebuilding them in every pass below.
        keep_alive = list(root.iter())  # noqa: F841 - only held
        _cut_after_body(root)
        _take_related(root, related, adapter.get("url"))
        _take_figures(root, images)
        paras = _drop_repeats(root, paragraphs(root), adapter.get("sapo"), adapter.get("title"))

        # 6. Byline: the last paragraph, when it is name-like and not the only paragraph; else the metadata's.
        sources = dict(adapter.get("field_sources") or {})
        body_source = sources.get("body")
        if len(paras) > 1 and is_byline(paras[-1][0]):
            if not author and body_source:
                sources["author"] = body_source
            author = author or paras[-1][0]
            _drop_block(*paras[-1], root)
            paras = paras[:-1]
        if not author and (meta_author := adapter.get("meta_author")):
            author = meta_author
            sources["author"] = "metadata"

        adapter["body"] = "\n\n".join(text for text, _ in paras)
        _tidy_for_html(root)
        adapter["body_html"] = sanitise(_inner_html(root))
        adapter["images"] = images
        adapter["related"] = [{"url": url, "title": title} for url, title in related.items()]
        adapter["author"] = author
        if body_source:  # images and related links come out of the body
            sources.update({name: body_source for name in ("images", "related") if adapter[name]})
        if "field_sources" in adapter.field_names():
            adapter["field_sources"] = sources
        return item
