"""Roles: a chain of titles and organisations right before a name (`Phó Bí thư Thường trực Quận ủy
Thanh Xuân Nguyễn Minh Tiến`) or right after it (`ông Nguyễn Văn Ngà, Chủ tịch LĐLĐ quận Bắc Từ Liêm`)."""

from __future__ import annotations

from laodongthudo.entities.organisations import org_at
from laodongthudo.entities.persons import full_person_at, honorific_before
from laodongthudo.entities.segment import Segment
from laodongthudo.entities.terms import term_end
from laodongthudo.entities.tokens import DASHES, all_match_ends, key_of, longest_match

Role = tuple[int, str]  # (a token: where the role ends, or in `role_chains` starts; its text)


def role_at(seg: Segment, i: int, after_name: bool) -> Role | None:
    """The role that starts at token i: a title (or, after a name, an occupation) and what it heads."""
    found = _title_at(seg, i, after_name)
    if found is None:
        return None
    k, job = found
    title = seg.surface(i, k)
    if job and seg.toks[i].cap:
        return None
    role = _title_and_org(seg, i, k, title)
    if role is not None or job:
        return role
    return _title_and_complement(seg, k, title)


def _title_at(seg: Segment, i: int, after_name: bool) -> tuple[int, bool] | None:
    """(end of the title at i, whether it is an occupation)."""
    vocab = seg.vocab
    hit = longest_match(vocab.titles, seg.keys, i)
    job = False
    if not hit and after_name:
        hit = longest_match(vocab.jobs, seg.keys, i)
        job = hit is not None
    if not hit:
        return None
    k = hit[0]
    if not job:
        # "Bí thư Đảng ủy xã Sóc Sơn": a title that also reads as a shorter one followed by an
        # organisation is read the second way.
        for end in all_match_ends(vocab.titles, seg.keys, i)[1:]:
            if org_at(seg, end) is not None and org_at(seg, k) is None:
                k = end
                break
    return k, job


def _title_and_org(seg: Segment, i: int, k: int, title: str) -> Role | None:
    """The title i..k-1 and the organisation it heads, right after it or a few words on."""
    # "Phó Trưởng ban quản lý các KCN ...": the title's last word opens the organisation.
    if seg.key(k - 1) == "ban" and k - 1 > i:
        org = org_at(seg, k - 1)
        if org is not None and org.kind == "bql":
            return _chain(seg, org.end, f"{seg.surface(i, k - 1)} {org.name}")
    org = org_at(seg, k) if k < seg.n else None
    if org is None and k < seg.n and seg.key(k) == "phụ" and seg.key(k + 1) == key_of("trách"):
        in_charge_of = org_at(seg, k + 2)
        if in_charge_of:
            return _chain(seg, in_charge_of.end, f"{title} phụ trách {in_charge_of.name}")
    if org is not None:
        return _chain(seg, org.end, f"{title} {org.name}")
    return _title_words_org(seg, k, title)


def _title_words_org(seg: Segment, k: int, title: str) -> Role | None:
    """Up to five words before an organisation ("Giám đốc khu vực phía Bắc của Công ty ...")."""
    vocab, toks = seg.vocab, seg.toks
    m = k
    while m < seg.n and m - k < 6 and toks[m].word and not full_person_at(seg, m) and m not in seg.persons:
        org = org_at(seg, m)
        if org is not None:
            filler = " ".join(vocab.expand(x) for x in toks[k:m])
            return _chain(seg, org.end, f"{title} {filler} {org.name}")
        if not toks[m].cap and toks[m].key in vocab.stop and toks[m].key != key_of("của"):
            break
        m += 1
    return None


def _title_and_complement(seg: Segment, k: int, title: str) -> Role:
    """No organisation: a short capitalised complement ("Bí thư Chi bộ", "Phó Bí thư Thường trực Đảng ủy")."""
    vocab, toks = seg.vocab, seg.toks
    m = k
    while m < seg.n and m - k < 3 and toks[m].word and m not in seg.persons:
        if toks[m].key in vocab.stop or (m == k and not toks[m].cap):
            break
        m += 1
    words = [vocab.expand(x) for x in toks[k:m]]
    return _chain(seg, m, " ".join([title, *words]))


def _chain(seg: Segment, end: int, text: str) -> Role:
    # "Chủ tịch Công đoàn Công ty X nhiệm kỳ 2019 - 2024": the term is dropped from the role.
    end = term_end(seg, end) or end
    # "Thành ủy viên, Bí thư Huyện ủy Gia Lâm": titles joined by commas are one role.
    if end + 1 < seg.n and seg.toks[end].text == ",":
        if seg.key(end + 1) == "phụ" and seg.key(end + 2) == key_of("trách"):
            org = org_at(seg, end + 3)
            if org:
                return _chain(seg, org.end, f"{text}, phụ trách {org.name}")
        nxt = role_at(seg, end + 1, after_name=False)
        if nxt:
            return nxt[0], f"{text}, {nxt[1]}"
    return end, text


def person_role(seg: Segment, p: int, e: int, chains: dict[int, Role]) -> str | None:
    """The role of the person at p..e-1: the chain that ends where the name (or its honorific) starts,
    else the role after ", " or a dash."""
    q = honorific_before(seg, p)
    if q in chains:
        return chains[q][1]
    if e < seg.n and (seg.toks[e].text == "," or seg.toks[e].text in DASHES):
        if e + 1 in seg.persons:
            return None
        hit = role_at(seg, e + 1, after_name=True)
        if hit:
            return hit[1]
    return None


def role_chains(seg: Segment) -> dict[int, Role]:
    """Roles ending where a name (or its honorific) starts: end -> (start, text), longest kept."""
    ends: dict[int, Role] = {}
    found = seg.where(seg.vocab.title_first)  # a role before a name opens with a title
    if not found or not seg.persons:
        return ends  # no title, or no name for one to end at
    starts = {honorific_before(seg, p) for p in seg.persons} | set(seg.persons)
    for i in found:
        if not seg.toks[i].cap or i in seg.persons:
            continue
        hit = role_at(seg, i, after_name=False)
        if hit is None or hit[0] not in starts:
            continue
        end, text = hit
        if end not in ends or ends[end][0] > i:
            ends[end] = (i, text)
    return ends
