"""Text normalisation that keeps a map back to what the user typed.

Steps, in order: drop zero-width and control characters; full-width → half-width;
unify punctuation; 繁体 → 简体 (OpenCC t2s); collapse whitespace (and drop spaces
between two Chinese characters, "低 保" → "低保"); Chinese numerals that are
quantities → Arabic digits ("三口人" → "3口人", "一千五" → "1500"). Every character
of the result knows the span of the original text it came from, so entities found in
the normalised text can be reported with offsets into the original.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import cn2an
import opencc

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"}
# Chinese and other punctuation → one ASCII form, so features and regexes see one kind.
_PUNCT = str.maketrans(
    {
        "，": ",", "、": ",", "。": ".", "！": "!", "？": "?", "；": ";", "：": ":",
        "（": "(", "）": ")", "【": "[", "】": "]", "「": '"', "」": '"', "『": '"',
        "』": '"', "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">",
        "—": "-", "–": "-", "－": "-", "～": "~", "…": ".", "·": ".", "｡": ".",
        "､": ",", "〜": "~", "￥": "¥",
    }
)  # fmt: skip

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_MULTIPLIERS = set("十百千万亿拾佰仟")
_NUMERAL_RUN = re.compile(f"[{_CN_DIGITS}]+(?:点[{_CN_DIGITS}]+)?")
# A numeral followed by one of these is a quantity ("三口人", "七十岁", "一千块").
_QUANTITY_AFTER = (
    "口", "人", "个", "位", "岁", "周岁", "元", "块", "圆", "毛", "年", "月", "天", "级",
    "次", "间", "亩", "套", "辆", "号", "多", "来", "把", "级", "孩", "娃", "儿", "女",
    "代", "样", "张", "份", "本", "名", "星期", "周", "小时", "分", "斤",
)  # fmt: skip
# Words where a numeral is not a quantity.
_NOT_QUANTITY = (
    "万一", "统一", "唯一", "一起", "一直", "一下", "一些", "一点", "一般", "一样", "一定",
    "一切", "一边", "一旦", "一向", "一致", "一律", "一再", "一共", "一同", "一生", "一路",
    "一时", "一心", "一面", "一概", "不一", "第一", "一块儿", "一块去", "一块走", "五保",
    "十分", "万分", "千万", "三番", "一把手", "一把年纪", "一个劲", "一辈子", "一会",
    "一家", "一人", "十几", "几十", "一天到晚", "三天两头", "一年到头", "一月一",
    "一老", "一手", "一口气", "一个样", "一码", "一次性", "一级一级",
)  # fmt: skip


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    starts: tuple[int, ...]  # for each character of ``text``: start offset in ``original``
    ends: tuple[int, ...]  # … and end offset (exclusive)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original it came from."""
        if not self.text or start >= end:
            return (0, 0)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return self.starts[start], self.ends[end - 1]


_converter: opencc.OpenCC | None = None
_converter_lock = threading.Lock()


def _t2s() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _width_and_punct(char: str) -> str:
    code = ord(char)
    if code == 0x3000:
        return " "
    if 0xFF01 <= code <= 0xFF5E:
        char = chr(code - 0xFEE0)
    return char.translate(_PUNCT)


def _is_dropped(char: str) -> bool:
    if char in _ZERO_WIDTH:
        return True
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def normalize(text: str) -> Normalized:
    """Normalise ``text``; the result keeps the offsets of every character."""
    chars: list[str] = []
    starts: list[int] = []
    for index, char in enumerate(text):
        if _is_dropped(char):
            continue
        chars.append(_width_and_punct(char))
        starts.append(index)
    # 繁 → 简: OpenCC t2s keeps the length for almost all input; fall back per character.
    joined = "".join(chars)
    simplified = _t2s().convert(joined)
    if len(simplified) == len(joined):
        chars = list(simplified)
    else:
        chars = [_t2s().convert(char) or char for char in chars]
        chars = [char if len(char) == 1 else char[0] for char in chars]
    ends = [start + 1 for start in starts]
    chars, starts, ends = _collapse_space(chars, starts, ends)
    chars, starts, ends = _numerals(chars, starts, ends)
    return Normalized(text, "".join(chars), tuple(starts), tuple(ends))


_NUMERAL_CHARS = frozenset("零〇一二三四五六七八九十百千万两")
_DIGIT_CHARS = frozenset("零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾")


def _collapse_space(
    chars: list[str], starts: list[int], ends: list[int]
) -> tuple[list[str], list[int], list[int]]:
    out_c: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    following_of: list[str] = [""] * len(chars)  # the next non-space character
    following = ""
    for index in range(len(chars) - 1, -1, -1):
        following_of[index] = following
        if not chars[index].isspace():
            following = chars[index]
    for index, char in enumerate(chars):
        if char.isspace():
            if not out_c or out_c[-1] == " ":
                continue
            following = following_of[index]
            if not following:
                continue
            if out_c[-1] in _NUMERAL_CHARS and following in _NUMERAL_CHARS:
                char = ","  # "七十二 六十八" are two numbers, not one
            elif _is_cjk(out_c[-1]) and _is_cjk(following):
                continue
            else:
                char = " "
        out_c.append(char)
        out_s.append(starts[index])
        out_e.append(ends[index])
    return out_c, out_s, out_e


_NOT_QUANTITY_RE = re.compile(
    "|".join(sorted(map(re.escape, _NOT_QUANTITY), key=len, reverse=True))
)


def _is_quantity(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    window_start = max(0, start - 4)
    for match in _NOT_QUANTITY_RE.finditer(text, window_start, end + 4):
        if start < match.start() and match.end() <= end and run[0] in _DIGIT_CHARS:
            continue  # inside a longer numeral: "一万一千" holds 万一 but is 11000
        if match.start() < end and match.end() > start:
            return False
    after = text[end : end + 2]
    if any(after.startswith(word) for word in _QUANTITY_AFTER):
        return True
    if len(run) >= 2 and (any(char in _MULTIPLIERS for char in run) or "点" in run):
        return True
    # A bare run of several digits ("一三八…") or an answer that is only a number.
    if len(run) >= 2 and all(char in "零〇一二三四五六七八九" for char in run):
        return True
    return len(run) == len(text.strip(" ,.!?"))


def _numerals(
    chars: list[str], starts: list[int], ends: list[int]
) -> tuple[list[str], list[int], list[int]]:
    text = "".join(chars)
    if not any(char in _CN_DIGITS for char in text):
        return chars, starts, ends
    out_c: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    position = 0
    for match in _NUMERAL_RUN.finditer(text):
        start, end = match.span()
        digits = _convert(match.group(), text, start, end)
        if digits is None:
            continue
        for index in range(position, start):
            out_c.append(chars[index])
            out_s.append(starts[index])
            out_e.append(ends[index])
        for char in digits:
            out_c.append(char)
            out_s.append(starts[start])
            out_e.append(ends[end - 1])
        position = end
    for index in range(position, len(chars)):
        out_c.append(chars[index])
        out_s.append(starts[index])
        out_e.append(ends[index])
    return out_c, out_s, out_e


_DIGIT_VALUE = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# "三四千", "一两千", "两三万", "七八百": a range of two neighbouring digits and a unit.
_RANGE = re.compile("([一二两三四五六七八])([二两三四五六七八九])([十百千万])")


def _range_value(run: str) -> str | None:
    """The middle of a spoken range ("三四千" → 3500), or None."""
    match = _RANGE.fullmatch(run)
    if not match:
        return None
    low, high = _DIGIT_VALUE[match.group(1)], _DIGIT_VALUE[match.group(2)]
    if high != low + 1:
        return None
    return str(int((low + high) / 2 * _UNIT_VALUE[match.group(3)]))


def _convert(run: str, text: str, start: int, end: int) -> str | None:
    # Next to Arabic digits ("2万4一年") a converted run would merge with them.
    if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
        return None
    if not _is_quantity(text, start, end):
        return None
    middle = _range_value(run)
    if middle is not None:
        return middle
    if all(char in "零〇一二三四五六七八九" for char in run):
        if len(run) < 4:  # "三四个人" is a range, not 34; "二零二三", "一三八…" are digits
            return None if len(run) > 1 else str(_DIGIT_VALUE.get(run, 0))
        return "".join(str("零一二三四五六七八九".find(c) if c != "〇" else 0) for c in run)
    try:
        value = cn2an.cn2an(run, "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def simplify(text: str) -> str:
    """Full-width → half-width, one punctuation, 繁 → 简; numerals and spaces kept as typed.

    For readers that must see the characters themselves: a name such as "卫三百" or
    "王二" is not a quantity, and a phone read out digit by digit keeps its groups.

    Several readers simplify the same message in one turn; a short text's result is
    kept (a pure function of the text and the shipped conversion table).
    """
    if len(text) <= _KEPT_CHARS:
        return _simplify_kept(text)
    return _simplify(text)


_KEPT_CHARS = 200  # as the NLU's parses: a chat message, not an essay


@lru_cache(maxsize=4096)
def _simplify_kept(text: str) -> str:
    return _simplify(text)


def _simplify(text: str) -> str:
    chars = [_width_and_punct(char) for char in text if not _is_dropped(char)]
    joined = "".join(chars)
    simplified = _t2s().convert(joined)
    if len(simplified) == len(joined):
        return simplified
    return "".join((_t2s().convert(char) or char)[0] for char in chars)
