from laodongthudo import urls


def test_article_ids_and_non_articles():
    assert urls.article_id("https://laodongthudo.vn/hoat-dong-cong-doan-huong-ve-co-so-123456.html") == 123456
    assert urls.article_id("/tag/cong-doan-12.tag") is None
    assert urls.article_id("https://laodongthudo.vn/cong-doan/hoat-dong/p2") is None
    assert urls.is_non_article_url("https://laodongthudo.vn/hanh-trinh-99.media")
    assert not urls.is_non_article_url("https://laodongthudo.vn/hanh-trinh-99.html")


def test_canonical_url_is_https_site_path_only():
    assert (
        urls.canonical_url("http://127.0.0.1:8765/bai-viet-42.html?utm=x#top")
        == "https://laodongthudo.vn/bai-viet-42.html"
    )


def test_same_site_rejects_look_alikes():
    base = "https://laodongthudo.vn"
    assert urls.same_site("https://laodongthudo.vn/a-1.html", base)
    assert urls.same_site("https://www.laodongthudo.vn/a-1.html", base)
    assert not urls.same_site("https://laodongthudo.vn.evil.example/a-1.html", base)
    assert not urls.same_site("https://evillaodongthudo.vn/a-1.html", base)
    assert urls.same_site("http://127.0.0.1:8765/a-1.html", "http://127.0.0.1:8765")


def test_section_urls_follow_the_pager_scheme():
    assert urls.section_url("http://x", "hoat-dong") == "http://x/cong-doan/hoat-dong"
    assert urls.section_url("http://x/", "hoat-dong", 3) == "http://x/cong-doan/hoat-dong/p3"
    assert urls.section_url("http://x", "cong-doan", 2) == "http://x/cong-doan/p2"


def test_links_to_the_canonical_site_count_as_the_site_when_crawling_a_replica():
    base = "http://127.0.0.1:8765"
    assert urls.same_site("https://laodongthudo.vn/a-1.html", base)
    assert urls.on_base("https://laodongthudo.vn/a-1.html", base) == "http://127.0.0.1:8765/a-1.html"
    assert urls.on_base("/cong-doan/p2", base) == "http://127.0.0.1:8765/cong-doan/p2"
