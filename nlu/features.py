"""Features of a message for the intent classifier: word and character n-grams.

Words come from the private jieba tokenizer; digits are reduced to their shape (every
digit → "0"), dialect words also give their standard form, and each entity kind found
adds a marker feature (``e:program``), fuzzy-pinyin syllable pairs tolerate homophone
typos, so "432…" and "138…" teach "inform" as a kind.

Two more kinds:
- keywords typed as homophones or near sounds ("深情" for 申请, "前到" for 签到) also
  give the keyword's word feature (``nlu/data/lexicon/keywords.yml``);
- what a negation rules out ("我不是要申请，我是想问…", "暂时不办", "我没说他有工作")
  gives ``n:`` word features instead of ``w:`` ones and no character n-grams, so the
  request the person did not make does not count for its intent.
"""

from __future__ import annotations

import re
from itertools import pairwise

from nlu.lexicon import Lexicon
from nlu.pinyin import char_key
from nlu.tokenizer import DomainTokenizer
from nlu.types import Entity

_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _number_class(match: re.Match[str]) -> str:
    """A run of digits as one class letter (upper case: the text is lower-cased, so no
    word collides): N a quantity (count, age, amount, year: up to 4 digits), M a large
    amount (5-10), P a phone (11 from 1), I an ID (15-18), D any other long run. So an
    ID does not weigh 18 digits in the character n-grams, and 180 and 1800 are alike."""
    digits = match.group().split(".")[0]
    size = len(digits)
    if size <= 4:
        return "N"
    if size <= 10:
        return "M"
    if size == 11 and digits[0] == "1":
        return "P"
    return "I" if 15 <= size <= 18 else "D"


_SPACE = re.compile(r"\s+")
# A negation of a request or a statement, and where what it rules out ends.
_NEGATION = re.compile(
    r"(?:并|又|也|倒)?不是(?:要|想|来|说要?|讲)|暂时?(?:还)?不(?:要|想|打算)?"
    r"|先不|还不(?:想|打算|急)|不打算|不急着?|没(?:说|讲)(?:过|要)?|不需要|不用"
)
_SCOPE_END = re.compile(
    r"[,.!?;:~]|而是|只是|就是|我是|我就|就想|只想|是想|想问|问问|问下|问一下|就问|先问"
    r"|先了解|了解|啊|呀|嘛"
)
# Where the writer turns to what they do want ("我不是来投诉的我想申请", "不用评估了我现在就要
# 申请": voice input has no comma). Looked for from the second character of the scope
# on, so "我没说我要申请" still rules out 我要申请.
_PIVOT = re.compile(r"我想|我要|我现在|现在就|就要|我只")
_SCOPE_MAX = 12
_CLAUSE = re.compile(r"[,.!;:~]+")  # "?" ends a clause too, but is kept as a marker
# Shorter messages ("低保", "三口人", "在吗") get no question feature: the words say it,
# and a bare name must stay as open to being an answer as before.
ASKS_FROM = 6
NEGATED = "~"  # stands for a ruled-out character in the character n-grams


def _question_pattern(word: str) -> str:
    """A question word as a regex; "不$" only at the end of a clause."""
    if word.endswith("$") and len(word) > 1:
        return re.escape(word[:-1]) + r"(?=[,.!?;:~\s]|$)"
    return re.escape(word)


def _last_clause(text: str) -> str:
    clauses = [c for c in _CLAUSE.split(text.replace("?", "?,")) if c.strip()]
    return clauses[-1] if clauses else ""


def negated_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` a negation rules out (after the negation word)."""
    spans: list[tuple[int, int]] = []
    for match in _NEGATION.finditer(text):
        start = match.end()
        if spans and start < spans[-1][1]:
            continue
        stop = _SCOPE_END.search(text, start)
        end = min(stop.start() if stop else len(text), start + _SCOPE_MAX)
        pivot = _PIVOT.search(text, start + 2, end)
        if pivot:
            end = pivot.start()
        if end > start:
            spans.append((start, end))
    return spans


class FeatureMaker:
    def __init__(self, tokenizer: DomainTokenizer, lexicon: Lexicon) -> None:
        self._tokenizer = tokenizer
        self._dialect = dict(lexicon.dialect)
        # multi-character dialect words are also found inside longer tokens
        self._dialect_long = sorted((w for w in self._dialect if len(w) >= 2), key=len)
        self._confusable = dict(lexicon.confusable)
        self._keywords: dict[tuple[str, str], list[str]] = {}
        for word in lexicon.keywords:
            key = tuple(char_key(self._confusable.get(c, c)) for c in word)
            if len(key) == 2 and all(key):
                self._keywords.setdefault((key[0], key[1]), []).append(word)
        asking = [w for w in lexicon.questions if not w.startswith("!")]
        questions = sorted(asking, key=len, reverse=True)
        self._question = (
            re.compile("|".join(_question_pattern(w) for w in questions)) if questions else None
        )
        # phrases with a question word that ask nothing ("没什么收入", "屋里冇得钱")
        telling = sorted((w[1:] for w in lexicon.questions if w.startswith("!")), key=len)
        self._telling = (
            re.compile("|".join(_question_pattern(w) for w in reversed(telling)))
            if telling
            else None
        )

    def features(
        self, normalized_text: str, entities: list[Entity] | tuple[Entity, ...] = ()
    ) -> list[str]:
        text = _NUMBER.sub(_number_class, normalized_text.lower())
        spans = negated_spans(text)
        ruled_out = [False] * len(text)
        for start, end in spans:
            for index in range(start, end):
                ruled_out[index] = True
        words = self._tokenizer.cut(text)
        kept: list[str] = []
        out: list[str] = []
        position = 0
        for word in words:
            at = text.find(word, position)
            at = position if at < 0 else at
            position = at + len(word)
            if any(ruled_out[at:position]):
                out.append(f"n:{word}")
                kept.append(NEGATED)
            else:
                out.append(f"w:{word}")
                kept.append(word)
        out += [
            f"b:{a}|{b}"
            for a, b in zip(["^", *kept], [*kept, "$"], strict=True)
            if NEGATED not in (a, b)
        ]
        for word in kept:
            standard = self._dialect.get(word)
            if standard:
                out.append(f"w:{standard}")
        visible = "".join(NEGATED if ruled_out[i] else c for i, c in enumerate(text))
        compact = _SPACE.sub("", visible)
        for word in self._dialect_long:
            if word in compact and word not in kept:
                out.append(f"w:{self._dialect[word]}")
        padded = f"^{compact}$"
        for size in (1, 2):
            out += [
                f"c:{gram}"
                for i in range(len(padded) - size + 1)
                if NEGATED not in (gram := padded[i : i + size])
            ]
        # Fuzzy-pinyin syllable pairs: homophone typos ("多写" for "多谢") meet the word.
        keys = [char_key(self._confusable.get(char, char)) for char in compact]
        out += [f"p:{a}|{b}" for a, b in pairwise(keys) if a and b]
        for index, pair in enumerate(pairwise(keys)):
            for word in self._keywords.get(pair, ()):
                if compact[index : index + 2] != word:
                    out.append(f"w:{word}")
        if len(compact) > ASKS_FROM:
            asks = self._asks(text)
            out.append(asks)
            if len(compact) >= 40:  # in a long account, whether it ends in a question decides
                out.append(f"{asks}|long")
        kinds = sorted({entity.entity for entity in entities})
        out += [f"e:{kind}" for kind in kinds]
        if spans:
            out.append("negated")
        if not compact:
            out.append("empty")
        elif len(compact) <= 3:
            out.append("len:short")
        elif len(compact) >= 40:
            out.append("len:long")
        return out

    def _asks(self, text: str) -> str:
        """Whether the message asks something, and where: "ask:last" (its last clause),
        "ask:earlier" (only before that) or "ask:none"."""
        if self._telling is not None:
            text = self._telling.sub(lambda m: NEGATED * len(m.group()), text)
        if self._question is None or not self._question.search(text):
            return "ask:none"
        return "ask:last" if self._question.search(_last_clause(text)) else "ask:earlier"
