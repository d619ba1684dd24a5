"""The strip pipeline alone, on hand-made body fragments; and a property test against crashes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import DropItem

from laodongthudo.items import Article
from pipelines.dates import DatesPipeline
from pipelines.normalize_text import NormalizeTextPipeline
from pipelines.strip_related import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, StripRelatedPipeline, is_byline

URL = "https://laodongthudo.vn/dat-ket-qua-cao-tu-nhung-net-moi-98821.html"
TITLE = "Đạt kết quả cao từ những nét mới"
SLUG = "dat ket qua cao tu nhung net moi"
SAPO = "(LĐTĐ) Chiều 27/11, đoàn khảo sát đã làm việc với Cụm thi đua số 2."

P1 = "Cụm thi đua số 2 gồm 6 đơn vị thành viên."
P2 = "Báo cáo kết quả hoạt động trong năm 2019, ông Cao Đắc Tiến cho biết nhiều điều."
P3 = "Kết luận tại hội nghị, Phó Chủ tịch đã ghi nhận những kết quả nổi bật."

RELATED_A = (
    '<table class="__MB_ARTICLE_A"><tbody><tr><td>'
    '<a class="__MB_ARTICLE_A_ITEM" href="/tap-trung-cham-lo-tet-98776.html">Tập trung chăm lo Tết</a>'
    '<a class="__MB_ARTICLE_A_ITEM" href="http://laodongthudo.vn/thong-qua-danh-sach-98726.html?utm=x">'
    "Thông qua danh sách đề nghị khen thưởng</a>"
    "</td></tr></tbody></table>"
)
RELATED_IN_IMAGE = (
    '<table class="__mb_article_in_image"><tbody>'
    f'<tr><td><a href="/khong-ngung-doi-moi-98598.html"><img src="/t/98598.jpg" alt="{SLUG}"></a></td>'
    '<td><a href="/khong-ngung-doi-moi-98598.html">Không ngừng đổi mới, sáng tạo</a></td></tr>'
    "</tbody></table>"
)
FIGURE = (
    '<table class="MASTERCMS_TPL_TABLE"><tbody>'
    f'<tr><td><img class="__img_mastercms" src="/stores/news_dataimages/dodat/112019/27/17/a-1.jpg?rt=20191127"'
    f' alt="{SLUG}" title="{TITLE}"></td></tr>'
    "<tr><td>Phó Chủ tịch phát biểu tại buổi khảo sát</td></tr>"
    "</tbody></table>"
)
BYLINE = '<p style="text-align: right;"><strong>Đỗ Đạt</strong></p>'


def strip(body_html: str, **fields) -> Article:
    item = Article(url=URL, article_id=98821, title=TITLE, sapo=SAPO, body_html=body_html, **fields)
    return StripRelatedPipeline().process_item(item)


def test_related_tables_anywhere_go_to_related() -> None:
    item = strip(RELATED_IN_IMAGE + f"<p>{P1}</p>" + RELATED_A + f"<p>{P2}</p>" + BYLINE)
    assert item.body == f"{P1}\n\n{P2}"
    assert item.related == [
        {"url": "https://laodongthudo.vn/khong-ngung-doi-moi-98598.html", "title": "Không ngừng đổi mới, sáng tạo"},
        {"url": "https://laodongthudo.vn/tap-trung-cham-lo-tet-98776.html", "title": "Tập trung chăm lo Tết"},
        {
            "url": "https://laodongthudo.vn/thong-qua-danh-sach-98726.html",
            "title": "Thông qua danh sách đề nghị khen thưởng",
        },
    ]
    assert "Tập trung" not in item.body_html and SLUG not in item.body_html


def test_related_links_are_deduplicated_and_self_links_dropped() -> None:
    self_link = f'<table class="__MB_ARTICLE_A"><tr><td><a href="{URL}">{TITLE}</a></td></tr></table>'
    item = strip(RELATED_A + f"<p>{P1}</p>" + RELATED_A + self_link + f"<p>{P2}</p>")
    assert [r["url"].rsplit("-", 1)[1] for r in item.related] == ["98776.html", "98726.html"]


def test_related_table_after_the_byline() -> None:
    item = strip(f"<p>{P1}</p><p>{P2}</p>" + BYLINE + RELATED_A)
    assert item.body == f"{P1}\n\n{P2}"
    assert item.author == "Đỗ Đạt"
    assert len(item.related) == 2


def test_tin_lien_quan_block_with_its_link_list() -> None:
    block = (
        "<p><strong>Tin liên quan:</strong></p>"
        '<ul><li><a href="/mot-1.html">Bài một</a></li><li><a href="/hai-2.html">Bài hai</a></li></ul>'
    )
    item = strip(f"<p>{P1}</p>" + block + f"<p>{P2}</p>")
    assert item.body == f"{P1}\n\n{P2}"
    assert [r["title"] for r in item.related] == ["Bài một", "Bài hai"]


def test_tin_lien_quan_box_never_swallows_the_article() -> None:
    # The heading is the first thing of a wrapper that also holds the article: only the links go.
    body = (
        '<div><div class="related"><h4>TIN LIÊN QUAN</h4><a href="/mot-1.html">Bài một</a></div>'
        f"<p>{P1}</p><p>{P2}</p></div>"
    )
    item = strip(body)
    assert item.body == f"{P1}\n\n{P2}"
    assert item.related == [{"url": "https://laodongthudo.vn/mot-1.html", "title": "Bài một"}]


def test_figures_go_to_images_not_to_the_body() -> None:
    item = strip(f"<p>{P1}</p>" + FIGURE + f"<p>{P2}</p>")
    assert item.body == f"{P1}\n\n{P2}"
    assert item.images == [
        {
            "src": "https://laodongthudo.vn/stores/news_dataimages/dodat/112019/27/17/a-1.jpg?rt=20191127",
            "caption": "Phó Chủ tịch phát biểu tại buổi khảo sát",
        }
    ]
    assert SLUG not in item.body_html
    assert "<figcaption>Phó Chủ tịch phát biểu tại buổi khảo sát</figcaption>" in item.body_html


def test_figure_without_caption_and_lazy_image() -> None:
    figure = (
        '<table class="MASTERCMS_TPL_TABLE"><tr><td>'
        '<img src="data:image/gif;base64,R0lGOD" data-src="http://www.laodongthudo.vn/stores/x.jpg?rt=1">'
        "</td></tr></table>"
    )
    item = strip(f"<p>{P1}</p>" + figure)
    assert item.images == [{"src": "https://laodongthudo.vn/stores/x.jpg?rt=1", "caption": None}]
    assert item.body == P1


def test_html5_figure() -> None:
    item = strip(f'<p>{P1}</p><figure><img src="/a.jpg"><figcaption>Ảnh: Thu Hà</figcaption></figure>')
    assert item.images == [{"src": "https://laodongthudo.vn/a.jpg", "caption": "Ảnh: Thu Hà"}]
    assert item.body == P1


def test_after_body_box_inside_the_body_is_cut_with_what_follows() -> None:
    boxes = (
        '<div class="box-care"><h3 class="box-title">Có thể bạn quan tâm</h3></div>'
        '<div><h3>Nên xem</h3><a href="/x-1.html">Hà Nội phải tiên phong phát triển kinh tế tuần hoàn</a></div>'
        "<p>Phiên bản di động</p>"
    )
    item = strip(f"<p>{P1}</p><p>{P2}</p>" + BYLINE + boxes)
    assert item.body == f"{P1}\n\n{P2}"
    assert item.author == "Đỗ Đạt"
    assert item.related == []
    assert "tuần hoàn" not in item.body_html


@pytest.mark.parametrize("title", ["Tin khác", "Xem thêm", "Đọc nhiều", "Nên xem", "TIN KHÁC"])
def test_box_found_by_its_title_without_classes(title: str) -> None:
    item = strip(f"<div><p>{P1}</p><p>{P2}</p><div><span>{title}</span><p>Tin của mục khác</p></div></div>")
    assert item.body == f"{P1}\n\n{P2}"


def test_a_more_link_inside_a_sentence_cuts_nothing() -> None:
    item = strip(f'<p>{P1} <a href="/x-1.html">Xem thêm</a> tại đây.</p><p>{P2}</p>')
    assert item.body == f"{P1} Xem thêm tại đây.\n\n{P2}"


def test_xem_them_with_a_colon_introduces_related_links() -> None:
    item = strip(f'<p>{P1}</p><p><strong>Xem thêm:</strong> <a href="/bai-x-1.html">Bài X</a></p><p>{P2}</p>')
    assert item.body == f"{P1}\n\n{P2}"
    assert item.related == [{"url": "https://laodongthudo.vn/bai-x-1.html", "title": "Bài X"}]


def test_tags_that_got_inside_are_cut() -> None:
    item = strip(f'<p>{P1}</p><div class="tags"><a href="/tag/a-1.tag">công đoàn</a></div><p>rác</p>')
    assert item.body == P1


def test_leading_sapo_paragraph_goes() -> None:
    sapo_p = "<p><strong>Chiều 27/11, đoàn khảo sát đã làm việc với Cụm thi đua số 2.</strong></p>"
    item = strip(sapo_p + f"<p>{P1}</p>")
    assert item.body == P1


def test_a_later_paragraph_equal_to_the_sapo_stays() -> None:
    again = "<p>Chiều 27/11, đoàn khảo sát đã làm việc với Cụm thi đua số 2.</p>"
    item = strip(f"<p>{P1}</p>" + again)
    assert item.body.endswith("Cụm thi đua số 2.") and item.body.startswith(P1)


def test_title_and_slug_lines_go() -> None:
    item = strip(f"<p>{P1}</p><p>{SLUG}</p><p>{P2}</p>")
    assert item.body == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    ("byline_html", "author"),
    [
        (BYLINE, "Đỗ Đạt"),
        ("<p>N.Hoa</p>", "N.Hoa"),
        ('<p style="text-align:right"><b>Thu Hà</b></p>', "Thu Hà"),
        ('<div style="text-align: right;"><strong>Hải Anh - Minh Phương</strong></div>', "Hải Anh - Minh Phương"),
        ("<p><strong>Nguyễn Thị Phương Hoa</strong></p>", "Nguyễn Thị Phương Hoa"),
    ],
)
def test_byline(byline_html: str, author: str) -> None:
    item = strip(f"<p>{P1}</p><p>{P2}</p>" + byline_html + "<p>&nbsp;</p>")
    assert item.author == author
    assert item.body == f"{P1}\n\n{P2}"


@pytest.mark.parametrize(
    "last",
    [
        "Hội nghị kết thúc tốt đẹp.",
        "Xin chân thành cảm ơn!",
        "Hà Nội, ngày 5/12/2019",
        "Theo báo cáo",
        "Giải đấu kéo dài đến 30/12",
        "Đoàn Viên",  # name-like alone is not enough when it is the only paragraph
    ],
)
def test_a_real_last_sentence_is_never_a_byline(last: str) -> None:
    body = f"<p>{last}</p>" if last == "Đoàn Viên" else f"<p>{P1}</p><p>{last}</p>"
    item = strip(body)
    assert item.author is None
    assert item.body.endswith(last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đỗ Đạt", True),
        ("N.Hoa", True),
        ("Thu Hà", True),
        ("Hải Anh - Minh Phương", True),
        ("Hải Anh, Minh Phương và Thu Hà", True),
        ("Hoa N.", False),
        ("Thu Hà.", False),
        ("Thu hà", False),
        ("Ảnh: Thu Hà", False),
        ("Hội nghị kết thúc", False),
        ("Một Hai Ba Bốn Năm Sáu", False),
        ("A - B - C - D", False),
        ("Hết", False),
        ("PV", False),
        ("Hà Nội, ngày 5/12", False),
        ("(Còn nữa)", False),
        ("", False),
    ],
)
def test_is_byline(text: str, expected: bool) -> None:
    assert is_byline(text) is expected


def test_paragraphs_split_at_blocks_and_br_and_join_with_one_blank_line() -> None:
    body = (
        f"<div>{P1}<br>{P2}</div>\n\n<ul><li>Một</li><li>Hai <em>và</em> ba</li></ul>"
        f"<p>  {P3}  </p><p>&nbsp;</p><blockquote>Trích dẫn</blockquote>"
    )
    item = strip(body)
    assert item.body == "\n\n".join([P1, P2, "Một", "Hai và ba", P3, "Trích dẫn"])


def test_body_html_is_sanitised() -> None:
    body = (
        f'<p onclick="x()" style="color:red" class="c">{P1} <a href="javascript:alert(1)">bấm</a>'
        ' <a href="/bai-viet-2.html" target="_blank">bài</a></p>'
        "<script>alert(1)</script><style>p{}</style><iframe src='https://evil.example'></iframe>"
        f"<h1>Tiêu đề phụ</h1><p>{P2}</p>"
    )
    item = strip(body)
    html = item.body_html
    for bad in ("onclick", "style", "class=", "javascript:", "<script", "alert", "<iframe", "target="):
        assert bad not in html
    assert '<a href="https://laodongthudo.vn/bai-viet-2.html">bài</a>' in html
    assert "<h2>Tiêu đề phụ</h2>" in html
    assert f"<p>{P1} bấm <a" in html  # the javascript: link is unwrapped, its text kept


def test_body_html_drops_empty_paragraphs() -> None:
    item = strip(f"<p>&nbsp;</p><p>{P1}</p><p> </p><p><iframe src='x'></iframe></p><p>{P2}<strong> </strong>x</p>")
    assert item.body_html == f"<p>{P1}</p><p>{P2} x</p>"
    assert "alert" not in item.body


def test_empty_and_missing_body() -> None:
    assert strip("").body == ""
    assert strip("   ").body == ""
    item = Article(url=URL, article_id=1, body_html=None)
    assert StripRelatedPipeline().process_item(item).body == ""


# --- Property: whatever the body HTML, the pipelines raise nothing but DropItem. --------------------------

FRAGMENTS = [
    RELATED_A,
    RELATED_IN_IMAGE,
    FIGURE,
    BYLINE,
    f"<p>{P1}</p>",
    f"<p>{P2}</p>",
    "<p><strong>Tin liên quan</strong></p>",
    '<div class="box-care"><h3>Có thể bạn quan tâm</h3></div>',
    "<p>Xem thêm</p>",
    "<br>",
    "<p>&nbsp;</p>",
    "<table><tr><td>",
    "</td></tr></table>",
    "<div>",
    "</div>",
    "</p>",
    "<!-- comment -->",
    "<script>x</script>",
    '<img src="">',
    '<img data-src="::::">',
    '<a href="http://[::1">hỏng</a>',
    "<figure>",
    "<![CDATA[x]]>",
    "\x00",
    "&#0;",
    "<?xml version='1.0'?>",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=25),
    cut=st.integers(min_value=0, max_value=2000),
    sapo=st.one_of(st.none(), st.text(max_size=40), st.sampled_from([SAPO, P1])),
    dates=st.lists(st.one_of(st.text(max_size=25), st.sampled_from(["05/12/2019 16:20", "T5", "2019-02-30"]))),
)
def test_pipelines_raise_nothing_but_dropitem(parts: list[str], cut: int, sapo, dates: list[str]) -> None:
    html = "".join(parts)
    html = html[:cut] if cut < len(html) else html  # a page cut mid-tag
    item = Article(url=URL, article_id=98821, title=TITLE, sapo=sapo, body_html=html, date_texts=dates)
    try:
        for pipeline in (StripRelatedPipeline(), NormalizeTextPipeline(), DatesPipeline()):
            item = pipeline.process_item(item)
    except DropItem:
        return
    assert isinstance(item.body, str) and "\n\n\n" not in item.body
    assert all(p.strip() == p and p for p in item.body.split("\n\n")) or item.body == ""
    assert item.published_at is not None and item.published_at.utcoffset() is not None
    assert_safe(item.body_html)


def test_the_item_type_is_kept() -> None:
    item = strip(f"<p>{P1}</p>")
    assert dataclasses.is_dataclass(item) and isinstance(item, Article)


# Real bodies, mutated: the gold pages' body HTML with slices cut out, duplicated or truncated.
GOLD_BODIES = []
for _page in sorted((Path(__file__).parent / "gold" / "pages").glob("*.html")):
    _html = _page.read_text(encoding="utf-8")
    for _marker in ('id="__MB_MASTERCMS_EL_3">', 'class="detail_info">', '__MASTERCMS_CONTENT ">'):
        _start = _html.find(_marker)
        if _start >= 0:
            break
    GOLD_BODIES.append(_html[_start:].split(">", 1)[1])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.sampled_from(GOLD_BODIES),
    edits=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.sampled_from(["cut", "dup", "swap"])), max_size=4),
)
def test_mutated_gold_bodies_raise_nothing(body: str, edits: list[tuple[float, float, str]]) -> None:
    for a, b, kind in edits:
        i, j = sorted((int(a * len(body)), int(b * len(body))))
        if kind == "cut":
            body = body[:i] + body[j:]
        elif kind == "dup":
            body = body[:j] + body[i:j] + body[j:]
        else:
            body = body[j:] + body[:i]
    item = Article(url=URL, article_id=98821, title=TITLE, sapo=SAPO, body_html=body, date_texts=["05/12/2019 16:20"])
    for pipeline in (StripRelatedPipeline(), NormalizeTextPipeline(), DatesPipeline()):
        item = pipeline.process_item(item)
    assert "\n\n\n" not in item.body
    assert_safe(item.body_html)


def assert_safe(html: str) -> None:
    """Parsed, the sanitised HTML has only allowed tags and attributes, and no script URL."""
    if not html.strip():
        return
    for el in lxml.html.fragment_fromstring(html, create_parent="div").iter():
        if el.getparent() is None:
            continue
        assert el.tag in ALLOWED_TAGS, el.tag
        assert set(el.attrib) <= ALLOWED_ATTRIBUTES.get(el.tag, set()), el.attrib
        for url in (el.get("href"), el.get("src")):
            assert url is None or url.lower().startswith(("http://", "https://", "mailto:")), url


def test_script_urls_hidden_by_tabs_are_not_links():
    from pipelines.strip_related import _site_url

    assert _site_url("jav\tascript:alert(1)") is None
    assert _site_url("jav%09ascript:alert(1)") is None  # as libxml2 serialises the tab
    assert _site_url(" JaVaScRiPt:alert(1)") is None
    assert _site_url("/bai-viet-1.html") == "https://laodongthudo.vn/bai-viet-1.html"
