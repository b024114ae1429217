"""When unsure, ask: the engine's idle routing for close and low-confidence parses.

The interpreter here returns a given ranking, so each routing rule is exercised
exactly; the flows, texts and session are the real ones.
"""

from __future__ import annotations

import pytest

from base.messages import BotReply, UserMessage
from base.settings import Settings
from bot.runtime import Runtime
from nlu.types import Entity, ParseResult


class GivenParse:
    def __init__(self) -> None:
        self.result: ParseResult | None = None

    def parse(self, text: str) -> ParseResult:
        assert self.result is not None
        return ParseResult(
            text,
            self.result.intent,
            self.result.confidence,
            self.result.entities,
            self.result.ranking,
            text,
            self.result.hardship,
        )


def given(
    ranking: list[tuple[str, float]],
    hardship: bool = False,
    entities: tuple[Entity, ...] = (),
    threshold: float = 0.3,
) -> ParseResult:
    intent, confidence = ranking[0]
    if confidence < threshold:
        intent = "out_of_scope"
    return ParseResult("", intent, confidence, entities, tuple(ranking), "", hardship)


@pytest.fixture
def runtime(settings: Settings) -> Runtime:
    runtime = Runtime(settings)
    runtime.services.interpreter = GivenParse()  # type: ignore[misc]
    return runtime


async def say(runtime: Runtime, result: ParseResult, text: str = "……") -> list[BotReply]:
    runtime.services.interpreter.result = result  # type: ignore[attr-defined]
    return await runtime.engine.handle(UserMessage("test", "u1", text))


def payloads(replies: list[BotReply]) -> list[str]:
    return [button.payload for reply in replies for button in reply.buttons]


async def test_two_close_services_are_asked_about(runtime: Runtime) -> None:
    replies = await say(runtime, given([("ask_process", 0.46), ("apply", 0.40), ("greet", 0.1)]))
    assert "确认一下" in replies[0].text
    assert payloads(replies) == ["/ask_process", "/apply", "/help"]


async def test_a_clear_winner_goes_ahead(runtime: Runtime) -> None:
    replies = await say(runtime, given([("ask_process", 0.70), ("apply", 0.20)]))
    assert "确认一下" not in replies[0].text
    assert "您想了解哪一项救助" in replies[0].text


async def test_all_below_the_threshold_offers_the_likely_ones(runtime: Runtime) -> None:
    replies = await say(
        runtime,
        given([("ask_amount", 0.28), ("self_screening", 0.25), ("checkin", 0.2), ("apply", 0.15)]),
    )
    assert "确认一下" in replies[0].text
    assert payloads(replies) == ["/ask_amount", "/self_screening", "/checkin", "/help"]


async def test_a_program_named_is_carried_in_the_buttons(runtime: Runtime) -> None:
    program = (Entity("program", "tekun", 0, 2),)
    replies = await say(
        runtime, given([("ask_amount", 0.42), ("ask_eligibility", 0.38)], entities=program)
    )
    titles = [button.title for button in replies[0].buttons]
    assert titles[:2] == ["问特困能领多少钱", "问特困的申请条件"]
    assert payloads(replies)[0] == '/ask_amount{"program":"tekun"}'
    # choosing it (by number) answers for 特困
    runtime.services.interpreter.result = given([("out_of_scope", 0.9)])  # type: ignore[attr-defined]
    answer = await runtime.engine.handle(UserMessage("test", "u1", "1"))
    assert "特困能领多少" in answer[0].text


async def test_an_emergency_is_never_held_up_by_a_question(runtime: Runtime) -> None:
    replies = await say(runtime, given([("urgent_help", 0.47), ("report_change", 0.44)]))
    assert "确认一下" not in replies[0].text
    assert "紧急求助" in replies[0].text


async def test_hardship_without_a_likely_service_gets_the_hardship_offer(runtime: Runtime) -> None:
    replies = await say(runtime, given([("out_of_scope", 0.9), ("greet", 0.05)], hardship=True))
    assert "没太明白" not in replies[0].text
    assert "难处" in replies[0].text
    assert payloads(replies) == ["/self_screening", "/apply", "/urgent_help", "/human_handoff"]


async def test_hardship_with_one_likely_service_gets_the_hardship_offer(runtime: Runtime) -> None:
    replies = await say(
        runtime, given([("out_of_scope", 0.2), ("self_screening", 0.15)], hardship=True)
    )
    assert "难处" in replies[0].text
    assert payloads(replies) == ["/self_screening", "/apply", "/urgent_help", "/human_handoff"]


async def test_one_likely_service_without_hardship_is_asked_about(runtime: Runtime) -> None:
    replies = await say(runtime, given([("ask_amount", 0.28), ("greet", 0.05)]))
    assert "确认一下" in replies[0].text
    assert payloads(replies) == ["/ask_amount", "/help"]


async def test_unrelated_text_still_gets_the_fallback(runtime: Runtime) -> None:
    replies = await say(runtime, given([("out_of_scope", 0.9), ("ask_amount", 0.05)]))
    assert "没太明白" in replies[0].text


async def test_small_talk_is_answered_not_asked_about(runtime: Runtime) -> None:
    replies = await say(runtime, given([("thanks", 0.8), ("apply", 0.1)]))
    assert "不客气" in replies[0].text


async def test_a_lament_read_as_feedback_gets_the_hardship_offer(runtime: Runtime) -> None:
    lament = given([("feedback", 0.8), ("report_change", 0.03)], hardship=True)
    replies = await say(runtime, lament, "日子太难了")
    assert "难处" in replies[0].text
    assert payloads(replies) == ["/self_screening", "/apply", "/urgent_help", "/human_handoff"]


async def test_feedback_naming_a_hardship_and_a_complaint_stays_feedback(runtime: Runtime) -> None:
    complaint = given([("feedback", 0.8), ("report_change", 0.03)], hardship=True)
    replies = await say(runtime, complaint, "家里困难评不上，村干部不公平")
    assert "难处" not in replies[0].text


async def test_hardship_with_no_sure_intent_gets_the_hardship_offer(runtime: Runtime) -> None:
    sigh = given([("report_change", 0.15), ("urgent_help", 0.14), ("apply", 0.12)], hardship=True)
    replies = await say(runtime, sigh, "唉，这日子没法过了")
    assert "难处" in replies[0].text
    assert "确认一下" not in replies[0].text


async def test_hardship_with_two_likely_intents_is_still_asked_about(runtime: Runtime) -> None:
    close = given([("ask_amount", 0.40), ("apply", 0.36)], hardship=True)
    replies = await say(runtime, close)
    assert "确认一下" in replies[0].text
    assert payloads(replies) == ["/ask_amount", "/apply", "/help"]
