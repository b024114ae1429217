"""Is a word negated where it stands? The rules every reader uses for 没有/不是/无.

A word is negated when, inside its own clause, a negator stands before it and no
word in between says "there is" again ("没有汽车就有个三轮车": 三轮车 is not
negated), or when a negator follows it and ends the clause ("低保都没有",
"残疾的没有"). Words that only look like negators (别的, 不过, 没错, 差不多) are
masked first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.finders._words import word_list
from nlu.finders.text import CLAUSE_END

SCOPE = 12  # how far back (characters) a negator reaches inside its clause
# After a word, a negator that ends the clause negates it: "残疾的没有", "低保都没有".
# "上学/失业都不涉及": the words listed with it share the negator; "上学的?没有没有": the
# question said back, then answered; "读书个呒没" (吴 个 is 的); "失业也谈不上".
_POST = re.compile(
    r"^(?:/[^,.;!?:~\n/]{1,5})*(?:的|了|呢|嘛|啊|个|这些|之类的?|什么的)?\??"
    r"(?:就是|也是|倒是|基本上|基本|几乎|早就|早已|已经|早|都|也|就|倒|还|是)*(?:那个)?"
    r"(?:(?:没有|没|无|不是|谈不上|算不上|说不上|不涉及|不沾边)(?:的|了|啊|呀|啦|喔|咯|哦|呢|吧|嘛|噻|哈|过)*)+"
    r"(?=$|[,.;!?:~\n])"
)


@lru_cache(maxsize=1)
def _negators() -> tuple[str, ...]:
    return word_list("text", "negators")


@lru_cache(maxsize=1)
def _masks() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, word_list("text", "not_negators"))))


@lru_cache(maxsize=1)
def _breaks() -> tuple[str, ...]:
    return word_list("text", "clause_breaks")


@lru_cache(maxsize=1)
def _affirmers() -> tuple[str, ...]:
    return word_list("text", "affirmers")


def masked(text: str) -> str:
    """``text`` with the false negators (别的, 不过, 没错 …) blanked out, same length."""
    return _masks().sub(lambda match: "_" * len(match.group()), text)


def negator_spans(text: str) -> list[tuple[int, int]]:
    """Where the real negators stand in ``text`` (longest first, never overlapping)."""
    plain = masked(text)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(plain):
        for negator in _negators():
            if plain.startswith(negator, index):
                spans.append((index, index + len(negator)))
                index += len(negator)
                break
        else:
            index += 1
    return spans


def _scope_start(text: str, position: int, stops: tuple[str, ...] = ()) -> int:
    """Where a negation that could reach ``position`` may start: its clause, cut at a
    contrast word (但是, 就是, 还有 …) or at one of ``stops`` (a reader's own scope
    ends, e.g. a new person named: "没有人生病儿子在读高中"), at most ``SCOPE`` back."""
    start = max(0, position - SCOPE)
    for index in range(position - 1, start - 1, -1):
        if text[index] in CLAUSE_END:
            start = index + 1
            break
    window = text[start:position]
    cut = start
    for word in (*_breaks(), *stops):
        at = window.rfind(word)
        if at >= 0 and not window[:at].endswith(("无", "没有", "没", "并无")):
            cut = max(cut, start + at + len(word))  # "无其他重病": 其他 is the negation's
    return cut


# A clause that is nothing but a negator ("无", "没有", "不是"): typed slowly, one word at
# a time ("汽车 无", "不是 农村"), it negates the one-word clause next to it.
_LONE_NEGATOR = re.compile(
    r"^(?:没有人|没人|没有谁|没谁|没有|没|无|不是|不)(?:了|的|啊|呀|咯|哦|呢|吧|嘛)*$"
)
_SHORT_CLAUSE = 4  # "农村", "房", "汽车": the clause a lone negator reaches


def _clause_around(text: str, position: int) -> tuple[int, int]:
    start = position
    while start > 0 and text[start - 1] not in CLAUSE_END:
        start -= 1
    end = position
    while end < len(text) and text[end] not in CLAUSE_END:
        end += 1
    return start, end


def lone_negator_next(text: str, start: int, end: int) -> bool:
    """ "无,房" / "汽车,无" / "不是,农村": the word is its clause's whole (or nearly), and
    the clause just before or just after it is only a negator."""
    low, high = _clause_around(text, start)
    if high - low > _SHORT_CLAUSE or high < end:
        return False
    before = low
    while before > 0 and text[before - 1] in CLAUSE_END:
        before -= 1
    if 0 < before < low and text[low - 1] in ",.?!;":
        prev_low, prev_high = _clause_around(text, before - 1)
        lone = _LONE_NEGATOR.match(text[prev_low:prev_high])
        # "不是,城里" may answer "no: the town"; "不是,农村,城里" takes 农村 back.
        if lone and (not lone.group().startswith("不") or high < len(text.rstrip(CLAUSE_END))):
            return True
    after = high
    while after < len(text) and text[after] in CLAUSE_END:
        after += 1
    if high < after < len(text) and text[high] in ",.?!;":
        next_low, next_high = _clause_around(text, after)
        if _LONE_NEGATOR.match(text[next_low:next_high]) and not _negates_next(text, next_high):
            return True
    return False


_LONE_ANSWER = re.compile(r"^(?:有|没有|没|无|是|不是|冇)(?:了|的|啊|呀|咯|哦|呢|吧|嘛)*$")


def _negates_next(text: str, negator_end: int) -> bool:
    """ "读书,没有,残疾": a lone negator between two short clauses goes with the one after
    it, unless that one has its own answer after it ("汽车,无,房子,有")."""
    low = negator_end
    while low < len(text) and text[low] in CLAUSE_END:
        low += 1
    if low == negator_end or low >= len(text) or text[negator_end:low] != ",":
        return False  # "汽车,无.电动车": the sentence ends with the negator
    _low, high = _clause_around(text, low)
    if high - low > _SHORT_CLAUSE:
        return False
    after = high
    while after < len(text) and text[after] in CLAUSE_END:
        after += 1
    if after < len(text) and after > high:
        next_low, next_high = _clause_around(text, after)
        if _LONE_ANSWER.match(text[next_low:next_high]):
            return False
    return True


def negated_before(text: str, position: int, stops: tuple[str, ...] = ()) -> bool:
    """A negator stands before ``position`` in its scope, not undone by "有"/"是"."""
    start = _scope_start(text, position, stops)
    spans = [span for span in negator_spans(text[:position]) if span[0] >= start]
    if not spans:
        return False
    last_end = spans[-1][1]
    between = masked(text[last_end:position])
    # "不是没有" — two negators in a row say yes; "没有…还有…" says yes again.
    if len(spans) >= 2 and spans[-2][1] == spans[-1][0]:
        return False
    return not any(word in between for word in _affirmers())


def negated_after(text: str, end: int) -> bool:
    """A negator right after the word ends its clause ("低保都没有", "残疾的冇得")."""
    return _POST.match(text[end:]) is not None


def is_negated(text: str, start: int, end: int, stops: tuple[str, ...] = ()) -> bool:
    """Is the word at ``text[start:end]`` negated (before or after, or by a lone negator
    clause next to its own short clause)?"""
    return (
        negated_before(text, start, stops)
        or negated_after(text, end)
        or lone_negator_next(text, start, end)
    )


def has_negator(text: str) -> bool:
    return bool(negator_spans(text))


_DENIAL_TAIL = re.compile(
    r"^(?:有|的|了|啊|呀|咯|哦|呢|嘛|噻|哈|都好好的|都挺好|都没有)*(?:$|[,.;!?:~\n]|就是|只是|但是|不过)"
)  # "都没有都没有就是穷": a contrast starts what comes next
_DENIAL_LEAD = re.compile(
    r"^(?:没有|没|不|无|家里|家中|该户|户主|我们家|我家|我们|他们|她们|大家|其他人|别人|家里人|家人|全家人|全家|那个|嗯|啊|其实|就|也|现在|目前)*$"
)


def says_none_at_all(text: str) -> bool:
    """ "都没有", "别的都没有", "都好好的": nothing of what was asked about — said for
    itself, as a clause of its own ("一分钱都没有" denies money, not illness, and
    "都没有工作" says everyone is out of work)."""
    for word in word_list("text", "global_denial"):
        at = text.find(word)
        while at >= 0:
            lead = text[_clause_from(text, at) : at]
            tail = text[at + len(word) :]
            if _DENIAL_LEAD.match(lead) and _DENIAL_TAIL.match(tail):
                return True
            at = text.find(word, at + 1)
    return False


def _clause_from(text: str, position: int) -> int:
    while position > 0 and text[position - 1] not in CLAUSE_END:
        position -= 1
    return position
