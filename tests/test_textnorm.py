import unicodedata

from laodongthudo.textnorm import clean_text, match_key, strip_accents, title_key


def test_clean_text_composes_and_collapses_odd_spaces():
    nfd = unicodedata.normalize("NFD", "Liên đoàn\u00a0 Lao\u200b động ")
    assert clean_text(nfd) == "Liên đoàn Lao động"
    assert unicodedata.is_normalized("NFC", clean_text(nfd))
    assert clean_text(None) == ""


def test_match_key_folds_case_form_and_tone_placement_only():
    assert match_key("Nguyễn Văn Hoà") == match_key("nguyễn văn hòa")
    assert match_key("Thuỷ") == match_key("THỦY")
    assert match_key(unicodedata.normalize("NFD", "Hòa")) == match_key("hoà")
    # Different tones or letters stay different.
    assert match_key("Hòa") != match_key("Hóa")
    assert match_key("Hà") != match_key("Hạ")
    assert match_key("Đông") != match_key("Dong")


def test_title_key_drops_accents_and_punctuation():
    assert title_key("Hà Nội: Xuất quân “Mùa hè xanh” 2025!") == "ha noi xuat quan mua he xanh 2025"
    assert title_key("Hoà  bình") == title_key("Hòa bình") == "hoa binh"
    assert strip_accents("Đặng Thị") == "Dang Thi"


def test_clean_text_treats_every_unicode_space_as_the_regex_does():
    # clean_text splits with str.split(); it must collapse exactly what `\s+` would (every str.isspace char).
    import re
    import sys

    spaces = "".join(chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c)))
    assert spaces == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    text = f"{spaces}Công{spaces}đoàn x{spaces}"
    assert clean_text(text) == re.sub(r"\s+", " ", text).strip() == "Công đoàn x"
