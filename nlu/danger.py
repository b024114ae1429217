"""Danger to life in a message: the reply gives 120/110/119/12356 first.

Read at every turn, in any flow and at any step, before the message is taken as an
answer (``bot.engine``). The word lists are ``nlu/data/lexicon/danger.yml``; this
module only combines them. On the normalised text (简体, spaces dropped, dialect
variants replaced, everyday exaggerations such as "累死了" blanked out) a phrase or
pattern of a kind counts unless a denial stands right before it, it is told as the
past ("去年摔断过腿"), or a safe phrase says it is over ("医生说没事"). A "vulnerable
person alone" needs both a living-alone word and a not-seen word (or a word such as
"走失"); a child left alone needs a child (an age under 14), a word that nobody looks
after him and one that he has nothing to eat or is afraid; a weak despairing phrase ("撑不下去了") counts alone only in a message that
asks for nothing else.

A few phrases name a condition that is often told as a hardship after the fact
(``doubtful``: "腿摔断了", "心梗"): found with nothing more pressing, in a message that
tells its aftercare or asks for a service ("现在做不得事了", "住院", "写上去", "申请") or
as the answer to a form's question, the danger is not ``sure``: the reply asks once
whether it is happening now. Collapse, not breathing, bleeding, despair, fire, violence
and someone alone not seen are never doubtful.

Next to the lists, a character n-gram model (``nlu.danger_model``) trained on the
development corpora finds what the lists do not name yet; its likeliest kind is added
when it finds danger likely (docs/nlu.md, "Danger to life").

Measured by ``benchmarks/danger_bench.py`` on ``nlu/data/danger/corpus.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml
from nlu.danger_model import DangerModel, shipped_model
from nlu.normalize import normalize

DANGER_FILE = Path(__file__).parent / "data" / "lexicon" / "danger.yml"
_DENIAL_REACH = 3  # characters before a phrase where a denial word still applies
_PAST_AFTER_REACH = 4  # characters after a phrase where "过一次", "走的" still apply
DESPAIR = "suicide"
_YEAR = re.compile(r"(19|20)\d\d年|\d+年前")  # "2019年因车祸致残", "10年前"


@dataclass(frozen=True)
class Danger:
    """What was found: the kinds (collapse, suicide …) and the numbers to give, in order."""

    kinds: tuple[str, ...]
    lines: tuple[str, ...]
    sure: bool = True  # False: only a doubtful phrase — ask whether it is happening now

    @property
    def despair(self) -> bool:
        return DESPAIR in self.kinds


@dataclass(frozen=True)
class _Kind:
    lines: tuple[str, ...]
    words: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    weak: tuple[str, ...]
    alone: tuple[str, ...]
    anyway: tuple[str, ...]  # found without an ``alone`` word ("走失")
    who: tuple[re.Pattern[str], ...]  # the kind counts only with one of these ("9岁")
    model_needs: tuple[str, ...]  # the model finds this kind only with one of these


@dataclass(frozen=True)
class _Lists:
    kinds: dict[str, _Kind]
    denials: tuple[str, ...]
    safe: tuple[str, ...]
    safe_wishes: tuple[str, ...]  # before a safe phrase: a wish ("快送医院了"), not a fact
    ignore: tuple[re.Pattern[str], ...]
    past_before: tuple[str, ...]
    past_after: tuple[str, ...]
    now: tuple[str, ...]
    past_reach: int
    requests: tuple[str, ...]
    model_bar: float
    model_short: int
    variants: tuple[tuple[str, str], ...]
    doubtful: tuple[str, ...]
    aftercare: tuple[str, ...]
    retractions: tuple[str, ...]
    hedges: tuple[str, ...]
    not_now_after: tuple[re.Pattern[str], ...]  # after a doubtful illness: someone else's


def _words(spec: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(_plain(str(w)) for w in spec.get(key, ()))


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    data = load_yaml(DANGER_FILE)
    kinds = {
        kind: _Kind(
            lines=tuple(str(line) for line in spec["lines"]),
            words=_words(spec, "words"),
            patterns=tuple(re.compile(p) for p in spec.get("patterns", ())),
            weak=_words(spec, "weak"),
            alone=_words(spec, "alone"),
            anyway=_words(spec, "anyway"),
            who=tuple(re.compile(p) for p in spec.get("who", ())),
            model_needs=_words(spec, "model_needs"),
        )
        for kind, spec in data["kinds"].items()
    }
    variants = sorted(data.get("variants", {}).items(), key=lambda kv: len(kv[0]), reverse=True)
    return _Lists(
        kinds=kinds,
        denials=tuple(sorted(data["denials"], key=len, reverse=True)),
        safe=_words(data, "safe"),
        safe_wishes=_words(data, "safe_wishes"),
        ignore=tuple(re.compile(p) for p in data.get("ignore", ())),
        past_before=_words(data, "past_before"),
        past_after=_words(data, "past_after"),
        now=_words(data, "now"),
        past_reach=int(data.get("past_reach", 8)),
        requests=_words(data, "requests"),
        model_bar=float(data.get("model_bar", 1.0)),
        model_short=int(data.get("model_short", 0)),
        variants=tuple((str(k), str(v)) for k, v in variants),
        doubtful=_words(data, "doubtful"),
        aftercare=_words(data, "aftercare"),
        retractions=_words(data, "retractions"),
        hedges=_words(data, "hedges"),
        not_now_after=tuple(re.compile(p) for p in data.get("not_now_after", ())),
    )


def _plain(text: str) -> str:
    """The text as the NLU normalises it (so "一个人住" in the list matches "1个人住")."""
    return normalize(text).text.replace(" ", "")


def prepare(text: str) -> str:
    """The text as the detector reads it (also what the n-gram model is trained on)."""
    return _prepare(text, _lists()) if text else ""


def _prepare(text: str, lists: _Lists) -> str:
    plain = _plain(text)
    for variant, standard in lists.variants:
        plain = plain.replace(variant, standard)
    for pattern in lists.ignore:
        # blanked, not removed: what stands around keeps its distance
        plain = pattern.sub(lambda m: "_" * len(m.group(0)), plain)
    return plain


def _denied(text: str, start: int, lists: _Lists) -> bool:
    before = text[max(0, start - _DENIAL_REACH - 2) : start]
    return any(before.endswith(d) or before[-_DENIAL_REACH:].find(d) >= 0 for d in lists.denials)


def _past(text: str, start: int, end: int, lists: _Lists) -> bool:
    """Told as something that happened before ("去年摔断过腿", "溺水走的")."""
    after = text[end : end + _PAST_AFTER_REACH]
    if any(after.startswith(w) for w in lists.past_after):
        return True
    if after.startswith("过") and not after.startswith(("过去", "过来")):
        return True
    before = text[max(0, start - lists.past_reach) : start]
    if _YEAR.search(before):
        return True
    for word in lists.past_before:
        at = before.rfind(word)
        if at >= 0 and not any(now in before[at + len(word) :] for now in lists.now):
            return True
    return False


def _spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for word in words:
        start = text.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = text.find(word, start + 1)
    return spans


def _counts(text: str, spans: list[tuple[int, int]], lists: _Lists) -> bool:
    """One of the spans is said now and not denied."""
    return any(
        not _denied(text, start, lists) and not _past(text, start, end, lists)
        for start, end in spans
    )


def _counts_any(text: str, words: tuple[str, ...], lists: _Lists) -> bool:
    """One of the phrases stands in the text without a denial before it."""
    return any(not _denied(text, start, lists) for start, _ in _spans(text, words))


def _is_safe(text: str, lists: _Lists) -> bool:
    """A safe phrase stands in the text, neither denied nor wished for ("快送医院了")."""
    return any(
        not _denied(text, start, lists)
        and not any(w in text[max(0, start - _DENIAL_REACH) : start] for w in lists.safe_wishes)
        for start, _ in _spans(text, lists.safe)
    )


_SURE, _DOUBTFUL = 2, 1


def _within(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


def _not_now(
    text: str, span: tuple[int, int], doubtful: list[tuple[int, int]], lists: _Lists
) -> bool:
    """The span lies in a doubtful illness that a ``not_now_after`` phrase follows."""
    return any(
        start <= span[0] and span[1] <= end and any(p.match(text, end) for p in lists.not_now_after)
        for start, end in doubtful
    )


def _found(text: str, kind: _Kind, lists: _Lists) -> int:
    """0 (not found), ``_DOUBTFUL`` (only within doubtful phrases) or ``_SURE``."""
    spans = _spans(text, kind.words)
    for pattern in kind.patterns:
        spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    doubtful = _spans(text, lists.doubtful)
    # an illness said to be a dead person's or another's ("脑溢血是老伴的"): not now
    counted = [
        span
        for span in spans
        if _counts(text, [span], lists) and not _not_now(text, span, doubtful, lists)
    ]
    if counted:
        return _DOUBTFUL if all(_within(span, doubtful) for span in counted) else _SURE
    weak = [span for span in _spans(text, kind.weak) if _counts(text, [span], lists)]
    if not weak:
        return 0
    asks = any(word in text for word in lists.requests)
    return _SURE if not asks or len({text[s:e] for s, e in weak}) >= 2 else 0


def _rule_kinds(plain: str, lists: _Lists) -> dict[str, int]:
    """The kinds the lists find, each ``_SURE`` or ``_DOUBTFUL``."""
    kinds: dict[str, int] = {}
    for name, kind in lists.kinds.items():
        if kind.anyway and _counts(plain, _spans(plain, kind.anyway), lists):
            kinds[name] = _SURE
            continue
        found = _found(plain, kind, lists)
        if not found:
            continue
        if kind.alone and not any(w in plain for w in kind.alone):
            continue
        if kind.who and not any(p.search(plain) for p in kind.who):
            continue
        kinds[name] = found
    return kinds


def _bar(plain: str, threshold: float, lists: _Lists) -> float:
    """The model's threshold, higher in a short message (a form's answer: "不想了", "累了")
    and in one that asks for a service or tells the past: there the n-grams of danger are
    most often about something else."""
    if len(plain.replace("_", "")) < lists.model_short or any(w in plain for w in lists.requests):
        return max(threshold, lists.model_bar)
    for word in lists.past_before:
        at = plain.find(word)
        if at >= 0 and not any(now in plain[at + len(word) :] for now in lists.now):
            return max(threshold, lists.model_bar)
    return threshold


def find_danger(text: str, *, answering: bool = False) -> Danger | None:
    """The danger a message may mean, or None: what the word lists find, and what the
    n-gram model finds likely (P(danger) ≥ its threshold) — its likeliest kind is added.
    ``answering``: the message answers a form's question (a doubtful phrase there is
    asked about rather than alarmed)."""
    if len(text) > CACHED_CHARS:
        return detect(text, shipped_model(), answering=answering)
    return _find_danger(text, answering)


# Every turn reads its message here, and short messages repeat ("你好", "谢谢", "1", a
# common question): the answer of this pure function (the shipped lists and model, the
# exact text) is kept per text; a ``Danger`` is immutable, so callers share it.
CACHED_CHARS = 200


@lru_cache(maxsize=4096)
def _find_danger(text: str, answering: bool) -> Danger | None:
    return detect(text, shipped_model(), answering=answering)


def detect(text: str, model: DangerModel | None, *, answering: bool = False) -> Danger | None:
    """``find_danger`` with another model, or the word lists alone (``None``)."""
    lists = _lists()
    plain = _prepare(text, lists) if text else ""
    if not plain.strip("_"):
        return None
    found = _rule_kinds(plain, lists)
    kinds = list(found)
    if model is not None:
        likely, kind = model.danger(plain)
        needs = lists.kinds[kind].model_needs
        if (
            likely >= _bar(plain, model.threshold, lists)
            and kind not in kinds
            and (not needs or any(word in plain for word in needs))
        ):
            kinds.append(kind)
    if not kinds:
        return None
    if DESPAIR not in kinds and _is_safe(plain, lists):
        return None
    lines: list[str] = []
    for name in kinds:
        for line in lists.kinds[name].lines:
            if line not in lines:
                lines.append(line)
    return Danger(tuple(kinds), tuple(lines), sure=_sure(plain, found, answering, lists))


def _sure(plain: str, found: dict[str, int], answering: bool, lists: _Lists) -> bool:
    """False when the lists found only doubtful phrases and the message tells aftercare,
    asks for a service or answers a form (the model's kind does not make it sure: it
    reads the same n-grams)."""
    if not found or any(level == _SURE for level in found.values()):
        return True
    told_after = any(word in plain for word in (*lists.aftercare, *lists.requests))
    return not (told_after or answering)


def said_now(text: str) -> bool:
    """Whether a phrase of danger in the message is told as now: a word of the ``now``
    list in it or shortly before it ("今天早上在田埂上摔了 现在躺在屋里起不来"), not
    elsewhere ("前天厨房起火 … 现在暂住在她弟弟家" is the past)."""
    lists = _lists()
    plain = _prepare(text, lists) if text else ""
    spans: list[tuple[int, int]] = []
    for kind in lists.kinds.values():
        spans += _spans(plain, kind.words)
        for pattern in kind.patterns:
            spans += [(m.start(), m.end()) for m in pattern.finditer(plain)]
    return any(
        any(word in plain[max(0, start - lists.past_reach) : end] for word in lists.now)
        for start, end in spans
        if _counts(plain, [(start, end)], lists)
    )


def says_mistake(text: str) -> bool:
    """Whether the message says the alarm was a mistake ("不是紧急的 搞错了", "我没出事
    我是说电话"), not a worry that it might be one ("我怕搞错了", "万一…")."""
    lists = _lists()
    plain = _prepare(text, lists) if text else ""
    for start, _ in _spans(plain, lists.retractions):
        before = plain[max(0, start - _DENIAL_REACH) : start]
        if not any(hedge in before for hedge in lists.hedges) and not any(
            hedge in plain[:start] for hedge in lists.hedges if len(hedge) > 1
        ):
            return True
    return False


def despair_again() -> Danger:
    """Words of despair read in the light of what the chat said before ("那我等不到了"
    after "想喝农药"): the despair kind with its lines (``flows.urgent.despairing``)."""
    return Danger((DESPAIR,), _lists().kinds[DESPAIR].lines)
