"""The interpreter the bot uses: normalise → entities → features → intent.

``load_interpreter(settings)`` loads the model in ``settings.nlu_model``
(``JIUZHU_NLU_MODEL``) or the shipped one in ``nlu/model``. When the best intent's
confidence is below the model's fallback threshold the intent is ``out_of_scope``
(the engine answers those with the fallback menu); the ranking keeps the
classifier's own scores, so callers can still see what came closest.
"""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from nlu.classifier import IntentModel
from nlu.pipeline import Pipeline
from nlu.types import ParseResult

SHIPPED_MODEL = Path(__file__).parent / "model"
FALLBACK_INTENT = "out_of_scope"
RANKING_SIZE = 10


class NluInterpreter:
    """Thread-safe: parsing reads shared tables and the model only."""

    def __init__(self, model: IntentModel, pipeline: Pipeline) -> None:
        self.model = model
        self.pipeline = pipeline

    def parse(self, text: str) -> ParseResult:
        analysis = self.pipeline.analyse(text)
        entities = tuple(analysis.entities)
        normalized = analysis.normalized.text
        if not normalized.strip():
            return ParseResult(
                text, FALLBACK_INTENT, 1.0, entities, ((FALLBACK_INTENT, 1.0),), normalized
            )
        probabilities = self.model.probabilities(analysis.features)
        order = probabilities.argsort()[::-1][:RANKING_SIZE]
        ranking = tuple((self.model.intents[i], float(probabilities[i])) for i in order)
        intent, confidence = ranking[0]
        if confidence < self.model.threshold:
            intent = FALLBACK_INTENT
        return ParseResult(text, intent, confidence, entities, ranking, normalized)


def load_model(directory: Path | str | None = None) -> IntentModel:
    return IntentModel.load(directory or SHIPPED_MODEL)


def load_interpreter(settings: Settings) -> NluInterpreter:
    """The interpreter for the settings' model (or the shipped one) and region."""
    model = load_model(settings.nlu_model)
    interpreter = NluInterpreter(model, Pipeline(settings.region))
    interpreter.parse("你好，我想問問低保")  # warm the lazy parts before the first user
    return interpreter
