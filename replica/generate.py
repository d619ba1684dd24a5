"""Deterministic Vietnamese union news: titles at build time, the rest of an article on demand.

An article is drawn from `Random(f"{site seed}:{id}:{salt}")`. The title comes from the first draws, so
`compose(..., full=False)` (used when the site is built) and `compose(..., full=True)` (used when a page is
rendered) agree on the title without the site keeping any article text in memory.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from . import vocab as V

UNION_TOPICS: dict[str, tuple[str, ...]] = {
    "hoat-dong": ("tong_ket", "tap_huan", "dai_hoi", "doi_thoai", "hoi_thi", "phat_trien"),
    "vi-loi-ich-doan-vien": ("tet", "suc_khoe", "ky_ket", "mai_am"),
    "thang-cong-nhan": ("thang_cn", "suc_khoe", "doi_thoai"),
    "thu-do-anh-hung-thanh-pho-hoa-binh": ("thu_do", "hoi_thi"),
}
SEASONS = {"tet": (12, 1, 2), "tong_ket": (12, 1)}


@dataclass(slots=True)
class Person:
    name: str
    given: str
    female: bool
    role: str

    @property
    def honor(self) -> str:
        return "bà" if self.female else "ông"


@dataclass(slots=True)
class Org:
    name: str  # canonical, expanded
    first: str  # first mention
    short: str  # later mentions


@dataclass
class Composition:
    title: str
    kicker: str | None
    sapo: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    byline: str = ""
    tags: list[str] = field(default_factory=list)
    event_date: date | None = None
    entities: list[dict] = field(default_factory=list)


class _Ctx:
    """Draws people, organisations and places, and remembers how each was written (ground truth)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ents: dict[tuple[str, str], dict] = {}
        self.used: set[str] = set()

    def note(self, kind: str, name: str, alias: str, role: str | None = None) -> None:
        ent = self.ents.setdefault((kind, name), {"type": kind, "name": name, "aliases": []})
        if kind == "PERSON":
            ent.setdefault("role", role)
        if alias not in ent["aliases"]:
            ent["aliases"].append(alias)

    def person(self, role: str) -> Person:
        r = self.rng
        while True:
            female = r.random() < 0.45
            middle = r.choice(V.MIDDLE_F if female else V.MIDDLE_M)
            given = r.choice(V.GIVEN_F if female else V.GIVEN_M)
            name = f"{r.choice(V.SURNAMES)} {middle} {given}"
            if name not in self.used:
                self.used.add(name)
                return Person(name, given, female, role)

    def say(self, p: Person, style: str) -> str:
        """A mention of a person; records the surface forms."""
        self.note("PERSON", p.name, p.name, p.role)
        if style == "role_name":
            return f"{p.role} {p.name}"
        if style == "name_role":
            return f"{p.honor} {p.name}, {p.role}"
        if style == "comrade":
            return f"đồng chí {p.name} - {p.role}"
        short = f"{p.honor} {p.given}"
        self.note("PERSON", p.name, short)
        return short

    def org(self, o: Org, first: bool = False) -> str:
        text = o.first if first else o.short
        self.note("ORGANIZATION", o.name, text)
        return text

    def place(self, name: str, alias: str | None = None) -> str:
        self.note("LOCATION", name, alias or name)
        return alias or name


CITY = Org("Liên đoàn Lao động Thành phố Hà Nội", "Liên đoàn Lao động (LĐLĐ) Thành phố Hà Nội", "LĐLĐ Thành phố")
TONG = Org("Tổng Liên đoàn Lao động Việt Nam", "Tổng Liên đoàn Lao động Việt Nam", "Tổng LĐLĐ Việt Nam")
KCN_UNION = Org(
    "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
    "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
    "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
)


def _district_orgs(kind: str, name: str) -> tuple[Org, Org, Org]:
    ldld = Org(f"Liên đoàn Lao động {kind} {name}", f"Liên đoàn Lao động (LĐLĐ) {kind} {name}", f"LĐLĐ {kind} {name}")
    party_word = {"quận": "Quận ủy", "huyện": "Huyện ủy"}.get(kind, "Thị ủy")
    party = Org(f"{party_word} {name}", f"{party_word} {name}", f"{party_word} {name}")
    ubnd = Org(f"Ủy ban nhân dân {kind} {name}", f"Ủy ban nhân dân (UBND) {kind} {name}", f"UBND {kind} {name}")
    return ldld, party, ubnd


def _opener(rng: random.Random, when: datetime) -> tuple[str, date | None]:
    """Sapo opening: usually a time of day and the event's date, as the site writes it."""
    roll = rng.random()
    if roll < 0.72:
        back = rng.choice((0, 0, 0, 1, 1, 2))
        day = (when - timedelta(days=back)).date()
        parts = ["Sáng", "Ngày"] if back == 0 and when.hour < 13 else ["Sáng", "Chiều", "Ngày", "Tối"]
        part = rng.choice(parts)
        if back == 0 and rng.random() < 0.15:
            return f"{part} nay ({day.day}/{day.month}), ", day
        return f"{part} {day.day}/{day.month}, ", day
    if roll < 0.86:
        return "Mới đây, ", None
    return "Thực hiện chương trình công tác năm, ", None


def _num(rng: random.Random, lo: int, hi: int, step: int = 1) -> int:
    return rng.randrange(lo, hi, step)


def compose(seed: int, art_id: int, salt: int, section: str, when: datetime, full: bool) -> Composition:
    rng = random.Random(f"{seed}:{art_id}:{salt}")
    ctx = _Ctx(rng)
    if section not in UNION_TOPICS:
        return _compose_other(rng, ctx, section, when, full, salt)
    topics = [t for t in UNION_TOPICS[section] if when.month in SEASONS.get(t, range(1, 13))]
    topic = rng.choice(topics or UNION_TOPICS[section])
    kind, dname = rng.choice(V.DISTRICTS)
    dfull = f"{kind} {dname}"
    ldld, party, ubnd = _district_orgs(kind, dname)
    unit_roll = rng.random()
    if unit_roll < 0.65:
        unit = ldld
    elif unit_roll < 0.85:
        sector = rng.choice(V.SECTORS)
        unit = Org(f"Công đoàn ngành {sector} Hà Nội", f"Công đoàn ngành {sector} Hà Nội", f"Công đoàn ngành {sector}")
    else:
        unit = KCN_UNION
    company = rng.choice(V.COMPANIES)
    kcn = rng.choice(V.KCN)
    ward = rng.choice(V.WARDS[dname])
    y = when.year
    n = _num(rng, 120, 1500, 10)
    k = _num(rng, 3, 40)
    contest = rng.choice(("Cán bộ Nữ công giỏi", "Tìm hiểu pháp luật lao động", "An toàn vệ sinh viên giỏi"))
    skill = rng.choice(("tài chính công đoàn", "nữ công", "tuyên giáo", "kiểm tra", "bảo hộ lao động"))
    titles = {
        "tong_ket": [
            f"{unit.short} tổng kết hoạt động công đoàn năm {y if when.month == 12 else y - 1}",
            f"{dname}: Biểu dương {k} tập thể, {n // 10} cá nhân tiêu biểu trong hoạt động công đoàn",
        ],
        "tap_huan": [
            f"Tập huấn nghiệp vụ công tác {skill} cho {n // 4} cán bộ công đoàn {dfull}",
            f"{dname}: Hơn {n // 4} cán bộ công đoàn cơ sở được tập huấn nghiệp vụ {skill}",
        ],
        "dai_hoi": [
            f"Đại hội Công đoàn {company} lần thứ {k % 6 + 2}, nhiệm kỳ {y} - {y + 5}",
            f"{n // 2} đoàn viên {company} hướng về Đại hội Công đoàn nhiệm kỳ {y} - {y + 5}",
        ],
        "doi_thoai": [
            f"Đối thoại với {n} công nhân lao động tại {kcn}",
            f"{unit.short} đối thoại, lắng nghe {n // 10} ý kiến của người lao động",
        ],
        "hoi_thi": [
            f"Sôi nổi Hội thi “{contest}” trong CNVCLĐ {dfull} năm {y}",
            f"{n // 10} thí sinh tranh tài tại Hội thi “{contest}” {dfull}",
        ],
        "phat_trien": [f"{dname}: Kết nạp {n} đoàn viên, thành lập {k} công đoàn cơ sở mới"],
        "tet": [
            f"Mang Tết ấm đến {n} đoàn viên, người lao động {dfull}",
            f"{unit.short} trao {n} suất quà Tết cho đoàn viên có hoàn cảnh khó khăn",
        ],
        "suc_khoe": [
            f"{dname}: Hơn {n} đoàn viên được khám sức khỏe miễn phí",
            f"Tầm soát ung thư cho {n // 3} nữ đoàn viên {dfull}",
        ],
        "ky_ket": [f"{unit.short} ký kết {k} chương trình phúc lợi cho {n} đoàn viên"],
        "mai_am": [
            f"Trao {k} “Mái ấm Công đoàn” cho đoàn viên khó khăn tại {ward}",
            f"{unit.short} hỗ trợ {k} đoàn viên xây, sửa nhà ở",
        ],
        "thang_cn": [
            f"{dname} phát động Tháng Công nhân năm {y}, chăm lo {n} công nhân",
            f"Tháng Công nhân {y}: {unit.short} trao {n} phần quà cho công nhân {kcn}",
        ],
        "thu_do": [
            f"{n} CNVCLĐ {dfull} hướng về kỷ niệm {y - 1954} năm Ngày Giải phóng Thủ đô",
            f"{unit.short} tổ chức hành trình về nguồn cho {n // 5} đoàn viên tiêu biểu",
        ],
    }
    title = rng.choice(titles[topic])
    kicker = None
    kick_roll = rng.random()
    if kick_roll < 0.22 and ":" not in title:
        kicker = rng.choice(
            (
                f"{unit.short}:",
                f"Cụm thi đua số {k % 10 + 1} LĐLĐ Thành phố năm {y}:",
                f"Tháng Công nhân năm {y}:" if topic == "thang_cn" else f"{dname}:",
            )
        )
    comp = Composition(title, kicker)
    if not full:
        return comp

    # People: the unit's chairman, a city leader, a local party official, a company union chairman.
    chair = ctx.person(f"Chủ tịch {unit.short}")
    city_vp = ctx.person(rng.choice(("Phó Chủ tịch LĐLĐ Thành phố", "Phó Chủ tịch Thường trực LĐLĐ Thành phố")))
    party_sec = ctx.person(rng.choice(("Phó Bí thư Thường trực", "Bí thư", "Phó Bí thư")) + f" {party.short}")
    co_chair = ctx.person(f"Chủ tịch Công đoàn cơ sở {company}")
    ctx.note("ORGANIZATION", unit.name, unit.short)
    ctx.note("ORGANIZATION", CITY.name, CITY.short)
    ctx.note("ORGANIZATION", party.name, party.short)

    opener, event_day = _opener(rng, when)
    comp.event_date = event_day
    events = {
        "tong_ket": f"hội nghị tổng kết hoạt động công đoàn năm {y if when.month == 12 else y - 1}",
        "tap_huan": f"hội nghị tập huấn nghiệp vụ công tác {skill}",
        "dai_hoi": f"Đại hội Công đoàn {company} nhiệm kỳ {y} - {y + 5}",
        "doi_thoai": f"hội nghị đối thoại với công nhân lao động tại {kcn}",
        "hoi_thi": f"Hội thi “{contest}” năm {y}",
        "phat_trien": "hội nghị sơ kết công tác phát triển đoàn viên, thành lập công đoàn cơ sở",
        "tet": f"chương trình “Tết Sum vầy” năm {y if when.month <= 2 else y + 1}",
        "suc_khoe": "chương trình khám sức khỏe miễn phí cho đoàn viên, người lao động",
        "ky_ket": "lễ ký kết thỏa thuận hợp tác chăm lo phúc lợi cho đoàn viên",
        "mai_am": "lễ trao “Mái ấm Công đoàn” cho đoàn viên có hoàn cảnh khó khăn",
        "thang_cn": f"lễ phát động Tháng Công nhân năm {y}",
        "thu_do": f"chương trình kỷ niệm {y - 1954} năm Ngày Giải phóng Thủ đô (10/10/1954 - 10/10/{y})",
    }
    event = events[topic]
    where = rng.choice(
        (
            lambda: f" tại {ctx.place(kcn)}",
            lambda: f" tại {ctx.place(ward)}, {ctx.place(dfull)}",
            lambda: f" tại trụ sở {ctx.org(party)}",
            lambda: "",
        )
    )()
    sapo = f"{opener}{ctx.org(unit, first=True)} tổ chức {event}{where}."
    if rng.random() < 0.5:
        sapo = sapo[:-1] + f", với sự tham gia của {n} đoàn viên, người lao động."
    comp.sapo = sapo[0].upper() + sapo[1:]

    short_event = event.split(" năm ")[0].split(" tại ")[0]
    paras: list[str] = []
    paras.append(
        f"Dự {short_event} có {ctx.say(city_vp, 'role_name')}; {ctx.say(party_sec, 'comrade')} "
        f"cùng đại diện lãnh đạo các ban, đơn vị liên quan."
    )
    members = f"{n * 9:,}".replace(",", ".")
    paras.append(
        f"Báo cáo tại chương trình, {ctx.say(chair, 'name_role')} cho biết, thời gian qua {ctx.org(unit)} "
        f"đã chủ động phối hợp với chuyên môn đồng cấp tổ chức nhiều hoạt động thiết thực, chăm lo đời sống "
        f"vật chất, tinh thần cho đoàn viên, người lao động. Hiện đơn vị có {k * 7} công đoàn cơ sở với "
        f"{members} đoàn viên."
    )
    pool = [
        lambda: (
            f"Cụ thể, {ctx.org(unit)} đã thăm hỏi, tặng quà cho {n} đoàn viên có hoàn cảnh khó khăn với tổng số "
            f"tiền hơn {k * 25} triệu đồng; hỗ trợ xây dựng {k % 9 + 1} “Mái ấm Công đoàn”; phối hợp ký kết "
            f"{k + 11} bản thỏa ước lao động tập thể."
        ),
        lambda: f"Phát biểu tại chương trình, {ctx.say(city_vp, 'short')} nhấn mạnh: “{rng.choice(V.QUOTES)}”.",
        lambda: (
            f"Tại {ctx.org(Org(company, company, company))}, {ctx.say(co_chair, 'name_role')} cho biết, "
            f"doanh nghiệp hiện có {n * 2} lao động, trong đó lao động nữ chiếm {k + 40}%. "
            f"Công đoàn cơ sở luôn quan tâm đến bữa ăn ca, điều kiện làm việc và thu nhập của người lao động."
        ),
        lambda: (
            f"Dịp này, {ctx.org(unit)} đã trao {k * 10} suất quà, mỗi suất trị giá {k % 4 + 1}.000.000 đồng cho "
            f"đoàn viên, người lao động có hoàn cảnh khó khăn trên địa bàn {ctx.place(dfull)}."
        ),
        lambda: (
            f"Ghi nhận những kết quả đạt được, {ctx.say(party_sec, 'role_name')} đánh giá cao vai trò của tổ chức "
            f"công đoàn trong việc chăm lo, bảo vệ quyền, lợi ích hợp pháp, chính đáng của người lao động."
        ),
        lambda: (
            f"Nhân dịp này, {ctx.org(CITY)} đã tặng Bằng khen cho {k % 7 + 2} tập thể và {k + 5} cá nhân có thành "
            f"tích xuất sắc trong phong trào thi đua lao động giỏi và xây dựng tổ chức Công đoàn vững mạnh."
        ),
        lambda: (
            f"Thời gian tới, {ctx.org(unit)} tiếp tục đổi mới nội dung, phương thức hoạt động, hướng mạnh về "
            f"cơ sở; đẩy mạnh công tác phát triển đoàn viên, thành lập công đoàn cơ sở tại các doanh nghiệp ngoài "
            f"khu vực nhà nước trên địa bàn {ctx.place(dfull)}."
        ),
        lambda: (
            f"Theo {ctx.say(chair, 'short')}, hoạt động được triển khai theo tinh thần của "
            f"{ctx.org(TONG, first=True)} về việc lấy đoàn viên, người lao động làm trung tâm."
        ),
    ]
    rng.shuffle(pool)
    # Only the paragraphs kept are written out, so only their mentions enter the ground truth.
    paras.extend(make() for make in pool[: rng.randint(3, 6)])
    comp.paragraphs = paras
    caption_pool = [
        f"{city_vp.role} {city_vp.name} phát biểu tại chương trình",
        f"{chair.role} {chair.name} báo cáo kết quả hoạt động",
        "Các đại biểu trao quà cho đoàn viên có hoàn cảnh khó khăn",
        "Quang cảnh chương trình",
        "Đoàn viên, người lao động tham gia chương trình",
    ]
    n_fig = rng.choice((0, 1, 1, 2, 2, 3))
    comp.captions = rng.sample(caption_pool, n_fig)
    comp.byline = rng.choice(V.BYLINES)
    tag_pool = [unit.short, "công đoàn", "đoàn viên", "người lao động", dname, "chăm lo đoàn viên"]
    if topic == "thang_cn":
        tag_pool.append("Tháng Công nhân")
    comp.tags = rng.sample(tag_pool, rng.randint(2, 4))
    comp.entities = list(ctx.ents.values())
    return comp


def _compose_other(
    rng: random.Random, ctx: _Ctx, section: str, when: datetime, full: bool, salt: int = 0
) -> Composition:
    kind, dname = rng.choice(V.DISTRICTS)
    ward = rng.choice(V.WARDS[dname])
    kcn = rng.choice(V.KCN)
    template = rng.choice(V.OTHER_TOPICS[section])
    title = template.format(district=f"{kind} {dname}", District=dname, ward=ward, kcn=kcn)
    # Few templates: a date, then a year, tell retries apart (titles are unique across the site).
    title += f" ({when.day}/{when.month})" if rng.random() < 0.3 or salt else ""
    title = title.replace(")", f"/{when.year})") if salt > 1 else title
    comp = Composition(title, None)
    if not full:
        return comp
    opener, comp.event_date = _opener(rng, when)
    _, _, ubnd = _district_orgs(kind, dname)
    leader = ctx.person(f"Phó Chủ tịch {ubnd.short}")
    comp.sapo = f"{opener}{ctx.org(ubnd, first=True)} đã tổ chức chương trình tại {ctx.place(ward)}."
    comp.sapo = comp.sapo[0].upper() + comp.sapo[1:]
    comp.paragraphs = [
        f"Phát biểu tại chương trình, {ctx.say(leader, 'role_name')} đề nghị các đơn vị tiếp tục triển khai "
        f"đồng bộ các giải pháp trên địa bàn {ctx.place(f'{kind} {dname}')}.",
        f"Theo {ctx.say(leader, 'short')}, kết quả bước đầu cho thấy sự vào cuộc của cả hệ thống chính trị và "
        f"sự đồng thuận của người dân.",
        "Chương trình sẽ được duy trì thường xuyên trong thời gian tới.",
    ]
    comp.captions = ["Quang cảnh chương trình"] if rng.random() < 0.6 else []
    comp.byline = rng.choice(V.BYLINES)
    comp.tags = [dname, "Hà Nội"]
    comp.entities = list(ctx.ents.values())
    return comp
