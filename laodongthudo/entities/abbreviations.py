"""This paper's abbreviations: which ones name an entity (and expand in canonical names), which never do.

Roles and canonical names are written with the expansions below, so that `LĐLĐ quận Thanh Xuân` and
`Liên đoàn Lao động (LĐLĐ) quận Thanh Xuân` are one row. Company legal forms (TNHH, MTV) and school
levels (THCS, THPT) are kept as written: they are how the paper and the companies spell those names.
"""

from __future__ import annotations

# Abbreviation -> expansion, used inside organisation names and roles.
ABBREVIATIONS: dict[str, str] = {
    "LĐLĐ": "Liên đoàn Lao động",
    "TLĐLĐVN": "Tổng Liên đoàn Lao động Việt Nam",
    "TLĐ": "Tổng Liên đoàn Lao động Việt Nam",
    "LĐLĐVN": "Liên đoàn Lao động Việt Nam",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "KCN": "Khu công nghiệp",
    "KCX": "Khu chế xuất",
    "CĐCS": "Công đoàn cơ sở",
    "MTTQ": "Mặt trận Tổ quốc",
    "GTVT": "Giao thông vận tải",
    "LHPN": "Liên hiệp Phụ nữ",
    "LĐTBXH": "Lao động - Thương binh và Xã hội",
    "BCH": "Ban Chấp hành",
    "BTV": "Ban Thường vụ",
    "TP": "thành phố",
}

# Abbreviations that stand for a class of people or a topic, never for one entity.
NON_ENTITY_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "CNVCLĐ",  # công nhân, viên chức, lao động
        "CNLĐ",  # công nhân lao động
        "NLĐ",  # người lao động
        "ĐVCĐ",  # đoàn viên công đoàn
        "ATVSLĐ",  # an toàn, vệ sinh lao động
        "ATVSV",  # an toàn vệ sinh viên
        "PCCC",  # phòng cháy chữa cháy
        "PCCN",  # phòng chống cháy nổ
        "TƯLĐTT",  # thỏa ước lao động tập thể
        "BHXH",  # bảo hiểm xã hội
        "BHYT",  # bảo hiểm y tế
        "LĐTĐ",  # the paper's own dateline marker
        "CBCCVC",
        "CNVC",
        "XLVPHC",
    }
)
