"""Residence (城镇/农村), supporters able to support, and a sudden event. Words in
``situation.yml``."""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.finders._words import words
from nlu.finders.choice import choice_of, choices_from, mentions
from nlu.finders.members import find_mentions
from nlu.finders.negation import has_negator, is_negated
from nlu.finders.text import find_all, is_unknown, strip_fillers, terms
from nlu.finders.values import UNKNOWN, Choice

EVENT_ORDER = ("fire", "disaster", "accident", "other", "sudden_illness")


@lru_cache(maxsize=1)
def residence_choices() -> tuple[Choice, ...]:
    return choices_from(words("situation")["residence"])


@lru_cache(maxsize=1)
def event_choices() -> tuple[Choice, ...]:
    return choices_from(words("situation")["events"])


def residence_of(text: str, asked: bool = False) -> str | None:
    """ "urban" or "rural": the one named outside a negation ("不是农村的，住在城区");
    when asked, negating one of the two chooses the other ("街上的 不是乡里")."""
    text = _without_work(text)
    if asked:
        value = choice_of(text, residence_choices())[0]
        return value if value is not None else _strongest_residence(text)
    named, _ = mentions(text, residence_choices())
    return next(iter(named)) if len(named) == 1 else None


# Clauses, and a contrast inside one ("在城里跑车但是屋里是在农村": said without commas).
_CLAUSE_OR_CONTRAST = re.compile(r"([,.;!?:~]|但是|可是|不过)")


def _without_work(text: str) -> str:
    """The text with each clause about work blanked ("在镇里当护渔员", "在城里打工"):
    where someone works is not where the household lives."""
    parts = _CLAUSE_OR_CONTRAST.split(text)
    not_cues = words("situation")["residence_not_cues"]
    strong = [cue for level in words("situation")["residence_cues"] for cue in level]
    return "".join(
        "_" * len(part)
        if (any(cue in part for cue in not_cues) and not any(cue in part for cue in strong))
        or _of_relatives(part)
        else part
        for part in parts
    )


def _of_relatives(part: str) -> bool:
    """ "我婆家公公婆婆在农村": where relatives outside the household live."""
    data = words("situation")
    return any(w in part for w in data["residence_others"]) and not any(
        w in part for w in data["residence_ours"]
    )


def _strongest_residence(text: str) -> str | None:
    """Both named: the one whose clause has the strongest cue (户口 > 家 > 住 > none >
    a clause about work)."""
    cue_levels = words("situation")["residence_cues"]
    best: dict[str, int] = {}
    for clause in _CLAUSE_OR_CONTRAST.split(text):
        named, _ = mentions(clause, residence_choices())
        if len(named) != 1:
            continue
        level = next(
            (
                len(cue_levels) - i
                for i, cues in enumerate(cue_levels)
                if any(c in clause for c in cues)
            ),
            0,
        )
        if any(word in clause for word in words("situation")["residence_not_cues"]):
            level = -1  # "在城里打工": where someone works, not where the household lives
        value = next(iter(named))
        best[value] = max(best.get(value, -9), level)
    if len(best) == 2 and len(set(best.values())) == 2:
        return max(best, key=lambda value: best[value])
    return None


def supporters_of(text: str, asked: bool = False) -> bool | str | None:
    """Is someone outside the household able to support (domain.md ``supporters_able``)?

    Rules: the last cue decides — able (条件还可以, 有钱, 能帮衬; a negated one counts as
    unable) or unable (顾不上, 养不活, 自己也困难, 不在了, 无赡养能力); "has means but
    does not help" is still able. With no cue, an answer starting with 没有/无 is no, and
    with 有 is yes (only when asked); "不知道" is unknown.
    """
    # 养老金 is an income, not 养老 of the parents by a child: it says nothing of supporters
    text = _NONE_TYPED_APART.sub(r"\1\2", text)  # "没得 儿女" typed word by word
    context = re.sub("养老金|养老保险|养老钱", "", text)
    if not asked and not any(word in context for word in terms("situation", "supporter_context")):
        away = _relative_away(context)
        if away is None:
            return None
        text = _said_of_relative(text, away)
    able = terms("situation", "supporters", "able")
    unable = terms("situation", "supporters", "unable")
    last: tuple[int, bool] | None = None
    for start, end, word in find_all(text, (*able, *unable)):
        value = word in able and not is_negated(text, start, end)
        if last is None or start >= last[0]:
            last = (start, value)
    if last is not None:
        return last[1]
    said = _MEANS_SAID.search(text)  # "儿子 有。 能力 有。": typed one word at a time
    if said:
        return not said.group(1)
    if any(
        not is_negated(text, start, end)
        for start, end, _ in find_all(text, terms("situation", "supporters", "estranged"))
    ):
        return UNKNOWN  # "儿子在深圳 好几年不回来 电话也不接": whether he could is not said
    if asked and is_unknown(text):
        return UNKNOWN
    body = strip_fillers(text).strip(",.;!?:~ ")
    if body.startswith(("没有", "没", "无", "不")):
        return False
    if not asked:
        return None
    if body.startswith("有") and not has_negator(body):
        return True  # "有" with nothing said against it ("有个儿子，不管我" says nothing of means)
    return None


def _relative_away(text: str) -> int | None:
    """Where a relative said to live away starts ("有个儿子在长沙开店", "女儿嫁在岳阳"):
    a relative word, then (a separator at most between) an away word not followed by a
    home word ("儿子在家种地" is of the household), or None."""
    away = terms("situation", "relative_away")
    home = terms("situation", "relative_home")
    for start, end, _word in find_all(text, terms("situation", "supporters", "relatives")):
        rest = text[end:].lstrip(", ")
        said = next((word for word in away if rest.startswith(word)), None)
        if said is not None and not rest[len(said) :].startswith(home):
            return start
    return None


def _said_of_relative(text: str, start: int) -> str:
    """What is said of the relative away: from them to the end of the sentence, or to a
    clause that starts with another person ("儿子在深圳打工,我生病了", "…,孙女上学")."""
    said = text[start:]
    ends = [at for mark in ".;!?" if (at := said.find(mark)) >= 0]
    ends += [found.start() for found in _SELF_CLAUSE.finditer(said)][:1]
    for mention in find_mentions(said):
        follows = mention.start > 0 and said[mention.start - 1] == ","
        if follows and not said.startswith(_OF_THEM, mention.start):
            ends.append(mention.start - 1)  # another person's clause
            break
    return said[: min(ends)] if ends else said


_OF_THEM = ("他", "她", "自己")  # "她自己家里也难": still the relative
_SELF_CLAUSE = re.compile(r",(?=(?:我|我们)(?!女儿|儿子|哥|姐|弟|妹))")
_EVENT_DENIED = re.compile(r"(?:变故|大事|意外)(?:倒是|倒|是|都|也|就|呢|嘛)*(?:没有|没|无)")
_NONE_TYPED_APART = re.compile(r"(没有|无|冇)[,\s]+(儿女|子女|儿子|女儿|亲人|亲属)")
_MEANS_SAID = re.compile(
    r"(?<![没无不])(?:赡养能力|能力|条件)[,.]*(?:是|也|都)?(?:(没有|没|无)|有)(?=$|[,.;!?:~])"
)
_LEAD_TIME = re.compile(r"^(?:暂时|目前|现在|最近|暂|还|也|都)+")


def relatives_gone(said: str, supporters: object) -> bool:
    """A death told with no one left to help, not said to be recent ("公婆都過世了，沒有
    人能幫我們", probeL 10): an answer about supporters, not a sudden event."""
    recent = any(word in said for word in terms("situation", "recent_times"))
    return supporters is False and not recent


def event_of(text: str, asked: bool = False) -> str | None:
    """The sudden event of the last 3 months (domain.md ``hardship_event``).

    Rules: events named outside a negation; when several, the cause before its
    consequence (车祸 before 住院: fire, disaster, accident, other, sudden_illness);
    a "none" phrase or, when asked, a bare "没有" or only negated events → "none".
    """
    recent = any(word in text for word in terms("situation", "recent_times"))
    # Outside the question, a weak word is an event only when said to be recent
    # ("上个月老伴病故", "两个月前摔了一跤"): the event asked about is of 3 months.
    weak = () if asked or recent else terms("situation", "weak_events")
    if text.strip(",.!?~ ") != "其他":
        weak = (*weak, "其他")  # "其他就没什么收入了": the button's title, not an event
    older = _older_masked(text)
    named, negated = mentions(older, event_choices(), ignore=weak)
    events = [event for event in EVENT_ORDER if event in named]
    if events:
        return events[0]
    if older != text and any(word in text for word in terms("situation", "not_recent")):
        return "none"  # "火是前年烧的 不是这三个月": what happened is older than the 3 months
    if "none" in named:
        return "none"
    if asked and _EVENT_DENIED.search(text):
        return "none"  # "变故倒是没有就是…", "大事没有"
    if asked:
        # what is left once an older event is taken out ("…那是半年前了,最近没有")
        left = re.sub(r"_+[,.;!?:~\n]*", "", older) if older != text else text
        body = _LEAD_TIME.sub("", strip_fillers(left).strip(",.;!?:~ 的了吧啊"))
        body = body.strip(",.;!?:~ ")  # "最近,没有": the time typed apart
        if (
            negated
            or body in ("没有", "没", "无", "都没有", "没有没有")
            or body.startswith(("没有", "没"))
        ):
            return "none"
    return None


# Words that date what was just said ("涨水淹了菜园,那是半年前了").
# Years since, said of what was told before it ("儿子,走了,2年了") or in its clause
# ("老伴走了好几年了"): an older time, not the last 3 months.
_YEARS = r"(?:\d+|[一二两三四五六七八九十]+|好几|几|十几|多)年(?:多)?了"
_YEARS_AGO = re.compile(rf"(?:都|已经|有|快)?{_YEARS}")
_YEARS_SINCE = re.compile(_YEARS)
_BACK = ("那是", "那都是", "那还是", "那也是", "那会", "那次", "那个时候", "那时候")  # fmt: skip


def _older_masked(text: str) -> str:
    """``text`` with each clause about an older time (去年, 前年 …) blanked out."""
    old = terms("situation", "old_times")
    events = tuple(word for choice in event_choices() for word in choice.words)
    parts = re.split(r"([,.;!?:~\n])", text)
    recent = terms("situation", "recent_times")
    happened = tuple(
        word for choice in event_choices() if choice.value != "none" for word in choice.words
    )
    masked: list[str] = []
    sentence = 0  # where the sentence of the clause begins, in ``masked``
    carried = False  # an older time was said: the clauses after it go on about that time
    for part in parts:
        if part and part in ".;!?\n":
            sentence = len(masked) + 1
            carried = False
        years_ago = _YEARS_AGO.fullmatch(part) is not None
        if carried and any(word in part for word in recent):
            carried = False
        elif carried and any(word in part for word in happened):
            # "前年屋里失过火,烧了半边屋": the fire of 前年 told on, no newer time said
            masked.append("_" * len(part))
            continue
        if years_ago or any(word in part for word in old) or _YEARS_SINCE.search(part):
            carried = True
            back = years_ago or any(word in part for word in _BACK)
            if back and not any(w in part for w in events):
                # "涨水淹了菜园,那是半年前了": the time said after the event it dates
                masked[sentence:] = [
                    "_" * len(p) if p not in ",:~" else p for p in masked[sentence:]
                ]
            part = "_" * len(part)
        masked.append(part)
    return "".join(masked)
