"""`python -m laodongthudo.extract` as a maintainer runs it."""

import json
import subprocess
import sys
import urllib.request

from laodongthudo.urls import CANONICAL_ROOT
from replica import OFF_SECTION_PATH, build_site, serve
from tests.crawling import REPO

SEED_2022 = REPO / "replica/data/seed_2022.html"
SEED_2022_URL = "https://laodongthudo.vn/hoat-dong-cong-doan-huong-ve-co-so-vi-doan-vien-nguoi-lao-dong-148269.html"


def run_extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "laodongthudo.extract", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_extract_prints_the_item_as_json():
    done = run_extract(str(SEED_2022), "--url", SEED_2022_URL)
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert item["article_id"] == 148269
    assert item["title"] == "Hoạt động Công đoàn hướng về cơ sở vì đoàn viên, người lao động"
    assert item["published_at"] == "2022-12-25T09:15:00+07:00"
    assert item["author"] == "N.Hoa"
    assert item["body"].startswith("Dự hội nghị có các đồng chí: Lê Đình Hùng")
    assert "date_texts" not in item and "section_path" not in item
    assert item["layout"] == "mastercms"  # what the README's selector-fixing steps tell users to look for
    assert item["crawl_skip"] is None


def test_extract_refuses_a_page_that_is_not_an_article(tmp_path):
    page = tmp_path / "listing.html"
    page.write_text("<html><body><div class='col_category'></div></body></html>", encoding="utf-8")
    done = run_extract(str(page), "--url", "https://laodongthudo.vn/tin-moi-1.html")
    assert done.returncode == 1
    assert "not an article" in done.stderr and done.stdout == ""


def test_extract_says_when_the_file_is_missing(tmp_path):
    done = run_extract(str(tmp_path / "nope.html"), "--url", SEED_2022_URL)
    assert done.returncode == 2 and "cannot read" in done.stderr


def test_extract_says_a_crawl_would_skip_an_off_section_page(tmp_path):
    with serve(build_site(n_articles=1, seed=2)) as server:
        page = tmp_path / "off.html"
        page.write_bytes(urllib.request.urlopen(server.base_url + OFF_SECTION_PATH, timeout=30).read())
    done = run_extract(str(page), "--url", CANONICAL_ROOT + OFF_SECTION_PATH)
    assert done.returncode == 1, done.stderr
    item = json.loads(done.stdout)  # what was read, all the same
    assert item["title"] == "Người dân Thủ đô hào hứng đón Xuân mới" and item["layout"]
    assert item["crawl_skip"]["reason"] == "off_section" and "xa-hoi" in item["crawl_skip"]["detail"]
    assert "note: a crawl would skip this page (off_section: breadcrumb" in done.stderr


def test_extract_ends_quietly_when_its_reader_has_gone():
    for extra in ((), ("--explain",)):
        # The reader closes its end before the first write, as `| head` does once it has its lines.
        process = subprocess.Popen(
            [sys.executable, "-m", "laodongthudo.extract", str(SEED_2022), "--url", SEED_2022_URL, *extra],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == 0, stderr
        assert stderr == ""  # no BrokenPipeError traceback, no "Exception ignored" at exit
