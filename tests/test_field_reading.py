"""Reading field by field: the layout chosen by evidence, refusals the parser owes the store, `--explain`."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from laodongthudo.extract import extract
from laodongthudo.layouts import MAX_BODY_DEPTH, NotAnArticle, parse_article, read_article
from tests.crawling import REPO

DATA = REPO / "replica/data"
SEED_2022_URL = "https://laodongthudo.vn/hoat-dong-cong-doan-huong-ve-co-so-vi-doan-vien-nguoi-lao-dong-148269.html"
SEED_2019_URL = "https://laodongthudo.vn/x-59999.html"
NETBIZ = REPO.parent / "shared" / "real-pages" / "netbiz-article-1527.html"
EL_3 = '<div class="__MB_MASTERCMS_EL item-content" id="__MB_MASTERCMS_EL_3">'


def seed(name: str) -> str:
    return (DATA / f"{name}.html").read_text(encoding="utf-8")


def test_an_article_id_too_large_for_64_bits_is_refused_as_bad_id() -> None:
    with pytest.raises(NotAnArticle) as refused:
        parse_article(seed("seed_2022"), "https://laodongthudo.vn/bai-viet-99999999999999999999.html")
    assert refused.value.reason == "bad_id"
    # The largest id that fits is read.
    assert (
        parse_article(seed("seed_2022"), f"https://laodongthudo.vn/bai-viet-{2**63 - 1}.html").article_id == 2**63 - 1
    )


def _nested(depth: int) -> str:
    page = seed("seed_2022")
    deep = "<div>" * depth + "<p>Đoạn văn ở tầng sâu nhất của bài.</p>" + "</div>" * depth
    return page.replace(EL_3, EL_3 + deep, 1)


def test_a_body_nested_thousands_deep_is_refused_as_too_deep_not_cut() -> None:
    with pytest.raises(NotAnArticle) as refused:
        parse_article(_nested(3000), SEED_2022_URL)
    assert refused.value.reason == "too_deep"


def test_a_body_nested_just_below_the_limit_is_read_whole() -> None:
    article = extract(_nested(MAX_BODY_DEPTH - 10), SEED_2022_URL)
    assert article.body.startswith("Đoạn văn ở tầng sâu nhất của bài.")
    assert article.body.endswith("(Theo Báo cáo tổng kết năm 2022)") or len(article.body.split("\n\n")) > 3


def test_a_page_with_two_templates_markers_is_read_with_the_one_that_fills_it() -> None:
    # A legacy page whose side box carries an empty MasterCMS element: the current layout's marker matches
    # first, but only the 2019 layout's selectors find a body, a title and a date.
    page = seed("seed_2019").replace("</body>", '<div class="box"><div class="__MB_MASTERCMS_EL"></div></div></body>')
    read = read_article(page, SEED_2019_URL)
    assert read.layout == "legacy2019"
    assert read.article.field_sources["body"] == read.article.field_sources["title"] == "layout"
    assert extract(page, SEED_2019_URL).published_at == extract(seed("seed_2019"), SEED_2019_URL).published_at


def test_explain_says_per_field_which_rule_found_what() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "laodongthudo.extract", str(NETBIZ), "--url", "https://laodongthudo.vn/x-1527.html",
         "--explain"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "layout: mastercms"
    date_line = lines.index(next(line for line in lines if line.startswith("published_at")))
    assert "generic" in lines[date_line] and "first date beside the title" in lines[date_line]
    assert lines[date_line + 1].split(None, 1) == ["found", "23:32 | 19/04/2022"]
    assert lines[date_line + 2].split(None, 1) == ["stored", '"2022-04-19T23:32:00+07:00"']
    author = next(line for line in lines if line.startswith("author"))
    assert "generic" in author and "/tac-gia/" in author


NO_MASTERCMS_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Trang tin</title></head>
<body>
<header class="top"><ul><li><a href="/">Trang chủ</a></li><li><a href="/cong-doan">Công đoàn</a></li></ul></header>
<div class="crumbs breadcrumb"><a href="/cong-doan">Công đoàn</a> <a href="/cong-doan/hoat-dong">Hoạt động</a></div>
<main><article class="story">
<h1 class="story-headline">Công nhân Thủ đô hưởng ứng Tháng an toàn lao động</h1>
<p class="story-meta"><span class="publish-date">Thứ năm, 04/05/2023 | 10:40 GMT+7</span></p>
<div class="story-text">
<p>Hưởng ứng Tháng hành động về an toàn, vệ sinh lao động, các công đoàn cơ sở trên địa bàn Thành phố đã tổ chức
nhiều hoạt động thiết thực cho người lao động tại nơi làm việc.</p>
<p>Nhiều doanh nghiệp đã rà soát lại quy trình sản xuất, bổ sung trang thiết bị bảo hộ và tập huấn kỹ năng phòng
chống cháy nổ cho công nhân trong các phân xưởng.</p>
<p>Liên đoàn Lao động Thành phố cho biết sẽ tiếp tục kiểm tra việc thực hiện các quy định về an toàn lao động tại
các khu công nghiệp trong những tháng cuối năm.</p>
</div>
</article>
<aside class="sidebar"><ul>
<li><a href="/a-1.html">Tin khác</a> <span class="date">01/05/2023 08:00</span></li>
</ul></aside>
</main>
<footer>Báo Lao Động Thủ Đô</footer>
</body></html>
"""


def test_a_page_without_mastercms_markers_is_read_by_its_main_text_block() -> None:
    url = "https://laodongthudo.vn/cong-nhan-thu-do-huong-ung-thang-an-toan-lao-dong-170001.html"
    read = read_article(NO_MASTERCMS_PAGE, url)
    assert read.layout is None
    assert read.article.field_sources == {
        "title": "generic",
        "body": "generic",
        "section": "other_layout",  # the current layout's `.breadcrumb a`, though the page is in no layout
    }
    article = extract(NO_MASTERCMS_PAGE, url)
    assert article.title == "Công nhân Thủ đô hưởng ứng Tháng an toàn lao động"
    assert article.published_at.isoformat() == "2023-05-04T10:40:00+07:00"  # not the side list's 01/05
    assert article.field_sources["published_at"] == "generic"
    assert article.section == "hoat-dong"
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Hưởng ứng Tháng hành động về an toàn")
    assert paragraphs[2].endswith("trong những tháng cuối năm.")


def test_a_page_without_markers_and_without_a_date_is_still_no_article() -> None:
    undated = NO_MASTERCMS_PAGE.replace("Thứ năm, 04/05/2023 | 10:40 GMT+7", "").replace("01/05/2023 08:00", "")
    with pytest.raises(NotAnArticle) as refused:
        read_article(undated, "https://laodongthudo.vn/x-170001.html")
    assert refused.value.reason == "no_body"


def test_the_metadata_author_is_the_last_resort_and_never_the_paper_itself() -> None:
    page = seed("seed_2022")  # its JSON-LD names the author N.Hoa, as its byline does
    unsigned = page.replace("<strong>N.Hoa</strong>", "", 1)  # the byline closing the body is gone
    meta = '<meta name="author" content="Ngọc Ánh">'
    named = extract(unsigned.replace("</head>", meta + "</head>"), SEED_2022_URL)
    assert named.author == "Ngọc Ánh" and named.field_sources["author"] == "metadata"
    paper = '<meta name="author" content="Báo Lao Động Thủ Đô">'  # the og:site_name: JSON-LD's author instead
    assert extract(unsigned.replace("</head>", paper + "</head>"), SEED_2022_URL).author == "N.Hoa"
    no_json_ld = re.sub(r'<script type="application/ld\+json">.*?</script>', "", unsigned, flags=re.S)
    assert extract(no_json_ld.replace("</head>", paper + "</head>"), SEED_2022_URL).author is None
    # A byline on the page wins over the metadata.
    assert extract(page.replace("</head>", meta + "</head>"), SEED_2022_URL).author == "N.Hoa"


G01 = REPO / "tests/gold/pages/g01_detail_time_first_byline_after_body.html"
G01_URL = "https://laodongthudo.vn/cong-doan-quan-long-bien-trao-300-suat-qua-cho-cong-nhan-kho-khan-160512.html"
G01_DATE = (
    '<span class="datetime"><i class="far fa-clock"></i> <span class="format_time">09:30</span> | '
    '<span class="format_date">12/03/2023</span></span>'
)


@pytest.mark.parametrize(
    "markup",
    [
        '<span class="pub-date">12/03/2023</span> <span class="pub-time">09:30</span>',  # two elements
        '<span class="pub-time">09:30</span> - <span class="pub-date">12/03/2023</span>',  # time first
        '<span class="published-date">Chủ nhật, 12/03/2023 - 09:30 (GMT+7)</span><span class="time-ago">2 giờ</span>',
    ],
)
def test_the_date_and_time_beside_the_title_in_any_arrangement(markup: str) -> None:
    page = G01.read_text(encoding="utf-8")
    assert G01_DATE in page
    article = extract(page.replace(G01_DATE, markup), G01_URL)
    assert article.published_at.isoformat() == "2023-03-12T09:30:00+07:00"
    assert article.field_sources["published_at"] == "generic"
