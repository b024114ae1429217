"""Counts: household size, ages per member, disability grade, vehicles, houses.

Words in ``counts.yml``. A number whose unit does not fit the question ("3000元"
asked for the household size, "1套" asked for deposits) is never that question's
value; the fact extractor files it under the slot it belongs to.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from nlu.finders.members import SPEAKER_WORDS, find_mentions
from nlu.finders.money import age_before_none, in_age_list
from nlu.finders.negation import is_negated
from nlu.finders.text import (
    CLAUSE_END,
    CN_DIGITS,
    clause_end,
    clause_spans,
    clause_start,
    cn_int,
    find_all,
    is_unknown,
    segments,
    terms,
)
from nlu.finders.values import UNKNOWN

PUNCT = CLAUSE_END + " /"
PARTICLES = "吧啊呀噻咯哦嘛的了呢哈"


def _short_negated(text: str, start: int) -> bool:
    """ "不是四口", "没有3个": a negator just before a count negates it."""
    window = text[max(0, start - 3) : start]
    for word in ("不是", "没有", "没", "不"):
        at = window.rfind(word)
        # "没车,1套房": the negator has its own word (车) before the count; not this count
        if at >= 0 and not window[at + len(word) :].strip(CLAUSE_END + " "):
            return True
    return False


# -- household size ----------------------------------------------------------------
_PEOPLE = re.compile(
    rf"(?<!老)(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*(口之家|口人|个人|口|人)(?!民币|员|家|子)"
)


def household_size_of(text: str, asked: bool = False, corrected: bool = False) -> int | None:
    """The household size said in one segment of prepared text.

    Rules, in order: a count of people preceded by a total word (一共, 家里, 该户共);
    else the first count of people not negated ("不是四口"); else "就我一个"/"独居"
    (1) or "老两口" (2); else, when the question was asked, a bare number or the
    persons listed ("我爸、我妈还有我" → 3). "两个小孩" counts children, not the
    household, and "3000元" is money.
    """
    candidates: list[tuple[bool, int]] = []
    mouths: list[int] = []  # the counts said in 口 ("五口人")
    for match in _PEOPLE.finditer(text):
        value = cn_int(match.group(1))
        if value is None or not 1 <= value <= 20 or _short_negated(text, match.start()):
            continue
        if _is_change(text, match.start()):
            continue  # "少了一个人", "还要加一个人": a change, not the size
        if value == 1 and match.group(2) == "个人" and not _ends_clause(text, match.end()):
            continue  # "我一个人带两个孩子": alone in doing something, not a household of one
        before = text[clause_start(text, match.start()) : match.start()]
        total = any(word in before for word in terms("counts", "household", "total_words"))
        candidates.append((total, value))
        if "口" in (match.group(2) or ""):
            mouths.append(value)
    totals = [value for total, value in candidates if total]
    if totals:
        return totals[-1]
    if mouths and len(set(value for _, value in candidates)) > 1:
        return mouths[-1]  # "两个人一年学费…。是五口人": 口 counts the household
    listed_count = _persons_counted(text)
    if candidates:
        contrast = _last_contrast(text)
        later = [value for at, value in _positions(text) if at > contrast] if contrast >= 0 else []
        if later:
            return later[-1]  # "户口本上有五个人，但平时一起开销的就…两个"
        return candidates[0][1]
    if listed_count is not None:
        return listed_count
    cared = _alone_caring(text)
    if cared is not None:
        return cared
    if _says_alone(text):
        return 1
    home = _home_listed(text)
    if home is not None:
        return home
    lead_listed = _lead_count_listed(text)
    if lead_listed is not None:
        return lead_listed
    if asked:
        lead = (_LEAD_COUNT_LOOSE if corrected else _LEAD_COUNT).match(text.lstrip(PUNCT))
        if lead is not None and (value := cn_int(lead.group(1))) and 1 <= value <= 20:
            return value  # "三个，我跟两个孙伢子": the count said first
    listed = _listed(text) if asked else None
    if listed is not None:
        return listed
    if any(word in text for word in terms("counts", "household", "pair")):
        return 2
    if not asked:
        return None
    bare = text.strip(PUNCT + PARTICLES)
    bare = re.sub(r"^(?:大概|一共|总共|共|就|是|有)+", "", bare)
    bare = re.sub(r"(?:个|位)?(?:吧|啊|噻|咯|哦|嘛|的|了)*$", "", bare)
    value = cn_int(bare) if bare else None
    if value is not None and 1 <= value <= 20:
        return value
    return None


_LEAD_COUNT_LOOSE = re.compile(  # after a correction: "四个人不对五个我把我自己忘了"
    rf"^(?:一共|总共|共|就|是|有)*(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*(?:个|位|口)(?:人)?"
)
# Persons named, then how many they are: "我同老公两个", "奶奶和我小叔两个", "…两个住".
_COUNTED_AFTER = re.compile(
    rf"^(?:都|一共|总共|共)?(\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*(?:个|位)(?:人)?"
)


def _persons_counted(text: str) -> int | None:
    """The count said right after two or more persons joined ("我同老公2个")."""
    mentions = find_mentions(text)
    for index, (first, second) in enumerate(pairwise(mentions)):
        joiner = text[first.end : second.start]
        if joiner not in ("和", "同", "跟", "与", "/", "还有", "加"):
            continue
        end = second.end
        for following in mentions[index + 2 :]:  # "和我小叔": 我 then 小叔, one person
            if following.start != end:
                break
            end = following.end
        match = _COUNTED_AFTER.match(text[end:])
        if match and (value := cn_int(match.group(1))) and 2 <= value <= 20:
            return value
    return None


def _positions(text: str) -> list[tuple[int, int]]:
    """(position, value) of each count of people, and of persons counted."""
    found = [
        (match.start(), value)
        for match in _PEOPLE.finditer(text)
        if (value := cn_int(match.group(1)))
        and 1 <= value <= 20
        and not _short_negated(text, match.start())
        and not _is_change(text, match.start())
    ]
    counted = _persons_counted(text)
    if counted is not None:
        found.append((len(text), counted))
    return sorted(found)


def _last_contrast(text: str) -> int:
    ats = [text.rfind(word) for word in ("但是", "但", "可是", "不过", "实际上", "其实")]
    return max(ats)


_LEAD_COUNT = re.compile(
    rf"^(?:一共|总共|共|就|是|有)*(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*(?:个|位|口)?(?:人)?(?=[,.;!?:~ ]|$)"
)


# A count of people first, with its unit or a written numeral: "2个我跟孙子", "三,我,我儿子".
_LEAD_PEOPLE = re.compile(
    rf"^(?:一共|总共|共|就|是|有)*(?:(\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*(?:个|位|口)(?:人)?|([{CN_DIGITS}]{{1,3}})(?=[,;: ]))"
)

# A count of people standing alone later in the text: the writer counted again.
_RECOUNT = re.compile(
    rf"(?:^|[,;: ])(?:\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*(?:个|位|口)(?:人)?(?=[,.;!?:~ ]|$)"
)


def _lead_count_listed(text: str) -> int | None:
    """The count said first, then two or more persons listed right after it ("两个，他跟他哥",
    "五个，婆婆/我们夫妻两个/2个孩子"): the household's size, asked or not. A noun counted by
    the number ("两个孩子读书") is not a list: without a separator the list must start with
    a pronoun (我, 他)."""
    stripped = text.lstrip(PUNCT)
    lead = _LEAD_PEOPLE.match(stripped)
    if lead is None:
        return None
    value = cn_int(lead.group(1) or lead.group(2))
    if value is None or not 2 <= value <= 20:
        return None
    rest = stripped[lead.end() :]
    if _RECOUNT.search(rest):
        return None  # "两个 我跟老头子 哦还有孙女 三个": counted again after the list
    separated = rest[:1] in ",;: "
    rest = rest.lstrip(",;: ")
    starts = terms("counts", "household", "lead_list_starts")
    mentions = find_mentions(rest)
    by_pronoun = any(rest.startswith(word) for word in starts)
    by_person = separated and bool(mentions) and mentions[0].start == 0
    if not (by_pronoun or by_person):
        return None
    persons = sum(m.count for m in mentions) + (
        by_pronoun and not (mentions and mentions[0].start == 0)
    )
    return value if persons >= 2 else None


def _is_change(text: str, start: int) -> bool:
    return any(
        word in text[max(0, start - 3) : start]
        for word in ("少了", "多了", "加", "减", "添", "还有", "再")
    )


def _ends_clause(text: str, end: int) -> bool:
    following = text[end : end + 1]
    return not following or following in CLAUSE_END + PARTICLES + "住过"


def _earning(text: str, end: int) -> bool:
    """ "就我一个人挣钱", "只有我一个人上班": the clause goes on with an earner's verb."""
    rest = text[end : clause_end(text, end)].removeprefix("人")
    rest = rest.lstrip("在")
    return any(rest.startswith(word) for word in terms("counts", "household", "earner_verbs"))


def _caring(text: str, end: int) -> bool:
    """ "我一个人在屋头照顾他", "一个人带着儿子": alone in caring for someone, who lives
    there too — the clause goes on with a carer's verb."""
    rest = text[end : clause_end(text, end)]
    return any(word in rest for word in terms("counts", "household", "carer_verbs"))


_PRONOUNS = ("他", "她")


def _alone_caring(text: str) -> int | None:
    """The one who speaks and those cared for ("一个人带着儿子" → 2, "我一个人在屋头照顾
    他" → 2, "一个人带两个孩子" → 3): the speaker plus the persons named after the verb."""
    for word in terms("counts", "household", "alone"):
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            rest = text[end : clause_end(text, end)]
            verbs = [
                rest.find(v) + len(v)
                for v in terms("counts", "household", "carer_verbs")
                if v in rest
            ]
            if verbs:
                cared = rest[min(verbs) - 2 :]
                named = [m for m in find_mentions(cared) if m.relation != "self"]
                count = sum(m.count for m in named) or (
                    1 if any(p in cared for p in _PRONOUNS) else 0
                )
                if count:
                    return 1 + count
            at = text.find(word, at + 1)
    return None


def _says_alone(text: str) -> bool:
    """ "就我一个", "老人独居": but "就我一个女儿" counts a daughter, not the household."""
    for word in terms("counts", "household", "alone"):
        at = text.find(word)
        while at >= 0:
            following = text[at + len(word) : at + len(word) + 1]
            ends = not following or following in CLAUSE_END + "人" + PARTICLES + "住过在"
            if ends and _earning(text, at + len(word)):
                pass  # "全家就我一个人挣钱": the one earner, not a household of one
            elif ends and not _caring(text, at + len(word)):
                return True
            at = text.find(word, at + 1)
    return False


_HOME_LIST_START = 3  # "家里有个老母亲和…": the list starts within these characters


def _home_listed(text: str) -> int | None:
    """ "家里有老婆和两个小孩" (one speaks of their own home, often a migrant worker): the
    persons listed after the home word, and the one who speaks (probeG F7)."""
    for word in terms("counts", "household", "home_has"):
        at = text.find(word)
        if at < 0:
            continue
        rest = text[at + len(word) : clause_end(text, at)]
        mentions = find_mentions(rest)
        if not mentions or mentions[0].start > _HOME_LIST_START:
            continue
        listed = _listed(rest)
        if listed is None:
            continue
        writer = any(m.relation == "self" and m.word in SPEAKER_WORDS for m in mentions)
        return listed + (0 if writer else 1)
    return None


def _listed(text: str) -> int | None:
    """Persons named in a list joined by 、/和/还有/带 count the household ("我、老伴、
    儿子" → 3, "老两口加一个孙子" → 3); a pair word (老两口) is the applicant and spouse."""
    if not any(joiner in text for joiner in terms("counts", "household", "joiners")):
        return None
    mentions = find_mentions(text)
    people = {(m.relation if m.relation in ("self", "spouse") else m.word) for m in mentions}
    if any(word in text for word in terms("counts", "household", "pair")):
        people |= {"self", "spouse"}
    count = len(people) + sum(m.count - 1 for m in mentions)
    return count if count >= 2 else None


# -- ages ------------------------------------------------------------------------
# Ages: digits (normalize turned 七十二 into 72) or a Chinese numeral it left (七十一老…).
_AGE = re.compile(
    # "老二4岁": after a child's ordinal (老二, 老三) a number may still be an age
    rf"(?:(?<=老[二三四五六七八九])(?=\d)|(?<![\d{CN_DIGITS}]))(?<!\d\.)(\d{{1,3}}|[{CN_DIGITS}]*十[{CN_DIGITS}]*|[一二三四五六七八九]"
    rf"|[一二两三四五六七八九]{{2,3}}(?=岁))"
    rf"(?!(?!两个|俩)[\d{CN_DIGITS}])(?!\.\d)"  # "婆娘49两个娃": 两个 is the next count
)
_NOT_AGE_AFTER = (
    "口", "人", "个", "元", "块", "级", "套", "辆", "台", "年", "月", "天", "斤", "亩", "分",
    "万", "千", "百", "号", "次", "间", "栋", "位", "名", "多块", "来块", "几", "%", "点",
)  # fmt: skip
# What may stand between a person and their age ("老伴今年65", "我都70了", "她是72").
_AGE_BETWEEN = re.compile(r"[,\s]?(?:今年|已经|都|是|有|也|才|快|满|呢|其实|实际上|实际)*")
_AGE_CUE_BEFORE = re.compile(r"(?:今年|年纪|年龄|岁数)(?:是|有|已经|都)?$")


_CN_AGE_PART = re.compile(r"[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]")


class _Token:
    """A number of the text, as a regex match would give it (group 1, start, end)."""

    def __init__(self, start: int, end: int, token: str) -> None:
        self._start, self._end, self._token = start, end, token

    def group(self, _index: int) -> str:
        return self._token

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _age_tokens(text: str) -> list[_Token]:
    """The numbers that may be ages. A run of Chinese numerals said without a pause is
    cut into ages ("十三九岁" → 13, 9; "四十四两个" → 44, 两), as voice input gives it."""
    tokens: list[_Token] = []
    for match in _AGE.finditer(text):
        token = match.group(1)
        if token.isdigit() or len(token) == 1 or _CN_AGE_PART.fullmatch(token):
            tokens.append(_Token(match.start(), match.end(), token))
            continue
        for part in _CN_AGE_PART.finditer(token):
            start = match.start() + part.start()
            tokens.append(_Token(start, start + len(part.group()), part.group()))
    return tokens


def ages_of(text: str, asked: bool = False, alone: bool = True) -> list[int]:
    """Ages in the order said. A number is an age when 岁 follows it, or a person is
    named just before it ("老伴50", "我今年65"), or — when the question was asked —
    it stands alone; never when another unit follows ("2个娃", "4口人", "3000块").
    A correction ("六十九 不对 七十了") drops the age said just before it. ``alone``: a
    bare number after a household of one is its age (not where money was asked)."""
    return [age for age, _relation, _word in member_ages(text, asked, alone=alone)]


def member_ages(
    text: str, asked: bool = False, applicant: str = "self", *, alone: bool = True
) -> list[tuple[int, str | None, str | None]]:
    """The ages of ``ages_of``, each with the relation and the word of the person named
    just before it ("老伴50" → spouse, 老伴), or None when nobody is named there."""
    mentions = find_mentions(text, applicant, orphans=True)
    ages: list[tuple[int, int, str | None, str | None]] = []
    differences: list[tuple[int, int, int]] = []  # (start, end, years older)
    for match in _age_tokens(text):
        token = match.group(1)
        difference = _DIFFERENCE.search(text[max(0, match.start() - 4) : match.start()])
        if difference and text[match.end() : match.end() + 1] == "岁":
            value = cn_int(token)
            if value is not None:
                sign = 1 if "大" in difference.group() else -1
                differences.append((match.start(), match.end(), sign * value))
            continue
        if len(token) == 1 and not token.isdigit():
            alone = (match.start() == 0 or text[match.start() - 1] in PUNCT) and (
                match.end() == len(text) or text[match.end()] in PUNCT
            )
            years = text[match.end() : match.end() + 1] == "岁"
            if not (asked and alone) and not years:
                continue  # "考虑一下": a single numeral is an age only as its own answer
        value = cn_int(token)
        if value is None or not 0 <= value <= 120:
            continue
        after = text[match.end() : match.end() + 2]
        if value >= 100 and after.startswith("多"):
            continue  # "我一百多": money, nobody is a hundred and some
        if any(after.startswith(unit) for unit in _NOT_AGE_AFTER) and not after.startswith("岁"):
            continue
        named_just_before = any(m.end == match.start() for m in mentions)  # "老大15"
        if (
            text[max(0, match.start() - 1) : match.start()] in ("第", "大", "小", "差", "老")
            and not named_just_before
        ):
            continue  # "第2", "比我大两岁": not an age
        has_years = after.startswith(("岁", "周岁"))
        near = [
            m
            for m in mentions
            if 0 <= match.start() - m.end <= 3
            and _AGE_BETWEEN.fullmatch(text[m.end : match.start()])
        ]
        cue = _AGE_CUE_BEFORE.search(text[: match.start()]) is not None
        cue = cue or age_before_none(text, match.start(), match.end())
        cue = cue or in_age_list(text, match.start(), match.end())
        if has_years or near or cue or asked:
            person = near[-1] if near else None
            ages.append(
                (
                    match.start(),
                    value,
                    person.relation if person else None,
                    person.word if person else None,
                )
            )
    if not asked:
        ages += _lead_age(text, ages, mentions)
        ages += _alone_age(text, ages) if alone else []
    ages += [(start, age, None, None) for start, age in _birth_years(text)]
    ages += _ages_from_differences(text, ages, differences, mentions)
    ages.sort()
    return _apply_corrections(text, ages)


# A bare age said first, before the others' ("三十九 老婆三十七 女儿十岁").
_LEAD_AGE = re.compile(r"^(\d{1,3})(?:岁)?[,;: ]")
_LEAD_AGE_MIN = 16  # one who writes their own age first is grown; "2,老公…" is an option


def _lead_age(
    text: str, ages: list[tuple[int, int, str | None, str | None]], mentions: list[Any]
) -> list[tuple[int, int, str | None, str | None]]:
    """The writer's own age said bare before the ages of others, each named with theirs:
    kept when the next clause starts with a person whose age is read right after."""
    lead = _LEAD_AGE.match(text)
    if lead is None or any(start == 0 for start, *_rest in ages):
        return []
    value = int(lead.group(1))
    if not _LEAD_AGE_MIN <= value <= 120:
        return []
    after = [m for m in mentions if m.start == lead.end()]
    named = [start for start, _age, relation, _word in ages if relation is not None]
    if not after or not any(0 <= start - after[0].end <= 3 for start in named):
        return []
    return [(0, value, None, None)]


# A bare number said as a clause of its own right after a household of one ("农村 一个人
# 六十八", "就我一个,七十了"): the one person's age (grown: "一个人,3" is an option).
_ALONE_AGE = re.compile(r"(\d{2,3})(?:岁)?了?")


def _alone_age(
    text: str, ages: list[tuple[int, int, str | None, str | None]]
) -> list[tuple[int, int, str | None, str | None]]:
    """The age of a household of one, said bare in the clause after it ("1个人,68")."""
    if ages:
        return []
    clauses = [(m.start(), m.group()) for m in re.finditer(r"[^,;: ]+", text)]
    for (_at, before), (start, clause) in pairwise(clauses):
        bare = _ALONE_AGE.fullmatch(clause)
        if bare is None or not _LEAD_AGE_MIN <= int(bare.group(1)) <= 120:
            continue
        if household_size_of(before) == 1:
            return [(start, int(bare.group(1)), None, None)]
    return []


# "老伴大我三岁", "老头儿比我大三岁", "小我两岁": a difference of age, not an age.
_DIFFERENCE = re.compile(r"(?:[大小](?:我|俺)|比(?:我|俺)[大小])$")


def _ages_from_differences(
    text: str,
    ages: list[tuple[int, int, str | None, str | None]],
    differences: list[tuple[int, int, int]],
    mentions: list[Any],
) -> list[tuple[int, int, str | None, str | None]]:
    """The age a difference gives ("俺六十三，老头儿比俺大三岁" → 66) when no age of that
    person follows it in the next clause ("老倌子大我三岁 八十二" already says it)."""
    found: list[tuple[int, int, str | None, str | None]] = []
    for start, end, years in differences:
        following = text[end + 1 : clause_end(text, clause_end(text, end) + 1)]
        if any(at > end and at <= end + 1 + len(following) for at, *_rest in ages):
            continue
        mine = [age for at, age, relation, _w in ages if at < start and relation in (None, "self")]
        subject = [m for m in mentions if m.end <= start and m.relation != "self"]
        if not mine or not subject:
            continue
        found.append((start, mine[0] + years, subject[-1].relation, subject[-1].word))
    return found


_BORN = re.compile(r"(?<!\d)(19[2-9]\d|20[0-2]\d)\s*年?\s*(?:出生|生的|生|的人|的)")


def _birth_years(text: str) -> list[tuple[int, int]]:
    """ "1950年出生", "我是1955年的": the age this year (a born year is said for an age)."""
    from datetime import date

    found: list[tuple[int, int]] = []
    for match in _BORN.finditer(text):
        age = date.today().year - int(match.group(1))
        if 0 <= age <= 120:
            found.append((match.start(), age))
    return found


_SENTENCE = re.compile(r"[.!?;\n]")


def _restated_lists(
    text: str, ages: list[tuple[int, int, str | None, str | None]]
) -> list[tuple[int, int, str | None, str | None]]:
    """A later sentence listing the ages again ("…一个十岁一个七岁。…年龄是我67，孙子10岁
    和7岁") replaces those said before it: two or more ages there, covering all the earlier
    ones but at most one."""
    bounds = [0, *(m.end() for m in _SENTENCE.finditer(text)), len(text) + 1]
    for low, high in pairwise(bounds):
        here = [age for age in ages if low <= age[0] < high]
        before = [age for age in ages if age[0] < low]
        if len(here) < 2 or not before:
            continue
        values = [age[1] for age in here]
        covered = sum(1 for age in before if age[1] in values)
        if covered >= max(1, len(before) - 1):
            ages = [age for age in ages if age[0] >= low]
    return ages


def _named_again(
    kept: list[tuple[int, int, str | None, str | None]],
    before: list[tuple[int, int, str | None, str | None]],
    after: list[tuple[int, int, str | None, str | None]],
) -> bool:
    """After a correction, each age said with a person who was given one age before it
    (by the relation, one member only) is that person's age: it replaces theirs, in
    their place, and is not one more member. False (nothing changed) unless every age
    after the correction is such a person's."""
    pairs = []
    for age in after:
        same = [b for b in before if age[2] is not None and b[2] == age[2]]
        if len(same) != 1:
            return False
        pairs.append((same[0], age))
    for earlier, later in pairs:
        kept[kept.index(earlier)] = (earlier[0], later[1], earlier[2], earlier[3])
        kept.remove(later)
    return bool(pairs)


def _apply_corrections(
    text: str, ages: list[tuple[int, int, str | None, str | None]]
) -> list[tuple[int, str | None, str | None]]:
    markers = terms("text", "corrections")
    kept = _restated_lists(text, list(ages))
    for marker in markers:
        at = text.find(marker)
        while at >= 0:
            if not (marker == "不对" and text[max(0, at - 1) : at] == "对"):
                before = [age for age in kept if age[0] < at]
                after = [age for age in kept if age[0] > at]
                again = [age for age in after if age[1] in {b[1] for b in before}]
                if _named_again(kept, before, after):
                    pass  # "年龄不对 婆娘49 我爸80": those persons' ages, said again
                elif again and len(after) == 1:
                    kept.remove(again[0])  # "不对,不是我上学…我六十七了": 67 said again
                elif before and after:
                    kept.remove(before[-1])
            at = text.find(marker, at + len(marker))
    for value in {age[1] for age in kept}:
        # "不是65块,是65岁": the amount read before was this age — said once
        if re.search(rf"不是{value}(?:块|元)", text):
            same = [age for age in kept if age[1] == value]
            for age in same[:-1]:
                kept.remove(age)
    return [(value, relation, word) for _, value, relation, word in _once_each(kept)]


_ONE_PERSON = ("self", "spouse")  # relations that name one person only


def _once_each(
    ages: list[tuple[int, int, str | None, str | None]],
) -> list[tuple[int, int, str | None, str | None]]:
    """The same age of the one spouse (or of the writer) told again — an account and its
    correction ("阮60歲 伊63 … 是阮翁中風 伊63歲") — is that person once, not two."""
    seen: set[tuple[int, str]] = set()
    kept = []
    for age in ages:
        key = (age[1], str(age[2]))
        if age[2] in _ONE_PERSON and key in seen:
            continue
        seen.add(key)
        kept.append(age)
    return kept


# -- disability grade --------------------------------------------------------------
_GRADE = re.compile(r"([1-4一二三四])\s*级")


def grade_of(text: str, asked: bool = False) -> int | str | None:
    """A disability grade 1–4 ("二级", "肢体三级"); "unknown" for 不记得/证搞丢了;
    with the question asked, a bare "2" too."""
    said = {cn_int(match.group(1)) for match in _GRADE.finditer(text)}
    if asked and is_unknown(text) and (len(said) != 1 or _hedged(text)):
        return UNKNOWN  # "好像是二级还是三级，我记不清了"
    match = _GRADE.search(text)
    if match:
        return cn_int(match.group(1))
    if not asked:
        return None
    if is_unknown(text):
        return UNKNOWN
    bare = text.strip(PUNCT + PARTICLES)
    if bare in ("1", "2", "3", "4"):
        return int(bare)
    return None


def _hedged(text: str) -> bool:
    return any(word in text for word in ("好像", "好似", "可能", "大概", "应该", "还是", "或者"))


def grades_of(text: str) -> list[int]:
    """Every grade said, in order ("大的二级，小的三级" → [2, 3]), a correction applied."""
    found: list[int] = []
    for part in segments(text):
        said = [cn_int(match.group(1)) for match in _GRADE.finditer(part)]
        grades = [grade for grade in said if grade is not None]
        if grades:
            found = grades if len(segments(text)) > 1 else found + grades
    return found


# -- vehicles ----------------------------------------------------------------------
_COUNT_BEFORE = re.compile(
    rf"(\d+|[{CN_DIGITS}]{{1,2}})\s*(?:辆|台|部|个)(?:旧|新|老|破|二手)?(?:的)?$"
)
_COUNT_AFTER = re.compile(rf"^(\d+|[{CN_DIGITS}]{{1,2}})\s*(?:辆|台|部|个)")


def _count_at(text: str, start: int, end: int) -> int:
    before = _COUNT_BEFORE.search(text[max(0, start - 6) : start])
    after = _COUNT_AFTER.match(text[end : end + 4])
    for match in (before, after):
        if match:
            value = cn_int(match.group(1))
            if value:
                return min(value, 20)
    return 1


def vehicles_of(text: str, asked: bool = False) -> int | None:
    """Motor vehicles (domain.md): each un-negated motor vehicle counts; electric bikes,
    bicycles and a disabled member's mobility vehicle do not. "没有摩托车也没有汽车"
    → 0. The bare word 车 counts only when the question was asked."""
    motor = terms("counts", "vehicles", "motor")
    not_motor = terms("counts", "vehicles", "not_motor")
    ignore = ("车祸", "车间", "车费", "车票", "坐车", "打车", "车站", "班车", "公交车", "火车",
              "救护车", "撞车", "车撞", "开车", "汽车路", "跑车")  # fmt: skip
    hits = find_all(text, (*motor, *not_motor, *ignore))
    sold = {word for start, end, word in hits if word in motor and _gone(text, end)}
    stated = [
        value
        for start, end, word in hits
        if word in ("车", "车子")
        and not is_negated(text, start, end)
        and (value := _stated_count(text, start))
    ]
    if stated:
        return stated[0]  # "两台车…那个货车一台还有一台摩托车": the total, then its parts
    total = 0
    said = False
    for start, end, word in hits:
        if word in ignore:
            continue
        if word in not_motor:
            said = True
            continue
        if re.search(r"什么,?$", text[max(0, start - 3) : start]):
            said = True  # "什么车都没有", "轮椅算什么车": none, or asked back: none
            continue
        if total and word in _CLASS_WORDS and not _vehicle_said(text, start, end):
            continue  # "有一台摩托,机动车就这个": the one just named
        if _form_item(text, end):
            continue  # "机车那边要改": the form's line named, not one more vehicle
        if word in ("车", "车子") and not asked and not _vehicle_said(text, start, end):
            continue  # a bare 车 is the household's only counted, negated or sold
        if not asked and _in_accident(text, start, end):
            continue  # "骑摩托车被小车撞了": the accident, not a vehicle owned
        said = True
        if is_negated(text, start, end) or _gone(text, end) or word in sold:
            continue  # "开货车…货车也早卖了": the one sold
        if _someone_elses(text, start, end):
            continue  # "我开的货车是老板的"
        if re.search(
            r"(?:原来|以前|之前|过去|原先)\w{0,4}$", text[clause_start(text, start) : start]
        ):
            continue  # "原来开货车的": a vehicle once driven
        if total and re.search(
            r"[这那](?:辆|台|部)?(?:\w{0,3})?$", text[max(0, start - 4) : start]
        ):
            continue  # "这车", "这辆面包车": the one said before
        total += _count_at(text, start, end)
    if said:
        return total
    if asked and _bare_no(text):
        return 0
    if asked and _HOUSE_UNIT.search(text):
        return None  # "1套": 套 counts houses, not vehicles — the question is asked again
    return _bare_count(text) if asked else None


_HOUSE_UNIT = re.compile(r"(?:\d+|[一二两三四五])\s*(?:套|栋|幢|间|处)")


_CLASS_WORDS = ("机动车", "车子", "车")  # the kind, not one more vehicle


def _stated_count(text: str, start: int) -> int | None:
    """ "两台车", "3辆车": a count said of vehicles in general (not "一台车")."""
    match = _COUNT_BEFORE.search(text[max(0, start - 6) : start])
    value = cn_int(match.group(1)) if match else None
    return value if value is not None and 2 <= value <= 20 else None


def _vehicle_said(text: str, start: int, end: int) -> bool:
    """ "没有车", "有台旧车", "车子卖了": a bare 车 that is about owning one."""
    if is_negated(text, start, end) or _gone(text, end):
        return True
    return bool(
        re.search(r"(?:台|辆|部)(?:旧|新|老|破|二手)?(?:的)?$", text[max(0, start - 4) : start])
    )


def _form_item(text: str, end: int) -> bool:
    """ "机车那边要改", "车那一项不对": the vehicle named as a line of the form (``form_item``)."""
    tail = text[end : end + 4]
    return any(tail.startswith(word) for word in terms("counts", "vehicles", "form_item"))


def _in_accident(text: str, start: int, end: int) -> bool:
    """Whether the vehicle is named in the clause of an accident ("被小车撞了")."""
    clause = text[clause_start(text, start) : clause_end(text, end)]
    return any(word in clause for word in terms("counts", "vehicles", "accident"))


def _gone(text: str, end: int) -> bool:
    """ "车子卖了", "摩托报废了": no longer the household's."""
    tail = text[end : end + 12]
    tail = re.sub(
        r"^(?:[,]?\d+月份|[,]?上个月|[,]?去年|[,]?前年)?(?:也|早就|早|已经|都|就|被|给)*",
        "",
        tail.lstrip(","),
    )
    gone = terms("counts", "vehicles", "gone")
    if any(tail.startswith(word) or tail[1:].startswith(word) for word in gone):
        return True
    # "面包车出事以后已经报废了": said later in its clause, after 已经/早就/后来.
    clause = text[end : clause_end(text, end)][:14]
    return any(re.search(r"(?:已经|早就|早已|后来)(?:被|给)?" + re.escape(w), clause) for w in gone)


def _bare_count(text: str) -> int | None:
    """An answer that is only a number ("1", "两个"), for a count question."""
    bare = text.strip(PUNCT + PARTICLES)
    bare = re.sub(r"(?:个|辆|台|套|栋)$", "", bare)
    value = cn_int(bare) if bare else None
    return value if value is not None and 0 <= value <= 20 else None


def _bare_no(text: str) -> bool:
    body = text.strip(PUNCT + PARTICLES)
    return body in (
        "没有",
        "没",
        "无",
        "没有没有",
        "都没有",
        "一个都没有",
        "啥都没有",
        "什么都没有",
    )


# -- houses ------------------------------------------------------------------------
_HOUSE_COUNT = re.compile(rf"(\d+|[{CN_DIGITS}]{{1,2}})\s*(套|栋|处|间|座|幢|个)")


# A count said of the home village ("广西老家有一间", "老家还有一座"): a house owned there.
_HOME_PLACE = re.compile(r"老家(?:还|也|倒)?(?:有|是)$")


# What may stand before "一间" that answers the houses question ("得一间", 粵: only one).
_HOUSE_LEAD = re.compile(r"(?:就|只有|只|得|就是|有|都是)?")


def houses_of(text: str, asked: bool = False) -> int | None:
    """Dwellings owned. Counts said ("两套", "1栋土砖屋", "住房一套") decide: the largest
    when one is above 1 ("两套，还有一套是老家的" is two), else how many were said;
    a house mentioned without a count is one (when asked); a negated house
    ("没有房子", "名下没有房产") or only a rented one ("都是租的") is 0."""
    owned = terms("counts", "houses", "owned")
    not_owned = terms("counts", "houses", "not_owned")
    counts: list[int] = []
    for match in _HOUSE_COUNT.finditer(text):
        unit = match.group(2)
        tail = text[match.end() : match.end() + 6]
        head = text[max(0, match.start() - 5) : match.start()]
        is_house = unit in ("套", "栋", "幢", "座", "处") and (
            asked
            or any(word in tail or word in head for word in owned)
            or (unit in ("套", "栋", "幢") and _ends_clause(text, match.end()))
        )
        if unit in ("个", "间") and any(tail.startswith(word) for word in owned):
            is_house = True
        if _HOME_PLACE.search(head) and (unit not in ("个", "间") or cn_int(match.group(1)) == 1):
            is_house = True  # "这边是租的 老家有一间": the house back home (两间 may be rooms)
        if (
            unit == "间"
            and _HOUSE_LEAD.fullmatch(text[clause_start(text, match.start()) : match.start()])
            and (match.start() == 0 or asked)
            and _ends_clause(text, match.end())
            and (asked or cn_int(match.group(1)) == 1)  # "两间" unasked may be two rooms
        ):
            # "两间。一间是老家的…": the answer, then its parts; "一间 烧咗" at the vehicles
            # question: the house (the vehicles are asked again)
            is_house = True
        if not is_house or _short_negated(text, match.start()):
            continue
        if _rented(text, match.start(), match.end()):
            if not asked and "不算" in text[match.end() : clause_end(text, match.end())]:
                return None  # "没车一套房租的不算" run together: rented, or one more? asked
            continue
        value = cn_int(match.group(1))
        if value is not None and 0 <= value <= 20:
            if re.search(r"算(?:是)?$", head):
                return value  # "就那一处房子，塌了半边，还是算一套吧": the conclusion
            counts.append(value)
    none = [at for at, _end, _w in find_all(text, terms("counts", "houses", "none_owned"))]
    if none and not (counts and max(counts) > 0 and all(_ones_own(text, at) for at in none)):
        return 0  # "我名下没有": nothing in the household's name, whoever's house it lives in
    if counts:
        if max(counts) == 0:
            return 0  # "零套"
        if not asked and max(counts) == 1 and _rent_apart(text, owned, not_owned):
            return None  # "没车 一套房 租的不算": that one rented, or one more? asked
        return max(counts) if max(counts) > 1 else len([count for count in counts if count])
    hits = find_all(text, (*owned, *not_owned))
    negated = rented = mentioned = owned_one = False
    for start, end, word in hits:
        if word in not_owned:
            if _land_rented(text, end):
                continue  # "租的地种", "租别人的田种": farmland rented, no home
            # "租房住", "住的是租的": renting, when asked or said of a home ("田租" is land)
            rented = rented or asked or any(w in text for w in owned) or word != "租"
            continue
        if is_negated(text, start, end):
            negated = True
        elif _someone_elses(text, start, end):
            negated = True  # "住的是我大伯的房子", "房子是儿子的": not the household's
        elif negated and "住" in text[clause_start(text, start) : start]:
            continue  # "房子没有，住村里的安置房": where they live, none owned
        elif not _rented(text, start, end):
            mentioned = True
            # "存款莫得 有个老房子", "就一间老屋": one owned, told without the question
            owned_one = owned_one or _HAS_ONE.search(text[max(0, start - 6) : start]) is not None
            # "厝是自己的", "屋系自家嘅": the home is said to be their own
            owned_one = owned_one or _OWN_AFTER.match(text[end : end + 8]) is not None
            # "住的是自己的老房子", "住自己家的房子": the home they live in is their own
            owned_one = (
                owned_one or _OWN_BEFORE.search(text[max(0, start - 12) : start]) is not None
            )
    if mentioned and (asked or (owned_one and not negated and not rented)):
        return 1
    if negated or rented:
        return 0
    if asked and _bare_no(text):
        return 0
    return _bare_count(text) if asked else None


# "有个", "有一间", "就一套", "有栋自己的旧": a house said to be had, one of it.
_HAS_ONE = re.compile(
    r"(?:有|就|只有|就是)(?:一|1)?(?:个|间|栋|套|座|处|幢)?(?:自己的)?(?:旧|老|破)?的?$"
)


# "住的是自己的老房子", "住自己家的房子", "住着俺自家的旧屋": the home lived in is their own.
_OWN_BEFORE = re.compile(
    r"住(?:的是|的|着|在|嘅系|系)?(?:我们|我家|咱家|俺家|阮|俺|我|咱)?(?:自己|自家)(?:家)?(?:盖|建|起|买|修)?"
    r"(?:的|嘅|个|滴)?(?:一套|一间|一栋)?(?:旧|老|破)?的?$"
)


# "厝是自己的", "房子是俺自家的", "屋系自己嘅": a home said to be the household's own.
_OWN_AFTER = re.compile(
    r"^(?:是|系|也是|还是|倒是)(?:我们|我家|咱家|俺家|阮|俺|我|咱)?(?:自己|自家)(?:的|嘅|个|滴)"
)


def _land_rented(text: str, end: int) -> bool:
    """A rent word followed by farmland ("租的地种", "租别人的田"): land, not a home."""
    after = re.sub(r"^(?:了|的|别人|人家|别个)*(?:的)?", "", text[end : end + 8])
    return after.startswith(terms("counts", "houses", "land"))


def _ones_own(text: str, at: int) -> bool:
    """ "房子是岳母的名字，就一套，我名下没有": one person's name holds none, and the
    house is said to be in another member's name ("住着一栋老屋，我名下没有" owns none)."""
    if text[max(0, at - 1) : at] not in ("我", "他", "她"):
        return False
    return re.search(r"(?<![我他她])的名字|(?<![我他她])名下有", text) is not None


_OWNER_AFTER = re.compile(r"^(?:是|归|属于)(?P<owner>[^,.;!?:~]{1,5}?)(?:的|地)")
_OWNER_BEFORE = re.compile(r"(?P<owner>[^,.;!?:~的]{1,5})的$")


def _someone_elses(text: str, start: int, end: int) -> bool:
    """ "货车是老板的", "我大伯的房子", "房子是儿子的": the thing belongs to someone
    else (a relative or an owner word of ``counts.yml``), not the household."""
    owners = terms("counts", "others_owners")
    after = _OWNER_AFTER.match(text[end : clause_end(text, end)])
    before = _OWNER_BEFORE.search(text[clause_start(text, start) : start])
    for match in (after, before):
        if match is None:
            continue
        owner = match.group("owner")
        if owner in ("我", "我们", "我家", "我们家", "自己", "咱家"):
            continue
        if any(word in owner for word in owners):
            return True
        people = find_mentions(owner)
        # "我婆娘她哥的屋": the owner is the last person of the chain; the couple's own
        # ("先生名下的") is the household's.
        if people and people[-1].relation not in ("self", "spouse"):
            return True
    return False


def _rent_apart(text: str, owned: tuple[str, ...], not_owned: tuple[str, ...]) -> bool:
    """A clause of its own says something rented ("租的不算") beside a house counted in
    another: whether the one counted is that rented one is not said."""
    for start, end in clause_spans(text):
        clause = text[start:end]
        rent = any(w in clause for w in not_owned)
        if rent and not any(w in clause for w in owned) and not _HOUSE_COUNT.search(clause):
            return True
    return False


def _rented(text: str, position: int, end: int | None = None) -> bool:
    """A rent word stands right by the house, in its clause ("租的房子", "房子是租的")."""
    end = position + 1 if end is None else end
    low = max(clause_start(text, position), position - 4)
    high = min(clause_end(text, end), end + 4)
    return any(word in text[low:high] for word in terms("counts", "houses", "not_owned"))
