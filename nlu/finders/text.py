"""An answer made ready for the readers: normalised once, cut into clauses and segments.

``prepare`` runs ``nlu.normalize.normalize`` (繁→简, full-width, Chinese numerals as
digits) after two steps of its own, then maps dialect words to the standard ones:

- a run of spaces becomes a comma: people who type slowly separate clauses with a
  space ("么得残疾的 也冇得病人"), and normalize would otherwise glue the clauses;
- "、" becomes "/", so an enumeration stays one clause ("无重病、残疾、在校生").

A 身份证号 or phone number typed in groups ("430902 19560315 002X", "186-0737-5521",
"一五八 七三七一 二二四六") is masked in ``text`` (``_identifiers``): its digits are no
money, age or count. So is a case number ("JZ20261204-0008", "20261204-8") and a number
written with leading zeros ("0008那个"): "改收入" next to one read 8元 (probeM H1). The
identity finders read ``simple``, where it stays.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from nlu.finders._words import word_list, words
from nlu.normalize import normalize, simplify

CLAUSE_END = ",.;!?:~\n"
_CLAUSE_SPLIT = re.compile(r"[,.;!?:~\n]+")
_SPACES = re.compile(r"\s+")
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_CN_RUN = re.compile(f"[{CN_DIGITS}]+")
_CN_SINGLE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


@dataclass(frozen=True)
class Prepared:
    original: str
    simple: str  # 简体, half-width, numerals as typed (names, digit strings)
    text: str  # normalised + dialect mapped: what the rules read

    def clauses(self) -> list[tuple[int, int]]:
        return clause_spans(self.text)


def _dialect(text: str) -> str:
    table: dict[str, str] = words("text")["dialect"]
    pattern = _dialect_pattern()
    text = pattern.sub(lambda match: table[match.group()], text)
    for rule, replacement in _dialect_rules():
        text = rule.sub(replacement, text)
    return text


def dialect_read(text: str) -> str:
    """``text`` with dialect words read as 普通话 (``text.yml``: 冇 → 没, 屋企 → 家里)."""
    return _dialect(text)


@lru_cache(maxsize=1)
def _dialect_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(str(rule)), str(replacement))
        for rule, replacement in words("text").get("dialect_patterns", ())
    )


@lru_cache(maxsize=1)
def _dialect_pattern() -> re.Pattern[str]:
    keys = word_list("text", "dialect")
    return re.compile("|".join(map(re.escape, keys)))


# One space inside a number typed slowly ("七十 六", "一千 二", "三 级"): no clause break.
_SPLIT_NUMBER = re.compile(
    "(?<=[十百千万]) (?=[一二三四五六七八九](?![十百千万套间辆台个口亩栋处部张人年次位名只头户]))"
    "|(?<=[一二两三四五六七八九十]) (?=[级岁])"
)


# The letter O (or o) inside a run of digits ("2O91", "12OO23"), typed for 0.
_LETTER_O = re.compile(
    r"(?<=\d)[Oo]+(?=[\s\-]?\d)|(?<=\d[\s\-])[Oo]+(?=\d)|(?<=\d{3})[Oo]+(?![A-Za-z0-9])"
)


def letter_o_as_zero(text: str) -> str:
    """ "158 7376 2O91" → "158 7376 2091": the letter O typed among digits is a zero."""
    return _LETTER_O.sub(lambda found: "0" * len(found.group()), text)


@lru_cache(maxsize=2048)
def prepare(text: str) -> Prepared:
    """The answer as the readers see it (cached: every reader of one message shares it)."""
    text = letter_o_as_zero(text)  # "158 7376 2O91": the letter O typed for a zero
    raw = _SPLIT_NUMBER.sub("", joined_if_typed_slowly(text.strip()))
    raw = _SPACES.sub(",", raw).replace("、", "/").replace("～", "~")
    raw = raw.replace("唯一", "唯独")  # "唯一一台" is one, not 11
    raw = _spoken_amounts(simplify(raw)).replace("廿", "二十").replace("卅", "三十")
    if "老大" in raw:  # children by birth order: "老二十歲" is 老二 ten, not 老 twenty
        raw = _BIRTH_ORDER_AGE.sub(r"\1,", raw)
    normalised = _identifiers(normalize(raw).text.lower())
    return Prepared(text, simplify(text).strip(), _dialect(normalised))


_BIRTH_ORDER_AGE = re.compile(r"(老[二三四五六])(?=[一二三四五六七八九十])")


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def joined_slowly_typed(text: str) -> str:
    """One space between two words typed slowly, one a single character and neither longer
    than two ("查我工资吗 嗯 同意吧" stays apart), is no clause break: "不 同 意" → "不同意", "查 就 查  我 屋里 冇得 钱" → "查就查  我屋里 冇得钱"
    (two spaces still are)."""
    tokens = text.split(" ")
    out = tokens[0]
    for before, token in itertools.pairwise(tokens):
        short = 1 in (len(before), len(token)) and max(len(before), len(token)) <= 2
        if short and before and token and _cjk(before[-1]) and _cjk(token[0]):
            out += token
        else:
            out += " " + token
    return out


def joined_if_typed_slowly(text: str) -> str:
    """A message typed word by word, a space after nearly every word and two between
    its clauses ("俺 就 一个 人  木有 病", "就 俺 一 个"): each clause's words joined, so
    it reads as one clause; other messages as they are."""
    tokens = [token for token in text.split(" ") if token]
    short = sum(1 for token in tokens if len(token) <= 2)
    if len(tokens) < 3 or short * 4 < len(tokens) * 3:
        return text
    single = sum(1 for token in tokens if len(token) == 1)
    if "  " not in text and (short < len(tokens) or single * 2 < len(tokens)):
        return text  # one clause: only letter by letter ("就 俺 一 个", not "四个 我 而子 媳妇")
    if sum(1 for token in tokens if not any(map(_cjk, token))) * 2 > len(tokens):
        return text  # mostly digits, letters: an identifier or a list ("2 3 4 都是我")
    return "  ".join(_joined_words(part) for part in re.split(r" {2,}", text.strip()))


_NUMERAL = re.compile(r"^(?:\d+|[一二三四五六七八九十])$")


def _joined_words(clause: str) -> str:
    """One clause's words joined, but for a space next to a number standing alone ("3
    孙子 读 初一": option 3, not three grandchildren; "选 一 三": options 1 and 3)."""
    tokens = clause.split(" ")
    out = tokens[0]
    for before, token in itertools.pairwise(tokens):
        keep = (before.isascii() and before.isdigit()) or (token.isascii() and token.isdigit())
        keep = keep or bool(_NUMERAL.match(before) and _NUMERAL.match(token))
        out += (" " if keep else "") + token
    return out


MASK = "#"  # what stands for an identifier's characters in ``Prepared.text``
_SPOKEN_DIGITS = "零〇一二三四五六七八九幺"
# Groups of digits (or of 3+ digits said one by one) joined by separators: a candidate
# identifier, kept when its digits make one (``_is_identifier``).
_GROUPS = re.compile(
    rf"(?<![\d{_SPOKEN_DIGITS}])(?:\+?86[-,]?)?"
    rf"(?:\d+|[{_SPOKEN_DIGITS}]{{3,}})(?:[-,—](?:\d+x?|[{_SPOKEN_DIGITS}]{{3,}}))*x?"
    rf"(?![\d{_SPOKEN_DIGITS}])"
)


def _is_identifier(groups: list[str]) -> bool:
    """A mobile number (11 digits from 13–19), a landline (0 + 9–11 digits) or a 身份证号
    (15 digits, or 17 and a check digit or x), typed whole or in ``groups``. Round groups
    ("1300 1500 200") are amounts said one after the other."""
    digits = "".join(groups)
    if len(groups) > 1 and all(group.endswith("0") for group in groups):
        return False
    if re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}", digits):
        return True
    return bool(re.fullmatch(r"[1-9]\d{14}|[1-9]\d{16}[\dx]", digits))


# A case number: JZ, the 8-digit date and its serial ("jz20261204-0008", "jz,20261204,8"),
# or the date and serial without the letters ("20261204-0008").
_CASE_NUMBER = re.compile(
    r"jz[,\s-]*\d{8}(?:[,\s\-—]*\d{1,6})?(?!\d)|(?<![\d.])20\d{6}[-—]\d{1,6}(?!\d)"
)
# "0008": a number typed with leading zeros is a serial, never an amount, age or count.
_LEADING_ZEROS = re.compile(r"(?<![\d.])0{2,}\d+(?![\d.])|(?<![\d.])0\d{2,}(?![\d.])")


def _identifiers(text: str) -> str:
    """``text`` with every identifier's characters (separators included) masked."""
    text = _CASE_NUMBER.sub(lambda found: MASK * len(found.group()), text)
    table = str.maketrans(_SPOKEN_DIGITS, "00123456789" + "1")

    def mask(match: re.Match[str]) -> str:
        run = match.group()
        groups = [re.sub(r"[^\dx]", "", g) for g in re.split("[-,—]", run.translate(table))]
        groups = [group for group in groups if group]
        if run.startswith(("+86", "86")) and len("".join(groups)) == 13:
            groups = [groups[0][2:], *groups[1:]] if len(groups[0]) > 2 else groups[1:]
        return MASK * len(run) if _is_identifier([g for g in groups if g]) else run

    text = _GROUPS.sub(mask, text)
    return _LEADING_ZEROS.sub(lambda found: MASK * len(found.group()), text)


_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_UNIT_VALUE = {"千": 1000, "万": 10000}
# "千五" (1500), "万五" (15000): a unit without its 一, then one numeral.
_BARE_UNIT = re.compile(
    r"(?<![零〇一二两三四五六七八九十百千万\d])([千万])([一二三四五六七八九])(?![十百千万\d])"
)
# "一千五六" (1550): a number, then two neighbouring numerals of the next unit down.
_UNIT_PAIR = re.compile(
    r"([一二两三四五六七八九])([千万])([一二三四五六七八])([二三四五六七八九])(?:百|千)?(?![十百千万\d])"
)
# "百几块" (100, rule more), "千几", "万几": the unit without its 一.
_BARE_HUNDRED = re.compile(r"(?<![零〇一二两三四五六七八九十百千万\d])([百千万])(几|多)")


# "一百四十几" (140, rule more): normalize keeps it, as "十几" alone is the teens.
_TENS_SOME = re.compile(r"(?:[一二两三四五六七八九][万千百])*[一二两三四五六七八九]十(?=几)")

_FORMAL_THREE = re.compile(r"[參参](?=[仟佰拾萬万])")


@lru_cache(maxsize=1)
def _spoken_pairs() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(str(rule)), str(replacement))
        for rule, replacement in words("text").get("spoken_pairs", ())
    )


def spoken_pairs(text: str) -> str:
    """ "俩仨百" → "两三百": the 北方 pair words as the pair of numerals (``text.yml``)."""
    for rule, replacement in _spoken_pairs():
        text = rule.sub(replacement, text)
    return text


def _spoken_amounts(text: str) -> str:
    """Amounts said the short way, as the numbers meant (normalize does not read them)."""

    def pair(match: re.Match[str]) -> str:
        head, unit = _CN_VALUE[match.group(1)], _UNIT_VALUE[match.group(2)]
        low, high = _CN_VALUE[match.group(3)], _CN_VALUE[match.group(4)]
        if high != low + 1:
            return match.group()
        return str(round(head * unit + (low + 0.5) * unit / 10))

    text = _FORMAL_THREE.sub("叁", text)  # 參仟 is 叁仟 (参 also means "take part")
    text = spoken_pairs(text)  # "俩仨百" is 两三百
    text = _UNIT_PAIR.sub(pair, text)
    text = _BARE_UNIT.sub(
        lambda m: m.group() if m.group() == "万一" else "一" + m.group(1) + m.group(2), text
    )  # 万一 is "in case", not 11000
    text = _TENS_SOME.sub(lambda m: str(cn2an.cn2an(m.group().replace("两", "二"), "normal")), text)
    return _BARE_HUNDRED.sub(lambda m: "一" + m.group(1) + m.group(2), text)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: the text between punctuation marks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_SPLIT.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def clause_start(text: str, position: int) -> int:
    """Where the clause holding ``position`` starts."""
    index = position
    while index > 0 and text[index - 1] not in CLAUSE_END:
        index -= 1
    return index


def clause_end(text: str, position: int) -> int:
    index = position
    while index < len(text) and text[index] not in CLAUSE_END:
        index += 1
    return index


def find_all(text: str, terms: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Every occurrence of the terms, longest first, never two overlapping."""
    taken = [False] * len(text)
    found: list[tuple[int, int, str]] = []
    for term in sorted(terms, key=len, reverse=True):
        if not term:
            continue
        start = text.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                found.append((start, end, term))
                for index in range(start, end):
                    taken[index] = True
            start = text.find(term, start + 1)
    found.sort()
    return found


def contains_any(text: str, terms: tuple[str, ...] | list[str]) -> bool:
    return any(term and term in text for term in terms)


def cn_int(run: str) -> int | None:
    """A Chinese numeral that normalize left as typed ("一", "二子", "十几" → None)."""
    if run.isdigit():
        return int(run)
    if len(run) == 1 and run in _CN_SINGLE:
        return _CN_SINGLE[run]
    try:
        value = cn2an.cn2an(run.replace("两", "二"), "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


NUMBER = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+)"


def number_value(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        value = cn_int(token)
        return None if value is None else float(value)


def is_unknown(text: str) -> bool:
    """The answer says "I don't know" (不清楚, 记不得, 晓不得 …), also typed slowly with
    a space between its words ("冇 算 过": 没,算,过)."""
    unknown = word_list("text", "unknown")
    return contains_any(text, unknown) or contains_any(text.replace(",", ""), unknown)


def strip_fillers(text: str) -> str:
    for filler in word_list("text", "fillers"):
        text = text.replace(filler, "")
    return text


# Between two messages of one account (flows.story): the later one's figures replace the
# earlier ones of the same role (nlu.finders.money.money_of), probeL 1.
MESSAGE_BREAK = "§"


def segments(text: str) -> list[str]:
    """The answer cut at each correction ("四个人吧不对是三个人" → two segments).

    A fact read from a later segment replaces the same fact from an earlier one: the
    resident corrected it. "对不对" (a question) is not a correction.
    """
    markers = word_list("text", "corrections")
    pattern = re.compile("|".join(map(re.escape, markers)))
    parts: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if (
            match.group() == "不对"
            and text[max(0, match.start() - 1) : match.start()] == "对"
            and text[max(0, match.start() - 2) : match.start()]
            != "不对"  # "不对不对" says no twice
        ):
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part.strip(CLAUSE_END + " /")]


@lru_cache(maxsize=256)
def terms(name: str, *path: str) -> tuple[str, ...]:
    """A word list of ``<name>.yml`` (``path`` leads to it), each word put through the
    same normalisation as the answers ("一分钱都没有" → "1分钱都没有"), longest first."""
    node = words(name)
    for key in path:
        node = node[key]
    seen = dict.fromkeys(_prepare_word(str(item)) for item in node)
    return tuple(sorted((word for word in seen if word), key=len, reverse=True))


def _prepare_word(word: str) -> str:
    return _dialect(normalize(word).text.lower())
