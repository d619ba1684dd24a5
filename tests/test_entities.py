"""Entity extraction: the gold set scored, the seeds' must-haves, and the rules one by one."""

from __future__ import annotations

import re

import pytest

from laodongthudo.entities import extract_entities
from laodongthudo.extract import extract
from laodongthudo.textnorm import match_key
from laodongthudo.urls import CANONICAL_ROOT
from replica import build_site
from tests.entities_scoring import GOLD_DIR, Score, load_gold

GOLD = load_gold()
TERM = re.compile(r"nhiệm kỳ|lần thứ|\b(?:19|20)\d\d\b", re.IGNORECASE)


def run(doc: dict) -> list[dict]:
    return extract_entities(doc["title"], doc["sapo"], doc["body"], doc["captions"], doc.get("author"))


def find(entities: list[dict], type_: str, name: str) -> dict | None:
    key = match_key(name)
    return next((e for e in entities if e["type"] == type_ and match_key(e["name"]) == key), None)


def names(entities: list[dict], type_: str) -> set[str]:
    return {e["name"] for e in entities if e["type"] == type_}


def gold_doc(prefix: str) -> dict:
    return next(d for d in GOLD if d["id"].startswith(prefix))


# -- the gold set --------------------------------------------------------------------------------------


def test_gold_set_is_large_enough_and_holds_both_seeds():
    assert len(GOLD) >= 15
    sources = {d["source"] for d in GOLD}
    assert any(s.endswith("000_29ec724aa93db2c4.txt") for s in sources)
    assert any(s.endswith("004_f598c38a0af3d222.txt") for s in sources)
    assert all(d["entities"] for d in GOLD)
    assert len(list(GOLD_DIR.glob("*.json"))) == len(GOLD)


def _score(docs: list[dict]) -> Score:
    score = Score()
    for doc in docs:
        score.add(doc["id"], doc["entities"], run(doc))
    return score


def test_gold_f1_overall():
    score = _score(GOLD)
    assert score.f1 >= 0.85, score.misses
    assert score.precision >= 0.85 and score.recall >= 0.85
    assert score.role_accuracy >= 0.85, [m for m in score.misses if m[1] == "ROLE"]


def test_gold_f1_on_articles_held_out_from_development():
    held_out = [d for d in GOLD if d.get("heldout")]
    assert len(held_out) >= 4
    assert _score(held_out).f1 >= 0.85


@pytest.mark.parametrize("type_", ["PERSON", "ORGANIZATION", "LOCATION"])
def test_gold_f1_per_type(type_):
    score = Score()
    for doc in GOLD:
        score.add(
            doc["id"],
            [e for e in doc["entities"] if e["type"] == type_],
            [e for e in run(doc) if e["type"] == type_],
        )
    assert score.f1 >= 0.85, score.misses


# -- the seeds' must-haves -----------------------------------------------------------------------------


def test_seed_2019_people_roles_orgs_places():
    got = run(gold_doc("seed-2019"))
    hoa = find(got, "PERSON", "Đặng Thị Phương Hoa")
    assert hoa and hoa["role"] == "Phó Chủ tịch Thường trực, phụ trách Liên đoàn Lao động thành phố Hà Nội"
    assert hoa["count"] == 3
    nga = find(got, "PERSON", "Nguyễn Văn Ngà")
    assert nga and nga["role"] == "Chủ tịch Liên đoàn Lao động quận Bắc Từ Liêm"
    tien = find(got, "PERSON", "Cao Đắc Tiến")
    assert tien and tien["role"] == "Chủ tịch Liên đoàn Lao động quận Thanh Xuân"
    minh_tien = find(got, "PERSON", "Nguyễn Minh Tiến")
    assert minh_tien and minh_tien["role"] == "Phó Bí thư Thường trực Quận ủy Thanh Xuân"
    assert find(got, "LOCATION", "quận Cầu Giấy")
    assert find(got, "ORGANIZATION", "Quận ủy Thanh Xuân")
    # The six members of the cluster, one written "LĐLĐ quận Thanh Xuân, Tây Hồ, ... và LĐLĐ quận Hà Đông".
    for district in ("Thanh Xuân", "Tây Hồ", "Nam Từ Liêm", "Bắc Từ Liêm", "Cầu Giấy", "Hà Đông"):
        assert find(got, "ORGANIZATION", f"Liên đoàn Lao động quận {district}"), district
        assert find(got, "LOCATION", f"quận {district}"), district
    city = find(got, "ORGANIZATION", "Liên đoàn Lao động thành phố Hà Nội")
    assert city["name"] == "Liên đoàn Lao động thành phố Hà Nội"
    assert {"LĐLĐ Thành phố", "LĐLĐ Thành phố Hà Nội", "Liên đoàn Lao động (LĐLĐ) Thành phố Hà Nội"} <= set(
        city["aliases"]
    )
    assert not find(got, "PERSON", "Đỗ Đạt")  # the byline


def test_seed_2022_people_roles_orgs():
    got = run(gold_doc("seed-2022"))
    for org in (
        "Công ty TNHH Yamaha Motor Việt Nam",
        "Công đoàn Công ty TNHH Yamaha Motor Việt Nam",
        "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
        "Tổng Liên đoàn Lao động Việt Nam",
        "Công ty TNHH Toto Việt Nam",
    ):
        assert find(got, "ORGANIZATION", org), org
    hung = find(got, "PERSON", "Lê Đình Hùng")
    assert hung["role"] == (
        "Ủy viên Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam, Phó Chủ tịch Liên đoàn Lao động thành phố Hà Nội"
    )
    toan = find(got, "PERSON", "Đinh Quốc Toản")
    assert toan["role"] == "Chủ tịch Công đoàn các Khu công nghiệp và chế xuất Hà Nội"
    tld = find(got, "ORGANIZATION", "Tổng Liên đoàn Lao động Việt Nam")
    assert {"Tổng Liên đoàn Lao động (LĐLĐ) Việt Nam", "Tổng LĐLĐ Việt Nam"} <= set(tld["aliases"])
    # Hà Nội inside a union's name is not a place mention of its own; CNVCLĐ is never an entity.
    assert not find(got, "LOCATION", "Hà Nội")
    assert not any("CNVCLĐ" in a for e in got for a in e["aliases"])


# -- rules ---------------------------------------------------------------------------------------------


def one(text: str, **kw) -> list[dict]:
    return extract_entities(None, None, text, **kw)


def test_abbreviations_expand_and_variants_are_one_entity():
    got = one(
        "LĐLĐ Thành phố tổ chức hội nghị. Liên đoàn Lao động (LĐLĐ) thành phố Hà Nội và UBND Thành phố "
        "ký kết. Đại diện LĐLĐ thành phố Hà Nội, HĐND Thành phố và Tổng LĐLĐ Việt Nam cùng dự."
    )
    city = find(got, "ORGANIZATION", "Liên đoàn Lao động thành phố Hà Nội")
    assert city["count"] == 3 and len(city["aliases"]) == 3
    assert find(got, "ORGANIZATION", "Ủy ban nhân dân thành phố Hà Nội")
    assert find(got, "ORGANIZATION", "Hội đồng nhân dân thành phố Hà Nội")
    assert find(got, "ORGANIZATION", "Tổng Liên đoàn Lao động Việt Nam")
    assert names(got, "LOCATION") == set()


def test_inline_definition_and_shared_place():
    got = one("Ủy ban nhân dân (UBND) và Liên đoàn Lao động (LĐLĐ) huyện Gia Lâm phối hợp tổ chức Hội thao.")
    assert names(got, "ORGANIZATION") == {"Ủy ban nhân dân huyện Gia Lâm", "Liên đoàn Lao động huyện Gia Lâm"}
    assert names(got, "LOCATION") == {"huyện Gia Lâm"}


def test_unknown_inline_abbreviation_names_the_organisation_for_the_article():
    got = one(
        "Công đoàn Tổng Công ty Đầu tư và Phát triển nhà Hà Nội (HANDICO) tổ chức trao quà. "
        "Lãnh đạo Công đoàn HANDICO cảm ơn."
    )
    union = find(got, "ORGANIZATION", "Công đoàn Tổng Công ty Đầu tư và Phát triển nhà Hà Nội")
    assert union and union["count"] == 2
    assert find(got, "ORGANIZATION", "Tổng Công ty Đầu tư và Phát triển nhà Hà Nội")


def test_non_entity_abbreviations_are_never_extracted():
    got = one("Công tác ATVSLĐ được CNVCLĐ và NLĐ quan tâm; CĐCS tuyên truyền cho NLĐ về BHXH và CNLĐ Thủ đô.")
    assert got == []


def test_honorifics_are_not_part_of_names_and_roles_after_names():
    got = one(
        "Ông Nguyễn Văn Ngà, Chủ tịch LĐLĐ quận Bắc Từ Liêm phát biểu. Bà Nguyễn Thị Hòa - Chủ tịch LĐLĐ "
        "huyện Mỹ Đức trao quà. Đồng chí Lê Xuân Bình - Bí thư Chi bộ, Chủ tịch Nghiệp đoàn Lái xe ô tô "
        "công nghệ Hà Nội cho biết. Chị Lê Thị Nhung, giáo viên Trường Tiểu học Hợp Thanh A chia sẻ."
    )
    assert names(got, "PERSON") == {"Nguyễn Văn Ngà", "Nguyễn Thị Hòa", "Lê Xuân Bình", "Lê Thị Nhung"}
    assert find(got, "PERSON", "Nguyễn Thị Hòa")["role"] == "Chủ tịch Liên đoàn Lao động huyện Mỹ Đức"
    assert find(got, "PERSON", "Lê Xuân Bình")["role"] == (
        "Bí thư Chi bộ, Chủ tịch Nghiệp đoàn Lái xe ô tô công nghệ Hà Nội"
    )
    assert find(got, "PERSON", "Lê Thị Nhung")["role"] == "giáo viên Trường Tiểu học Hợp Thanh A"


def test_role_before_name_and_list_of_officials():
    got = one(
        "Dự hội nghị có các đồng chí: Ngọ Duy Hiểu - Phó Chủ tịch Tổng LĐLĐ Việt Nam; Nguyễn Văn Phong - Phó "
        "Bí thư Thành ủy Hà Nội; Nguyễn Phi Thường - Thành ủy viên, Chủ tịch LĐLĐ Thành phố. Thành ủy viên, "
        "Bí thư Huyện ủy Gia Lâm Nguyễn Việt Hà tới dự."
    )
    roles = {e["name"]: e["role"] for e in got if e["type"] == "PERSON"}
    assert roles == {
        "Ngọ Duy Hiểu": "Phó Chủ tịch Tổng Liên đoàn Lao động Việt Nam",
        "Nguyễn Văn Phong": "Phó Bí thư Thành ủy Hà Nội",
        "Nguyễn Phi Thường": "Thành ủy viên, Chủ tịch Liên đoàn Lao động thành phố Hà Nội",
        "Nguyễn Việt Hà": "Thành ủy viên, Bí thư Huyện ủy Gia Lâm",
    }


def test_tone_placement_variants_are_one_entity():
    got = extract_entities(
        "Trao Mái ấm cho đoàn viên huyện Ứng Hoà",
        "Anh Nguyễn Văn Hoà, công nhân Công ty cổ phần May Sơn Hà nhận hỗ trợ.",
        "Gia đình anh Nguyễn Văn Hòa ở huyện Ứng Hòa.",
        ["Trao tiền hỗ trợ cho anh Nguyễn Văn Hòa"],
    )
    person = find(got, "PERSON", "Nguyễn Văn Hòa")
    assert person["count"] == 3
    assert set(person["aliases"]) == {"Nguyễn Văn Hoà", "Nguyễn Văn Hòa"}
    assert person["name"] == "Nguyễn Văn Hòa"  # the spelling written most often
    assert person["role"] == "công nhân Công ty cổ phần May Sơn Hà"
    place = find(got, "LOCATION", "huyện Ứng Hòa")
    assert place["count"] == 2
    assert len([e for e in got if e["type"] == "PERSON"]) == 1


def test_places_inside_organisations_are_place_mentions_too():
    got = one("Chủ tịch LĐLĐ quận Cầu Giấy Nguyễn Văn A phát biểu; Công đoàn ngành Y tế Hà Nội dự.")
    assert find(got, "LOCATION", "quận Cầu Giấy")
    assert not find(got, "LOCATION", "Hà Nội")  # Hanoi inside a union body's name: not a place mention
    got = one("Công nhân từ Hà Nội và tỉnh Bắc Ninh tham gia; LĐLĐ tỉnh Hà Tĩnh cử đoàn.")
    assert names(got, "LOCATION") == {"Hà Nội", "Bắc Ninh", "Hà Tĩnh"}


def test_units_before_and_after_the_2025_reorganisation():
    got = one(
        "Phường Dương Nội mới được thành lập trên cơ sở các phường La Khê, Yên Nghĩa của quận Hà Đông. "
        "Xã Thạch Thất gồm thị trấn Liên Quan và xã Kim Quan của huyện Thạch Thất; tỉnh Hòa Bình, thành phố Hà Tĩnh."
    )
    assert names(got, "LOCATION") == {
        "phường Dương Nội",
        "phường La Khê",
        "phường Yên Nghĩa",
        "quận Hà Đông",
        "xã Thạch Thất",
        "thị trấn Liên Quan",
        "xã Kim Quan",
        "huyện Thạch Thất",
        "Hòa Bình",
        "thành phố Hà Tĩnh",
    }


def test_unknown_unit_names_are_not_places():
    got = one("Đoàn về xã Cầu Vồng, xã Mây Trắng và phường Tương Lai.")
    assert names(got, "LOCATION") == set()


def test_industrial_parks_and_lists():
    got = one(
        "Công nhân các KCN Thăng Long, Nội Bài và Quang Minh; Khu công nghiệp Thạch Thất - Quốc Oai và "
        "KCN Sài Đồng B. Các khu công nghiệp, khu chế xuất của Thủ đô."
    )
    assert names(got, "LOCATION") == {
        "Khu công nghiệp Thăng Long",
        "Khu công nghiệp Nội Bài",
        "Khu công nghiệp Quang Minh",
        "Khu công nghiệp Thạch Thất - Quốc Oai",
        "Khu công nghiệp Sài Đồng B",
    }


def test_companies_grassroots_unions_schools_hospitals():
    got = one(
        "Tổng LĐLĐ Việt Nam tặng Cờ thi đua cho Công đoàn Công ty TNHH Điện tử Meiko Việt Nam và Bằng khen "
        "cho CĐCS Công ty TNHH Hoya Glass Disk Việt Nam II. Bệnh viện Bạch Mai, Trường THPT Chu Văn An và "
        "Hợp tác xã Nông nghiệp Văn Đức (huyện Gia Lâm) cùng tham gia."
    )
    assert names(got, "ORGANIZATION") == {
        "Tổng Liên đoàn Lao động Việt Nam",
        "Công đoàn Công ty TNHH Điện tử Meiko Việt Nam",
        "Công ty TNHH Điện tử Meiko Việt Nam",
        "Công đoàn cơ sở Công ty TNHH Hoya Glass Disk Việt Nam II",
        "Công ty TNHH Hoya Glass Disk Việt Nam II",
        "Bệnh viện Bạch Mai",
        "Trường THPT Chu Văn An",
        "Hợp tác xã Nông nghiệp Văn Đức",
    }
    assert names(got, "PERSON") == set()


def test_term_of_office_edition_and_year_end_an_organisation_name():
    got = one(
        "Đại hội Công đoàn Công ty TNHH Thực phẩm Hà Thành nhiệm kỳ 2019 - 2024 thành công. Công đoàn Công ty "
        "TNHH Thương mại dịch vụ Phú Thịnh nhiệm kỳ 2023-2028 ra mắt. Đại hội Công đoàn Công ty Cổ phần Xe "
        "khách Thủ Đô Lần thứ III. Hội nghị Công ty Cổ phần Môi trường đô thị Kinh Bắc 2024. Công ty cổ phần "
        "Dược phẩm Trung ương 3 và Công ty May 10 cùng dự."
    )
    assert names(got, "ORGANIZATION") == {
        "Công đoàn Công ty TNHH Thực phẩm Hà Thành",
        "Công ty TNHH Thực phẩm Hà Thành",
        "Công đoàn Công ty TNHH Thương mại dịch vụ Phú Thịnh",
        "Công ty TNHH Thương mại dịch vụ Phú Thịnh",
        "Công đoàn Công ty Cổ phần Xe khách Thủ Đô",
        "Công ty Cổ phần Xe khách Thủ Đô",
        "Công ty Cổ phần Môi trường đô thị Kinh Bắc",
        "Công ty cổ phần Dược phẩm Trung ương 3",  # a number that is no year stays
        "Công ty May 10",
    }


def test_term_of_office_is_dropped_from_the_role_before_or_after_the_name():
    got = one(
        "Chủ tịch Công đoàn Công ty TNHH Điện tử Minh Quang nhiệm kỳ 2023 - 2028 Trần Thị Bình phát biểu. "
        "Ông Nguyễn Văn An - Chủ tịch Công đoàn Công ty TNHH Bao bì Phú Thịnh nhiệm kỳ 2025 - 2030, Giám đốc "
        "Công ty TNHH Bao bì Phú Thịnh phát biểu."
    )
    assert find(got, "PERSON", "Trần Thị Bình")["role"] == "Chủ tịch Công đoàn Công ty TNHH Điện tử Minh Quang"
    assert find(got, "PERSON", "Nguyễn Văn An")["role"] == (
        "Chủ tịch Công đoàn Công ty TNHH Bao bì Phú Thịnh, Giám đốc Công ty TNHH Bao bì Phú Thịnh"
    )


def test_replica_organisations_carry_no_term_of_office():
    # The replica's congress articles name companies followed by their union's term ("... nhiệm kỳ 2019 - 2024").
    site = build_site(n_articles=60, seed=1)
    orgs: list[str] = []
    texts_with_terms = 0
    for truth in site.union_articles():
        response = site.respond(truth.path)
        if response.status != 200 or not isinstance(response.body, bytes):
            continue
        item = extract(response.body, CANONICAL_ROOT + truth.path)
        texts_with_terms += "nhiệm kỳ" in (item.title or "") + (item.sapo or "") + (item.body or "")
        orgs += [e["name"] for e in item.entities if e["type"] == "ORGANIZATION"]
    assert texts_with_terms >= 3 and len(orgs) >= 50
    assert [o for o in orgs if TERM.search(o)] == []


def test_byline_is_not_an_entity():
    got = extract_entities("Tin", None, "Nguyễn Văn Nam, Chủ tịch LĐLĐ quận Long Biên dự.", [], author="Nguyễn Văn Nam")
    assert not find(got, "PERSON", "Nguyễn Văn Nam")


@pytest.mark.parametrize(
    "text",
    ["", "   ", "(((", "Nguyễn", "LĐLĐ", "Công đoàn Công ty", "quận", "- , ; …", "Ủy ban MTTQ phường", "x" * 5000],
)
def test_odd_text_gives_no_error(text):
    assert isinstance(extract_entities(text, text, text, [text, None], author=text), list)


def test_real_sapos_from_the_seed_pages_boxes():
    # Sapos of other articles, as the paper printed them in the boxes of the seed pages (not in the gold).
    got = one(
        "Chiều 26/7, Hội Nông dân thành phố Hà Nội tổ chức đoàn công tác đến thăm. Đồng chí Phạm Hải Hoa - "
        "Thành ủy viên, Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố, Chủ tịch Hội Nông dân Thành "
        "phố làm Trưởng đoàn.\n"
        "Bộ trưởng Đào Ngọc Dung: Việt Nam phấn đấu top 3 ASEAN về đổi mới sáng tạo toàn cầu\n"
        "(LĐTĐ) Bộ trưởng Bộ Lao động, Thương binh và Xã hội Đào Ngọc Dung cho rằng, bên cạnh việc chú trọng "
        "đào tạo nhân lực đại trà.\n"
        "Sáng 25/7, tại Đại học Bách khoa Hà Nội, Đoàn Thanh niên - Hội Sinh viên Việt Nam thành phố Hà Nội "
        "tổ chức Lễ xuất quân.\n"
        "Ngày 16/7, Hội Cựu chiến binh phường Việt Hưng tổ chức Hội nghị công bố quyết định thành lập, chức "
        "danh chủ chốt Hội Cựu chiến binh phường."
    )
    roles = {e["name"]: e["role"] for e in got if e["type"] == "PERSON"}
    assert roles == {
        "Phạm Hải Hoa": "Thành ủy viên, Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội, "
        "Chủ tịch Hội Nông dân thành phố Hà Nội",
        # The bare title of the headline gives way to the sapo's, which names the ministry.
        "Đào Ngọc Dung": "Bộ trưởng Bộ Lao động - Thương binh và Xã hội",
    }
    orgs = names(got, "ORGANIZATION")
    assert {
        "Hội Nông dân thành phố Hà Nội",
        "Bộ Lao động - Thương binh và Xã hội",
        "Đại học Bách khoa Hà Nội",
        "Hội Cựu chiến binh phường Việt Hưng",
    } <= orgs
    assert find(got, "LOCATION", "phường Việt Hưng")
