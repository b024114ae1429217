"""The interpreter the bot uses: normalise → entities → features → intent.

``load_interpreter(settings)`` loads the model in ``settings.nlu_model``
(``JIUZHU_NLU_MODEL``) or the shipped one in ``nlu/model``. When the best intent's
confidence is below the model's fallback threshold the intent is ``out_of_scope``
(the engine answers those with the fallback menu); the ranking keeps the
classifier's own scores, so callers can still see what came closest.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from base.settings import Settings
from nlu.classifier import IntentModel
from nlu.hardship import names_hardship
from nlu.pipeline import Analysis, Pipeline
from nlu.types import ParseResult

SHIPPED_MODEL = Path(__file__).parent / "model"
# A message that only names something ("五保户", "1500", an ID) is as likely an answer
# to a question (inform) as a request; this share of the probability goes to inform,
# so such a message never looks certain enough to break into a form as a digression.
BARE_INFORM_SHARE = 0.4
_FILLER = re.compile(
    r"[\s,.!?;:~\"'()<>\[\]，。！？；：、…]|就是|那个|这个|是|的|吧|呢|啊|呀|吗|嘛|咯|哦|哈|了"
)
FALLBACK_INTENT = "out_of_scope"
RANKING_SIZE = 10


CACHED_CHARS = 200  # parses of messages up to this long are kept per text (below)
_IMMUTABLE = (str, int, float, bool, type(None))


class NluInterpreter:
    """Thread-safe: parsing reads shared tables and the model only.

    Every turn parses its message and short messages repeat ("你好", "谢谢", "1", a
    common question), so the parse of a short text (a pure function of the text, this
    model and this pipeline) is kept per text, when nothing in it can be changed by a
    caller (a ``ParseResult`` is frozen; entities with list or dict values are not kept).
    """

    def __init__(self, model: IntentModel, pipeline: Pipeline) -> None:
        self.model = model
        self.pipeline = pipeline
        self._kept = lru_cache(maxsize=4096)(self._parse_kept)

    def parse(self, text: str) -> ParseResult:
        if len(text) > CACHED_CHARS:
            return self._parse(text)
        result = self._kept(text)
        return result if result is not None else self._parse(text)

    def _parse_kept(self, text: str) -> ParseResult | None:
        """The parse, or None when it holds a value a caller could change (not kept)."""
        result = self._parse(text)
        if all(_frozen(entity.value) for entity in result.entities):
            return result
        return None

    def _parse(self, text: str) -> ParseResult:
        analysis = self.pipeline.analyse(text)
        entities = tuple(analysis.entities)
        normalized = analysis.normalized.text
        if not normalized.strip():
            return ParseResult(
                text, FALLBACK_INTENT, 1.0, entities, ((FALLBACK_INTENT, 1.0),), normalized
            )
        probabilities = self.model.probabilities(analysis.features)
        if entities and "inform" in self.model.intents and _only_entities(analysis):
            inform = np.zeros_like(probabilities)
            inform[self.model.intents.index("inform")] = 1.0
            probabilities = (1 - BARE_INFORM_SHARE) * probabilities + BARE_INFORM_SHARE * inform
        order = probabilities.argsort()[::-1][:RANKING_SIZE]
        ranking = tuple((self.model.intents[i], float(probabilities[i])) for i in order)
        intent, confidence = ranking[0]
        if confidence < self.model.threshold:
            intent = FALLBACK_INTENT
        hardship = names_hardship(normalized)
        return ParseResult(text, intent, confidence, entities, ranking, normalized, hardship)


def _frozen(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_frozen(item) for item in value)
    return isinstance(value, _IMMUTABLE)


def _only_entities(analysis: Analysis) -> bool:
    """True when nothing but entities (and particles, punctuation) was typed."""
    text = analysis.normalized.original
    covered = [False] * len(text)
    for entity in analysis.entities:
        for index in range(entity.start, entity.end):
            covered[index] = True
    rest = "".join(char for char, done in zip(text, covered, strict=True) if not done)
    return not _FILLER.sub("", rest)


def load_model(directory: Path | str | None = None) -> IntentModel:
    return IntentModel.load(directory or SHIPPED_MODEL)


def load_interpreter(settings: Settings) -> NluInterpreter:
    """The interpreter for the settings' model (or the shipped one) and region."""
    model = load_model(settings.nlu_model)
    interpreter = NluInterpreter(model, Pipeline(settings.region))
    interpreter.parse("你好，我想問問低保")  # warm the lazy parts before the first user
    return interpreter
