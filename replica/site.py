"""The replica's in-memory model: sections, article records, listings, faults, ground truth, responses.

Only small records are kept per article (id, section, title, date); page HTML is rendered per request.
"""

from __future__ import annotations

import random
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from laodongthudo.timezone import HANOI

from . import render as R
from .generate import UNION_TOPICS, compose
from .seeds import DATA, FixedArticle, linked_articles, seed_articles, seed_data
from .text import alt_text, encode_cp1258, image_src, slugify
from .vocab import EDITORS

UNION_ROOT = "cong-doan"
UNION_SUBSECTIONS = tuple(UNION_TOPICS)
OTHER_SECTIONS = ("thoi-su", "xa-hoi", "kinh-te", "van-hoa")

# Faults that are always there, each at a fixed URL.
MEDIA_PATH = "/cong-doan-thu-do-vung-buoc-vao-ky-nguyen-moi-199901.media"
MISSING_PATH = "/ra-mat-cau-lac-bo-nu-cong-khu-cong-nghiep-bac-thang-long-199902.html"
FLAKY_PATH = "/trao-hoc-bong-cho-con-cong-nhan-vuot-kho-hoc-gioi-199903.html"
MALFORMED_PATH = "/hoi-nghi-ban-chap-hanh-ldld-thanh-pho-lan-thu-12-199904.html"
OFF_SECTION_PATH = "/nguoi-dan-thu-do-hao-hung-don-xuan-moi-199905.html"
OFF_SECTION_HARD_PATH = "/ho-tro-nguoi-lao-dong-mat-viec-lam-on-dinh-cuoc-song-199906.html"
FLAKY_FAILURES = 2

# Switchable faults (off by default): name -> the URL it affects.
RATE_LIMIT_PATH = "/cong-doan/hoat-dong/p2"
SWITCHABLE_PATHS = {
    "rate_limit": RATE_LIMIT_PATH,
    "slow": "/giao-luu-van-nghe-chao-mung-ngay-thanh-lap-cong-doan-viet-nam-199911.html",
    "truncated": "/cham-lo-bua-an-ca-cho-cong-nhan-lao-dong-199912.html",
    "wrong_charset": "/tuyen-duong-cong-nhan-gioi-thu-do-199913.html",
    "cp1258": "/cong-nhan-lao-dong-thu-do-tu-hao-truyen-thong-199914.html",
    "garbage": "/ho-tro-doan-vien-bi-anh-huong-boi-bao-199915.html",
    "huge": "/tong-ket-phong-trao-thi-dua-lao-dong-gioi-199916.html",
    "offsite_links": "",  # every union listing's first page and every generated article page
    # Generated articles picked when the site is built: `site.fault_paths[name]` (also in fault_urls()).
    "truncated_body": "",
    "unsafe_markup": "",  # its target gets every variant; every generated article page gets the common ones
    "huge_unsized": "",
    # Three in four generated 2021+ article pages in the sister sites' templates (render.SISTER_TEMPLATES).
    "sister_templates": "",
    "no_breadcrumb": "",  # an article page with an empty breadcrumb (it is still listed in its section)
    "script_shell": "",  # `site.shell_share` of the generated union articles: a script-rendered shell, no body
}
FAULTS = frozenset(SWITCHABLE_PATHS)
# Listing pagers other than `/pN` (build_site(pagers=...)): the offset pager of thoibaonganhang.vn and the
# "load more" of netbiz.net.vn (see `../shared/real-pages/`).
PAGER_STYLES = ("path", "offset", "load_more")
MIXED_PAGERS = {"vi-loi-ich-doan-vien": "offset", "thang-cong-nhan": "load_more"}
LOAD_MORE_PATH = "/apicenter@/article_lm"
OFFSITE_LINKS = (
    "https://laodongthudo.vn.evil.example/cong-doan-gia-mao-199920.html",
    "https://example.com/tin-tuc/cong-doan-199921.html",
    "http://laodongthudo-vn.example.net/hoat-dong-cong-doan-199922.html",
)
HUGE_BYTES = 10 * 1024 * 1024
# Every script, handler and dangerous URL of the unsafe_markup fault carries this marker, so that a test can
# assert that none of them survived anywhere in a stored article.
XSS_MARKER = "xss-"

ROBOTS_TXT = "User-agent: *\nDisallow: /search\n"
PIXEL_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

START = datetime(2015, 1, 5, 8, 0, tzinfo=HANOI)
END = datetime(2026, 1, 10, 18, 0, tzinfo=HANOI)
EPOCH = date(2015, 1, 1)


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    name: str
    path: str
    union: bool
    layout: str = "list2020"  # "cards": the newer story-card listing
    per_page: int = 12


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section("cong-doan", "Công đoàn", "/cong-doan", True, per_page=15),
        Section("hoat-dong", "Hoạt động", "/cong-doan/hoat-dong", True),
        Section("vi-loi-ich-doan-vien", "Vì lợi ích đoàn viên", "/cong-doan/vi-loi-ich-doan-vien", True),
        Section("thang-cong-nhan", "Tháng Công nhân", "/cong-doan/thang-cong-nhan", True),
        Section(
            "thu-do-anh-hung-thanh-pho-hoa-binh",
            "Thủ đô anh hùng - Thành phố hòa bình",
            "/cong-doan/thu-do-anh-hung-thanh-pho-hoa-binh",
            True,
            layout="cards",
            per_page=10,
        ),
        Section("thoi-su", "Thời sự", "/thoi-su", False),
        Section("xa-hoi", "Xã hội", "/xa-hoi", False),
        Section("kinh-te", "Kinh tế", "/kinh-te", False),
        Section("van-hoa", "Văn hóa", "/van-hoa", False),
    )
}
SECTION_BY_PATH = {s.path: s for s in SECTIONS.values()}


@dataclass(slots=True)
class ArticleRecord:
    """One page of the site that a listing or a box can link to."""

    id: int
    section: str
    title: str
    published: datetime
    kicker: str | None = None
    salt: int = 0
    # "article" (generated), "seed", "fixed" (given title), or a fault: "media", "missing", "flaky", "malformed"
    kind: str = "article"
    path_override: str | None = None  # fixed URLs; otherwise computed once from the title
    sapo_override: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def path(self) -> str:
        if self.path_override is None:
            self.path_override = f"/{self.slug}-{self.id}.html"
        return self.path_override

    @property
    def union(self) -> bool:
        return self.section in UNION_SUBSECTIONS

    @property
    def layout(self) -> str:
        return "mastercms" if self.published.year >= 2021 else "legacy2019"


@dataclass(slots=True)
class Response:
    status: int
    body: bytes | Iterable[bytes]
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: int | None = None


@dataclass(frozen=True, slots=True)
class ArticleTruth:
    """What a correct crawl stores for an ordinary union article."""

    path: str
    id: int
    section: str
    title: str
    kicker: str | None
    published: datetime
    layout: str


def _id_for(when: datetime) -> int:
    # Ids grow with time, as the CMS assigns them.
    return 20000 + (when.date() - EPOCH).days * 44 + when.hour


class Site:
    """The whole replica. Build it with `build_site()`; serve it with `serve()`."""

    def __init__(
        self, n_articles: int = 120, seed: int = 1, past_last: str = "empty", pagers: dict[str, str] | None = None
    ) -> None:
        unknown = {k: v for k, v in (pagers or {}).items() if k not in SECTIONS or v not in PAGER_STYLES}
        if unknown:
            raise ValueError(f"unknown sections or pager styles {unknown}; styles: {PAGER_STYLES}")
        self.pagers: dict[str, str] = dict(pagers or {})  # section -> pager style; default "path"
        self.shell_share = 0.3  # script_shell: the share of generated union articles served as a shell
        self.seed = seed
        self.n_articles = n_articles
        self.past_last = past_last  # "empty": 200 with an empty main column; "404"
        self.faults: set[str] = set()
        self.slow_seconds = 5.0
        self.rate_limit_hits = 1  # 429s before the rate-limited URL answers
        self.retry_after = "2"  # the 429's Retry-After value (seconds or an HTTP date)
        self.lock = threading.RLock()
        self.records: dict[int, ArticleRecord] = {}
        self.by_path: dict[str, ArticleRecord] = {}
        self.lists: dict[str, list[ArticleRecord]] = {s: [] for s in SECTIONS}
        self.nfd_ids: set[int] = set()
        self.fault_paths: dict[str, str] = {k: v for k, v in SWITCHABLE_PATHS.items() if v}
        self._pos: dict[int, int] = {}
        self._pos_version = -1
        self.version = 0
        self._build()

    # ----- building -------------------------------------------------------------------------------------
    def _add(self, rec: ArticleRecord) -> None:
        if rec.id in self.records:
            raise ValueError(f"duplicate id {rec.id}")
        self.records[rec.id] = rec
        self.by_path[rec.path] = rec

    def _new_id(self, when: datetime) -> int:
        i = _id_for(when)
        while i in self.records:
            i += 1
        return i

    def _build(self) -> None:
        rng = random.Random(f"site:{self.seed}")
        for fa in seed_articles():
            self._add(self._fixed(fa, "seed"))
        for fa in linked_articles():
            self._add(self._fixed(fa, "fixed"))
        self._add_faults()
        weights = {"hoat-dong": 40, "vi-loi-ich-doan-vien": 25, "thang-cong-nhan": 15}
        weights["thu-do-anh-hung-thanh-pho-hoa-binh"] = 20
        sections = rng.choices(list(weights), list(weights.values()), k=self.n_articles)
        span = (END - START).total_seconds()
        titles = {r.title for r in self.records.values()}
        generated: list[ArticleRecord] = []
        for sec in sections:
            when = START + timedelta(seconds=rng.random() * span)
            if sec == "thang-cong-nhan":  # Workers' Month is May
                when = when.replace(month=rng.choice((4, 5, 5)), day=rng.randint(1, 28))
                when = min(when, END)
            # Newsroom hours: 06:00-22:59.
            when = when.replace(hour=rng.randint(6, 22), second=0, microsecond=0)
            generated.append(self._generated(sec, when, titles))
        n_other = max(40, self.n_articles // 4)
        recent = datetime(2023, 1, 1, tzinfo=HANOI)
        for i in range(n_other):
            sec = OTHER_SECTIONS[i % len(OTHER_SECTIONS)]
            when = recent + timedelta(seconds=rng.random() * (END - recent).total_seconds())
            when = when.replace(hour=rng.randint(6, 22), second=0, microsecond=0)
            generated.append(self._generated(sec, when, titles))
        for rec in self.records.values():
            # Off-section fault pages are reachable only from the side boxes that link them.
            if rec.kind != "offsection":
                self.lists[rec.section].append(rec)
        for sec, items in self.lists.items():
            items.sort(key=lambda r: (r.published, r.id), reverse=True)
            if sec in UNION_SUBSECTIONS:
                self.lists["cong-doan"].extend(items)
        self.lists["cong-doan"].sort(key=lambda r: (r.published, r.id), reverse=True)
        union_generated = [r for r in generated if r.union]
        union_generated.sort(key=lambda r: r.published, reverse=True)
        # A couple of pages served in decomposed Unicode (NFD).
        for idx in (4, 22):
            if idx < len(union_generated):
                self.nfd_ids.add(union_generated[idx].id)
        # Faults added later live on generated articles, so that adding one leaves listings and ids alone.
        for idx, name in ((1, "truncated_body"), (2, "unsafe_markup"), (3, "huge_unsized"), (6, "no_breadcrumb")):
            if idx < len(union_generated):
                self.fault_paths[name] = union_generated[idx].path

    def _fixed(self, fa: FixedArticle, kind: str) -> ArticleRecord:
        return ArticleRecord(fa.id, fa.section, fa.title, fa.published, fa.kicker, kind=kind, sapo_override=fa.sapo)

    def _generated(self, section: str, when: datetime, titles: set[str]) -> ArticleRecord:
        art_id = self._new_id(when)
        salt = 0
        while True:
            comp = compose(self.seed, art_id, salt, section, when, full=False)
            if comp.title not in titles:
                break
            salt += 1
        titles.add(comp.title)
        rec = ArticleRecord(art_id, section, comp.title, when, comp.kicker, salt)
        self._add(rec)
        return rec

    def _add_faults(self) -> None:
        def at(y: int, m: int, d: int, h: int, mi: int) -> datetime:
            return datetime(y, m, d, h, mi, tzinfo=HANOI)

        def fixed(path: str, section: str, title: str, when: datetime, kind: str = "fixed") -> None:
            art_id = int(path.rsplit("-", 1)[1].split(".")[0])
            self._add(ArticleRecord(art_id, section, title, when, kind=kind, path_override=path))

        fixed(MEDIA_PATH, "hoat-dong", "Công đoàn Thủ đô vững bước vào kỷ nguyên mới", at(2025, 10, 20, 7, 0), "media")
        fixed(
            MISSING_PATH,
            "vi-loi-ich-doan-vien",
            "Ra mắt Câu lạc bộ nữ công Khu công nghiệp Bắc Thăng Long",
            at(2025, 10, 10, 16, 20),
            "missing",
        )
        fixed(
            FLAKY_PATH, "hoat-dong", "Trao học bổng cho con công nhân vượt khó học giỏi", at(2025, 9, 28, 9, 5), "flaky"
        )
        fixed(
            MALFORMED_PATH,
            "thang-cong-nhan",
            "Hội nghị Ban Chấp hành LĐLĐ Thành phố lần thứ 12",
            at(2025, 5, 2, 15, 30),
            "malformed",
        )
        fixed(
            OFF_SECTION_PATH, "xa-hoi", "Người dân Thủ đô hào hứng đón Xuân mới", at(2025, 12, 28, 8, 0), "offsection"
        )
        fixed(
            OFF_SECTION_HARD_PATH,
            "xa-hoi",
            "Hỗ trợ người lao động mất việc làm ổn định cuộc sống",
            at(2025, 12, 20, 10, 45),
            "offsection",
        )
        titles = {
            "slow": (
                "hoat-dong",
                "Giao lưu văn nghệ chào mừng Ngày thành lập Công đoàn Việt Nam",
                at(2025, 7, 27, 20, 0),
            ),
            "truncated": ("vi-loi-ich-doan-vien", "Chăm lo bữa ăn ca cho công nhân lao động", at(2025, 8, 14, 11, 10)),
            "wrong_charset": ("hoat-dong", "Tuyên dương Công nhân giỏi Thủ đô", at(2025, 6, 3, 17, 25)),
            "cp1258": (
                "thu-do-anh-hung-thanh-pho-hoa-binh",
                "Công nhân lao động Thủ đô tự hào truyền thống",
                at(2025, 10, 9, 8, 40),
            ),
            "garbage": ("vi-loi-ich-doan-vien", "Hỗ trợ đoàn viên bị ảnh hưởng bởi bão", at(2024, 9, 15, 14, 0)),
            "huge": ("hoat-dong", "Tổng kết phong trào thi đua lao động giỏi Thủ đô", at(2024, 12, 27, 16, 50)),
        }
        for name, (sec, title, when) in titles.items():
            fixed(SWITCHABLE_PATHS[name], sec, title, when)

    # ----- queries / ground truth -----------------------------------------------------------------------
    def union_articles(self) -> list[ArticleTruth]:
        """Ordinary union articles a correct crawl of /cong-doan stores, newest first.

        Includes the seeds, the fixed articles the seeds link to, the flaky page (it succeeds on the third try)
        and the targets of the switchable faults (ordinary while their fault is off). Excludes the emagazine,
        the 404, the malformed page and every off-section article.
        """
        with self.lock:
            return [self.truth(r) for r in self.lists["cong-doan"] if r.kind in ("article", "seed", "fixed", "flaky")]

    def section_articles(self, section: str) -> list[ArticleTruth]:
        with self.lock:
            return [self.truth(r) for r in self.lists[section] if r.kind in ("article", "seed", "fixed", "flaky")]

    def off_section_articles(self) -> list[ArticleTruth]:
        with self.lock:
            return [self.truth(r) for r in self.records.values() if not r.union]

    def truth(self, rec: ArticleRecord) -> ArticleTruth:
        return ArticleTruth(rec.path, rec.id, rec.section, rec.title, rec.kicker, rec.published, rec.layout)

    def record(self, key: int | str) -> ArticleRecord:
        return self.records[key] if isinstance(key, int) else self.by_path[key]

    def fault_urls(self) -> dict[str, str]:
        fixed = {
            "media": MEDIA_PATH,
            "missing": MISSING_PATH,
            "flaky": FLAKY_PATH,
            "malformed": MALFORMED_PATH,
            "off_section": OFF_SECTION_PATH,
            "off_section_hard": OFF_SECTION_HARD_PATH,
        }
        return fixed | self.fault_paths

    def last_page(self, section: str) -> int:
        n = len(self.lists[section])
        return max(1, -(-n // SECTIONS[section].per_page))

    def pager(self, section: str) -> str:
        return self.pagers.get(section, "path")

    def page_path(self, section: str, page: int) -> str:
        """The URL (path and parameters) the site links for page `page` of a section's listing."""
        sec = SECTIONS[section]
        if page <= 1:
            return sec.path
        style, offset = self.pager(section), (page - 1) * sec.per_page
        if style == "offset":
            return f"{sec.path}&s_cond=&BRSR={offset}"
        if style == "load_more":
            sid = list(SECTIONS).index(section)
            return f"{LOAD_MORE_PATH}&sid={sid}&BRSR={offset}&lim={sec.per_page}"
        return f"{sec.path}/p{page}"

    def listing_pages(self, section: str) -> list[str]:
        return [self.page_path(section, n) for n in range(1, self.last_page(section) + 1)]

    def shell_paths(self) -> list[str]:
        """The generated union articles the script_shell fault serves as a shell (when it is on)."""
        with self.lock:
            return sorted(r.path for r in self.records.values() if self._is_shell(r))

    def _is_shell(self, rec: ArticleRecord) -> bool:
        return (
            rec.kind == "article"
            and rec.union
            and zlib.crc32(f"shell:{rec.id}".encode()) % 1000 < self.shell_share * 1000
        )

    def listing_items(self, section: str, page: int = 1) -> list[ArticleRecord]:
        per = SECTIONS[section].per_page
        with self.lock:
            return self.lists[section][(page - 1) * per : page * per]

    def all_pages(self) -> list[str]:
        """Every path the site serves with status 200 (fault pages included), listings first."""
        with self.lock:
            out = ["/", "/robots.txt"]
            for sec in SECTIONS:
                out.extend(self.listing_pages(sec))
            out.extend(r.path for r in self.records.values() if r.kind != "missing")
            return out

    def article_details(self, key: int | str) -> dict:
        """Full generated ground truth of one article: text, captions, byline, tags, event date, entities."""
        rec = self.record(key)
        if rec.kind == "seed":
            s = next(v for v in seed_data().values() if v["id"] == rec.id)
            paras = [b["text"] for b in s["blocks"] if b["type"] != "figure"]
            caps = [b["caption"] for b in s["blocks"] if b["type"] == "figure"]
            return {
                **self._truth_dict(rec),
                "sapo": s["sapo"],
                "paragraphs": paras,
                "captions": caps,
                "byline": s["byline"],
                "tags": s["tags"],
                "event_date": None,
                "entities": s.get("entities", []),
            }
        c = self.content(rec)
        return {
            **self._truth_dict(rec),
            "sapo": c.sapo,
            "paragraphs": list(c.comp.paragraphs),
            "captions": list(c.comp.captions),
            "byline": c.comp.byline,
            "tags": list(c.comp.tags),
            "event_date": c.comp.event_date,
            "entities": c.comp.entities,
        }

    def _truth_dict(self, rec: ArticleRecord) -> dict:
        t = self.truth(rec)
        return {
            "path": t.path,
            "id": t.id,
            "section": t.section,
            "title": t.title,
            "kicker": t.kicker,
            "published": t.published,
            "layout": t.layout,
            "nfd": rec.id in self.nfd_ids,
        }

    # ----- runtime control ------------------------------------------------------------------------------
    def enable(self, *names: str) -> None:
        unknown = set(names) - FAULTS
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}; known: {sorted(FAULTS)}")
        self.faults.update(names)

    def disable(self, *names: str) -> None:
        self.faults.difference_update(names)

    def publish(self, section: str = "hoat-dong", title: str | None = None) -> ArticleRecord:
        """Add a new article at the top of a union subsection (and of /cong-doan), newer than anything else."""
        if section not in UNION_SUBSECTIONS:
            raise ValueError(f"not a union subsection: {section}")
        with self.lock:
            newest = max(r.published for r in self.records.values())
            when = newest + timedelta(hours=1)
            art_id = max(self.records) + 1
            titles = {r.title for r in self.records.values()}
            if title is None:
                salt = 0
                while (comp := compose(self.seed, art_id, salt, section, when, full=False)).title in titles:
                    salt += 1
                rec = ArticleRecord(art_id, section, comp.title, when, comp.kicker, salt)
            else:
                rec = ArticleRecord(art_id, section, title, when, kind="fixed")
            self._add(rec)
            self.lists[section].insert(0, rec)
            self.lists["cong-doan"].insert(0, rec)
            self.version += 1
            return rec

    # ----- content -------------------------------------------------------------------------------------
    def content(self, rec: ArticleRecord) -> _Content:
        return _content(self.seed, rec)

    def _older_in_section(self, rec: ArticleRecord, n: int, skip: int = 0) -> list[ArticleRecord]:
        with self.lock:
            if self._pos_version != self.version or not self._pos:
                self._pos = {}
                for sec in UNION_SUBSECTIONS + OTHER_SECTIONS:
                    for i, r in enumerate(self.lists[sec]):
                        self._pos[r.id] = i
                self._pos_version = self.version
            items = self.lists[rec.section]
            i = self._pos.get(rec.id, 0)
            pool = [r for r in items[i + 1 + skip : i + 1 + skip + n + 4] if r.kind in ("article", "fixed", "seed")]
            if len(pool) < n:
                pool += [r for r in items[:i] if r.kind in ("article", "fixed", "seed")][: n - len(pool)]
            return pool[:n]

    def _other_section_cards(self, k: int, offset: int) -> list[R.Card]:
        with self.lock:
            pool = [r for sec in OTHER_SECTIONS for r in self.lists[sec][:12] if r.kind != "offsection"]
        pool.sort(key=lambda r: r.id)
        if not pool:
            return []
        start = offset % len(pool)
        picked = (pool[start:] + pool[:start])[:k]
        return [self.card(r) for r in picked]

    def card(self, rec: ArticleRecord) -> R.Card:
        return R.Card(rec.path, rec.title, self.content(rec).sapo, self.thumb(rec))

    def thumb(self, rec: ArticleRecord) -> str:
        return image_src(EDITORS[rec.id % len(EDITORS)], rec.published, f"{rec.id}_thumb.jpg")

    def article_view(self, rec: ArticleRecord) -> R.ArticleView:
        c = self.content(rec)
        comp = c.comp
        rng = random.Random(f"{self.seed}:{rec.id}:page")
        layout = rec.layout
        sec = SECTIONS[rec.section]
        crumbs = [("/cong-doan", "Công đoàn"), (sec.path, sec.name)] if rec.union else [(sec.path, sec.name)]
        editor = EDITORS[rec.id % len(EDITORS)]
        paras: list[R.Block] = [("p", p) for p in comp.paragraphs]
        if rng.random() < 0.12:  # editors' non-breaking and double spaces
            for i in rng.sample(range(len(paras)), min(2, len(paras))):
                text = paras[i][1]
                cut = text.find(" ", len(text) // 3)
                if cut > 0:
                    paras[i] = ("p", text[:cut] + rng.choice(("\u00a0", "  ", " \u00a0")) + text[cut + 1 :])
        if "offsite_links" in self.faults and rec.kind == "article" and paras:
            first = paras[0][1]
            cut = first.find(" ", len(first) // 2)
            href = OFFSITE_LINKS[rec.id % len(OFFSITE_LINKS)]
            linked = f'{R.esc(first[:cut])} <a href="{href}">{R.esc(first[cut + 1 :])}</a>'
            paras[0] = ("html", f'<p style="text-align: justify;">{linked}</p>')
        if "unsafe_markup" in self.faults and rec.kind == "article":
            paras = _unsafe_markup(paras, full=rec.path == self.fault_paths.get("unsafe_markup"))
        figures = [
            R.Figure(image_src(editor, rec.published, f"{rec.id}-{i + 1}.jpg"), alt_text(rec.title), rec.title, caption)
            for i, caption in enumerate(comp.captions)
        ]
        blocks: list[R.Block] = []
        for i, p in enumerate(paras):
            blocks.append(p)
            if figures and i in (0, 2, 4):
                blocks.append(figures.pop(0))
        blocks.extend(figures)
        n_related = rng.choice((0, 1, 1, 1, 2, 3))
        older = self._older_in_section(rec, 3 * n_related) if rec.union else []
        for k in range(n_related):
            links = older[3 * k : 3 * k + rng.randint(1, 3)]
            if not links:
                break
            if layout == "legacy2019" or rng.random() < 0.3:
                table: R.Block = R.Related("in_image", [self.card(r) for r in links], alt_text(rec.title))
            else:
                table = R.Related("A", [R.Card(r.path, r.title) for r in links])
            where = rng.choice(("top", "after", "end"))
            if where == "top":
                blocks.insert(0, table)
            elif where == "after":
                blocks.insert(min(3, len(blocks)), table)
            else:
                blocks.append(table)
        tags = [(f"/tag/{slugify(t)}-{zlib.crc32(t.encode()) % 90000 + 1000}.tag", t) for t in comp.tags]
        first_fig = next((b.src for b in blocks if isinstance(b, R.Figure)), self.thumb(rec))
        if layout == "mastercms":
            date_style = rng.choice(("date time", "time date", "date | time", "time | date"))
            meta = rng.random() < 0.5
            roll = rng.random()
            jsonld = "local" if roll < 0.4 else "utc" if roll < 0.55 else None
        else:
            date_style = rng.choice(("word dash", "digit bar gmt", "plain", "word bar gmt"))
            meta = rng.random() < 0.1
            jsonld = "local" if rng.random() < 0.05 else None
        other = self._older_in_section(rec, 10, skip=3) if rec.union else []
        return R.ArticleView(
            path=rec.path,
            title=rec.title,
            sapo=c.sapo,
            crumbs=crumbs,
            published=rec.published,
            layout=self._template(rec, layout),
            kicker=rec.kicker,
            blocks=blocks,
            byline=comp.byline,
            tags=tags,
            og_image=first_fig,
            date_style=date_style,
            meta_published=meta,
            jsonld=jsonld,
            legacy_sapo="strong_p" if rng.random() < 0.25 else "h2",
            recommend=self._other_section_cards(7, rec.id),
            other=[self.card(r) for r in other] or self._other_section_cards(10, rec.id + 7),
            most_read=self._other_section_cards(5, rec.id // 3),
        )

    def _template(self, rec: ArticleRecord, layout: str) -> str:
        """The page's template: its layout's, or (fault `sister_templates`) one the layouts do not know."""
        if "sister_templates" in self.faults and rec.kind == "article" and layout == "mastercms" and rec.id % 4:
            return tuple(R.SISTER_TEMPLATES)[rec.id % 4 - 1]
        return layout

    def listing_view(self, section: str, page: int) -> R.ListingView:
        sec = SECTIONS[section]
        items = [self.card(r) for r in self.listing_items(section, page)]
        crumbs = [("/cong-doan", "Công đoàn")] if sec.union else []
        if sec.slug != "cong-doan":
            crumbs.append((sec.path, sec.name))
        side = self._other_section_cards(10, page * 3 + len(section))
        if sec.union:
            side.insert(1, self.card(self.by_path[OFF_SECTION_PATH]))
        if section == "cong-doan":
            side.insert(3, self.card(self.by_path[OFF_SECTION_HARD_PATH]))
        extra = ""
        style = self.pager(section)
        if "offsite_links" in self.faults and sec.union and page == 1:
            cards = [R.Card(h, f"Tin liên kết {i + 1}", "", "") for i, h in enumerate(OFFSITE_LINKS)]
            if style == "offset":
                extra = R._list_news(cards)
            elif style == "load_more":
                extra = R._mb_articles(cards)
            else:
                extra = R._story_cards(cards) if sec.layout == "cards" else R._list2020(cards)
        return R.ListingView(
            path=sec.path,
            name=sec.name,
            crumbs=crumbs,
            items=items,
            page=page,
            last_page=self.last_page(section),
            layout=sec.layout,
            most_read=side[:5],
            other=side[5:9],
            recommend=side[9:] + side[:2],
            extra_main_html=extra,
            pager=style,
            page_href=lambda n: self.page_path(section, n),
        )

    # ----- HTTP ----------------------------------------------------------------------------------------
    def respond(self, path: str, hit: int = 1) -> Response:
        """The answer to GET `path`; `hit` counts this server's requests for the path, from 1."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path != "/" and path.endswith("/"):
            path = path.rstrip("/")
        if path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8")
        if path.startswith("/stores/") or path.startswith("/themes/"):
            if path.endswith(".css"):
                return Response(200, b"body{font-family:Arial}", "text/css")
            return Response(200, PIXEL_GIF, "image/gif")
        if path == RATE_LIMIT_PATH and "rate_limit" in self.faults and hit <= self.rate_limit_hits:
            return Response(429, _error_page(429, "Too Many Requests"), headers={"Retry-After": self.retry_after})
        if path == "/":
            return Response(200, R.render_listing(self._home_view()).encode())
        listing = self._parse_listing_path(path)
        if listing:
            section, page = listing
            if page > self.last_page(section) and self.past_last == "404":
                return _not_found()
            if page > 1 and self.pager(section) == "load_more":
                items = [self.card(r) for r in self.listing_items(section, page)]
                more = self.page_path(section, page + 1) if page < self.last_page(section) else None
                return Response(200, R.render_load_more(items, more).encode())
            return Response(200, R.render_listing(self.listing_view(section, page)).encode())
        if path.startswith("/tag/") and path.endswith(".tag"):
            return Response(200, _tag_page(path).encode())
        if path.startswith("/search"):
            return Response(200, _error_page(200, "Tìm kiếm"))
        rec = self.by_path.get(path)
        if rec is None or rec.kind == "missing":
            return _not_found()
        return self._article_response(rec, path, hit)

    def _article_response(self, rec: ArticleRecord, path: str, hit: int) -> Response:
        if rec.kind == "flaky" and hit <= FLAKY_FAILURES:
            return Response(500, _error_page(500, "Internal Server Error"))
        if rec.kind == "seed":
            s = next(k for k, v in seed_data().items() if v["id"] == rec.id)
            return Response(200, (DATA / f"{s}.html").read_bytes())
        if rec.kind == "media":
            return Response(200, self._emagazine(rec).encode())
        if "script_shell" in self.faults and self._is_shell(rec):
            return Response(200, _script_shell(rec.title).encode())
        view = self.article_view(rec)
        if "no_breadcrumb" in self.faults and path == self.fault_paths.get("no_breadcrumb"):
            view.crumbs = []
        page = R.render_article(view)
        if rec.kind == "malformed":
            # The CMS died mid-page: head and header only, cut inside a tag, no body container.
            cut = page.index('<div class="breadcrumbs') if 'class="breadcrumbs' in page else page.index("<body>")
            return Response(200, page[: cut + 40].encode())
        if rec.id in self.nfd_ids:
            page = unicodedata.normalize("NFD", page)
        faulty = self._served_with_faults(rec, path, page)
        return faulty if faulty is not None else Response(200, page.encode())

    def _served_with_faults(self, rec: ArticleRecord, path: str, page: str) -> Response | None:
        """The rendered page as a switched-on fault of its path serves it; None: no fault applies."""
        faults = self.faults
        if path == SWITCHABLE_PATHS["slow"] and "slow" in faults:
            return Response(200, page.encode(), delay=self.slow_seconds)
        if path == SWITCHABLE_PATHS["truncated"] and "truncated" in faults:
            data = page.encode()
            return Response(200, data[: len(data) * 55 // 100])
        if path == SWITCHABLE_PATHS["wrong_charset"] and "wrong_charset" in faults:
            return Response(200, page.encode(), "text/html; charset=iso-8859-1")
        if path == SWITCHABLE_PATHS["cp1258"] and "cp1258" in faults:
            page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
            return Response(200, encode_cp1258(page), "text/html; charset=windows-1258")
        if path == SWITCHABLE_PATHS["garbage"] and "garbage" in faults:
            return Response(200, random.Random(rec.id).randbytes(6000))
        if path == SWITCHABLE_PATHS["huge"] and "huge" in faults:
            return _huge(page.encode())
        if path == self.fault_paths.get("huge_unsized") and "huge_unsized" in faults:
            return _huge(page.encode(), sized=False)
        if path == self.fault_paths.get("truncated_body") and "truncated_body" in faults:
            return Response(200, _cut_in_body(page, self.content(rec).comp.paragraphs).encode())
        return None

    def _parse_listing_path(self, path: str) -> tuple[str, int] | None:
        """(section, page) of a listing URL in the form its section's pager links; None for anything else."""
        head, _, query = path.partition("&")
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        offset = params.get("BRSR", "")
        if head == LOAD_MORE_PATH:
            sections = list(SECTIONS)
            sid, lim = params.get("sid", ""), params.get("lim", "")
            if not (sid.isdigit() and int(sid) < len(sections) and offset.isdigit() and lim.isdigit() and int(lim)):
                return None
            section = sections[int(sid)]
            return (section, int(offset) // int(lim) + 1) if self.pager(section) == "load_more" else None
        sec = SECTION_BY_PATH.get(head)
        if query:
            if sec is None or self.pager(sec.slug) != "offset" or not offset.isdigit():
                return None
            return sec.slug, int(offset) // sec.per_page + 1
        page = 1
        base, _, tail = path.rpartition("/p")
        if base and tail.isdigit() and int(tail) >= 1:
            path, page = base, int(tail)
        sec = SECTION_BY_PATH.get(path)
        if sec is None or (page > 1 and self.pager(sec.slug) != "path"):
            return None  # an offset or load-more section has no `/pN` pages: nothing may build them
        return sec.slug, page

    def _home_view(self) -> R.ListingView:
        with self.lock:
            items = [self.card(r) for r in self.lists["cong-doan"][:10]]
        return R.ListingView("/", "Trang chủ", [], items, 1, 1, most_read=self._other_section_cards(5, 0))

    def _emagazine(self, rec: ArticleRecord) -> str:
        v = self.article_view(rec)
        body = "".join(f"<p>{R.esc(b[1])}</p>" for b in v.blocks if isinstance(b, tuple))
        head = R._head(rec.title, v.sapo, R.SITE_ROOT + rec.path, v.og_image, "emagazine")
        return (
            head
            + '<body class="emagazine">\n'
            + R._crumbs(v.crumbs, "breadcrumbs title_new_nav")
            + f'<div class="e-magazine"><h1 class="e-magazine__title">{R.esc(rec.title)}</h1>\n'
            + f'<div class="e-magazine__sapo">{R.esc(v.sapo)}</div>\n'
            + f'<div class="e-magazine__body __MASTERCMS_CONTENT">{body}</div></div>\n</body>\n</html>\n'
        )


@dataclass(slots=True)
class _Content:
    sapo: str
    comp: object


@lru_cache(maxsize=4096)
def _content_cached(seed: int, art_id: int, salt: int, section: str, when: datetime, sapo_override: str | None):
    comp = compose(seed, art_id, salt, section, when, full=True)
    rng = random.Random(f"{seed}:{art_id}:sapo")
    if sapo_override is not None:
        return _Content(sapo_override, comp)
    sapo = comp.sapo
    if when >= datetime(2020, 6, 1, tzinfo=HANOI) and rng.random() < 0.95:
        sapo = "(LĐTĐ) " + sapo
    return _Content(sapo, comp)


def _content(seed: int, rec: ArticleRecord) -> _Content:
    return _content_cached(seed, rec.id, rec.salt, rec.section, rec.published, rec.sapo_override)


def _error_page(status: int, message: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{status} {message}</title></head>'
        f"<body><h1>{message}</h1></body></html>"
    ).encode()


def _script_shell(title: str) -> str:
    """A page rendered in the browser: the server sends a script and an empty mount point, no article."""
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{R.esc(title)}</title>'
        '<script src="/themes/laodongthudo/js/app.bundle.js" defer></script></head>'
        '<body><div id="app"></div><noscript>Vui lòng bật JavaScript để xem trang.</noscript>'
        '<script>window.__INITIAL_STATE__ = {"route": "article", "loading": true};</script></body></html>'
    )


def _not_found() -> Response:
    return Response(404, _error_page(404, "Không tìm thấy trang"))


def _tag_page(path: str) -> str:
    name = path[len("/tag/") : -len(".tag")].rsplit("-", 1)[0].replace("-", " ")
    view = R.ListingView(path, f"Tag: {name}", [], [], 1, 1)
    return R.render_listing(view)


def _cut_in_body(page: str, paragraphs: Iterable[str]) -> str:
    """The page cut in the middle of its middle paragraph: the CMS died while writing the article."""
    texts = list(paragraphs)
    middle = R.esc(texts[len(texts) // 2])
    at = page.index(middle) + len(middle) // 2
    return page[:at]


def _unsafe_markup(paras: list[R.Block], full: bool) -> list[R.Block]:
    """Paragraphs with scripts, styles, frames, event handlers and script URLs mixed in; the text is kept.

    The common set goes on every generated page; `full` adds the rarer vectors (obfuscated schemes,
    svg/object/embed/form/base/meta, mutation-XSS nesting). Every payload carries XSS_MARKER.
    """
    out = list(paras)
    m = XSS_MARKER
    evil = f"https://evil.example/{m}"
    pixel = "/stores/news_dataimages/pixel.gif"

    def on(event: str, name: str) -> str:
        return f' {event}="' + f"alert('{m}{name}')" + '"'

    def text(i: int) -> str | None:
        block = out[i] if i < len(out) else None
        return block[1] if isinstance(block, tuple) and block[0] == "p" else None

    def halves(t: str) -> tuple[str, str]:
        cut = t.find(" ", len(t) // 2)
        return (t, "") if cut < 0 else (t[:cut], t[cut + 1 :])

    def link(i: int, href: str, extra: str = "", lead: str = "") -> None:
        if (t := text(i)) is None:
            return
        a, b = halves(t)
        inner = f' <a href="{href}"{extra}>{R.esc(b)}</a>' if b else ""
        out[i] = ("html", f'<p style="text-align: justify;">{lead}{R.esc(a)}{inner}</p>')

    if (t := text(1)) is not None:
        out[1] = ("html", f'<p style="text-align: justify;"{on("onclick", "onclick")}>{R.esc(t)}</p>')
    link(2, f"javascript:alert('{m}link')", lead=f'<img src="{pixel}"{on("onerror", "onerror")}>')
    blocks: list[R.Block] = [
        ("html", f'<script type="text/javascript">window.tracker = "{m}script";</script>'),
        ("html", f"<style>.{m}style {{ color: red; }}</style>"),
        ("html", f'<iframe src="{evil}frame" width="1" height="1"{on("onload", "iframe")}></iframe>'),
    ]
    if full:
        link(3, f" JaVaScRiPt:alert('{m}case')", on("onmouseover", "mouseover"))
        link(4, f"jav&#x09;ascript:alert('{m}tab')")
        link(5, f"vbscript:msgbox('{m}vb')")
        link(6, f"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#{m}data")
        mxss = f"<img src=x{on('onerror', 'mxss')}>"
        blocks += [
            ("html", f'<SCRIPT SRC="{evil}upper.js"></SCRIPT>'),
            ("html", f'<svg{on("onload", "svg")}><circle r="1"></circle></svg>'),
            ("html", f'<object data="{evil}object.swf"></object><embed src="{evil}embed.swf">'),
            ("html", f'<form action="{evil}form"><input name="q"><button>OK</button></form>'),
            ("html", f'<base href="{evil}base/"><meta http-equiv="refresh" content="0;url={evil}refresh">'),
            ("html", f"<math><mtext><table><mglyph><style>{mxss}</style></mglyph></table></mtext></math>"),
            ("html", f"""<div style="background:url(javascript:alert('{m}css'))"{on("onmouseenter", "in")}></div>"""),
            ("html", f"""<a href="javascript:alert('{m}empty')"><img src="{pixel}"{on("onload", "onload")}></a>"""),
        ]
    return out[:1] + blocks + out[1:]


def _huge(page: bytes, sized: bool = True) -> Response:
    """About 10 MB: the page with a giant inline block before </body>, streamed in chunks; without
    `sized`, no Content-Length (the end of the body is the end of the connection)."""
    tail = b"</body>\n</html>\n"
    head = page[: page.rindex(b"</body>")]
    filler = b"<!-- " + b"x" * 65_000 + b" -->\n"
    n = max(1, (HUGE_BYTES - len(head) - len(tail)) // len(filler) + 1)

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(n):
            yield filler
        yield tail

    return Response(200, chunks(), length=len(head) + n * len(filler) + len(tail) if sized else None)


def build_site(
    n_articles: int = 120,
    seed: int = 1,
    faults: Iterable[str] = (),
    past_last: str = "empty",
    pagers: dict[str, str] | None = None,
) -> Site:
    """A deterministic replica with `n_articles` generated union articles (plus seeds, fixed pages, faults);
    `pagers` gives sections another pager than `/pN` (MIXED_PAGERS: one offset section, one load-more)."""
    site = Site(n_articles=n_articles, seed=seed, past_last=past_last, pagers=pagers)
    site.enable(*faults)
    return site
