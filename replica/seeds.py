"""The two real seed articles (2019, 2022) rebuilt as pages, and the articles their pages link to.

`data/seeds.json` holds their content exactly as the seed texts show it; `python -m replica.seeds`
rewrites `data/seed_2019.html` and `data/seed_2022.html` from it. The server serves those files as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from .render import ArticleView, Card, Figure, Related, render_article
from .text import image_src, slugify

DATA = Path(__file__).with_name("data")

# Inferred from the seed text: "--> -->" above the kicker is what is left of a nested HTML comment
# (an editor commented out a block that held a comment), the first `-->` closing the outer one.
LEFTOVER_COMMENT = '<!-- <div class="banner_top"><!-- quang cao --> --> -->\n'


@dataclass(frozen=True, slots=True)
class FixedArticle:
    """An article whose title, sapo and date are given (seeds and the pages the seeds link to)."""

    id: int
    title: str
    sapo: str
    section: str
    published: datetime
    static_file: str | None = None  # seeds: served from data/ as is
    kicker: str | None = None

    @property
    def path(self) -> str:
        return f"/{slugify(self.title)}-{self.id}.html"


@cache
def seed_data() -> dict:
    return json.loads((DATA / "seeds.json").read_text(encoding="utf-8"))


def _card(item: dict, editor: str) -> Card:
    when = datetime.fromisoformat(item["published"])
    href = f"/{slugify(item['title'])}-{item['id']}.html"
    return Card(href, item["title"], item.get("sapo", ""), image_src(editor, when, f"{item['id']}_thumb.jpg"))


def seed_view(name: str) -> ArticleView:
    s = seed_data()[name]
    when = datetime.fromisoformat(s["published"])
    editor = s["image_dir"].split("/")[0]
    path = f"/{slugify(s['title'])}-{s['id']}.html"
    legacy = s["layout"] == "legacy2019"
    alt = s.get("alt") or ""
    related = [_card(r, editor) for r in s["related"]]
    text_links = [Card(c.href, c.title) for c in related]
    blocks: list = [Related("in_image", related, thumb_alt=alt) if legacy else Related("A", text_links)]
    n_fig = 0
    for b in s["blocks"]:
        if b["type"] == "figure":
            n_fig += 1
            src = f"/stores/news_dataimages/{s['image_dir']}/{slugify(s['title'])[:40]}-{n_fig}.jpg"
            src += f"?rt={when:%Y%m%d%H%M%S}"
            blocks.append(Figure(src, b.get("alt", alt), s["title"], b["caption"]))
        else:
            blocks.append((b["type"], b["text"]))
    first_img = next(b.src for b in blocks if isinstance(b, Figure))
    return ArticleView(
        path=path,
        title=s["title"],
        sapo=s["sapo"],
        crumbs=[("/cong-doan", "Công đoàn"), ("/cong-doan/hoat-dong", "Hoạt động")],
        published=when,
        layout=s["layout"],
        kicker=s["kicker"],
        blocks=blocks,
        byline=s["byline"],
        tags=[(f"/tag/{slugify(t)}-{1000 + i}.tag", t) for i, t in enumerate(s["tags"], start=s["id"] % 97)],
        og_image=first_img,
        date_style="word dash" if legacy else "date time",
        meta_published=not legacy,
        jsonld=None if legacy else "local",
        top_html=LEFTOVER_COMMENT if legacy else "",
        recommend=[_card(c, editor) for c in s["nen_xem"]],
        other=[_card(c, editor) for c in s["tin_khac"]],
    )


def seed_articles() -> list[FixedArticle]:
    out = []
    for name, s in seed_data().items():
        when = datetime.fromisoformat(s["published"])
        out.append(FixedArticle(s["id"], s["title"], s["sapo"], s["section"], when, f"{name}.html", s["kicker"]))
    return out


def linked_articles() -> list[FixedArticle]:
    """Articles the seed pages link to (related tables, boxes): they exist on the replica too."""
    out: dict[int, FixedArticle] = {}
    for s in seed_data().values():
        for item in s["related"] + s["nen_xem"] + s["tin_khac"]:
            when = datetime.fromisoformat(item["published"])
            out[item["id"]] = FixedArticle(item["id"], item["title"], item.get("sapo", ""), item["section"], when)
    return list(out.values())


def seed_entities(name: str) -> list[dict]:
    return seed_data()[name].get("entities", [])


def write_seed_pages(directory: Path = DATA) -> list[Path]:
    """Render the seed pages from data/seeds.json into `directory` (the committed copies by default)."""
    paths = []
    for name in seed_data():
        target = directory / f"{name}.html"
        target.write_text(render_article(seed_view(name)), encoding="utf-8")
        paths.append(target)
    return paths


if __name__ == "__main__":
    for p in write_seed_pages():
        print(p)
