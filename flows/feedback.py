"""Suggestions, complaints and tip-offs (建议/投诉/举报) → a ``feedback`` case.

A tip-off about improper benefits (举报) keeps the reporter confidential: the summary
that staff lists and notifications show says nothing about who reported, and the
contact number, if any, is kept only as the case's contact for the staff detail view.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backend.errors import BackendError
from base.messages import BotReply
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import Form, Slot, choices_from
from flows.story import STORY, told_before
from flows.texts import texts
from nlu.answers import Reading
from nlu.facts import extract_facts
from nlu.finders.identity import names_in

KINDS: list[dict[str, Any]] = texts().raw("feedback.kinds")
CHOICES = choices_from(KINDS)
# A first message this long carries the content itself ("我要举报二港村李某家有车还领低保"),
# not only the wish to give feedback ("我要投诉"): it is not asked for again.
OPENER_CONTENT = 12


content = reading.free_text(4)
_place_text = reading.free_text(2)
ASKS_PLACE = ("complaint", "tipoff")  # staff go and check these on the spot
# session slot, for one start: the place this chat account is known by (its roster
# entry or application), so a complaint from it is not asked where
KNOWN_PLACE = "_feedback_known_place"
# session slot: the feedback case this chat just filed ({case_no, kind, at}), so what is
# said right after ("那个小舅子叫王大宝") is added to it (probeG F11)
TOLD = "_feedback_told"
MORE = "_feedback_more"  # for one start: the message is more about the case told


def tells_of_tipoff(text: str) -> bool:
    """ "村长他小舅子开小轿车都吃上低保了": someone on a benefit with the means (a car, a
    shop) or the ties (a cadre's relative) that say they should not be — a 举报, whatever
    word the complaint began with."""
    said = text.replace(" ", "")
    signs: dict[str, list[str]] = texts().raw("feedback.tipoff_signs")
    if not any(word in said for word in signs["benefit"]):
        return False
    if any(word in said for word in signs["means"]):
        return True
    return any(w in said for w in signs["cadres"]) and any(w in said for w in signs["ties"])


def _told(ctx: TurnContext) -> dict[str, Any] | None:
    """The feedback case this chat filed in the last hours, if any."""
    told = ctx.session.slots.get(TOLD) or {}
    try:
        at = datetime.fromisoformat(str(told.get("at", "")))
    except ValueError:
        return None
    hours = float(texts().raw("feedback.more_within_hours"))
    return told if datetime.now(UTC) - at <= timedelta(hours=hours) else None


def _says_more(text: str) -> bool:
    """ "俺再说一句 那个小舅子叫王大宝", "你们可别说是俺说的啊": more about what was filed."""
    said = text.replace(" ", "")
    words: list[str] = texts().raw("feedback.more_words")
    if any(word in said for word in words):
        return True
    if any(word in said for word in texts().raw("feedback.fear_words")):
        return True
    return "叫" in said and names_in(text).name is not None


def _added_content(ctx: TurnContext) -> str | None:
    """What a summary answer asks to add to the content, after its cue ("要写上…"), or None."""
    said = ctx.text.strip()
    cues = [c for c in texts().raw("feedback.add_to_content") if c in said]
    if not cues:
        return None
    end = max(said.rfind(c) + len(c) for c in cues)
    added = said[end:].lstrip(str(texts().raw("feedback.add_lead"))).strip()
    return added if len(added) >= ADDED_CHARS else None


ADDED_CHARS = 4  # fewer characters after "要写上" say nothing to add


def _place(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """Where it happened, as said ("龙洞村", "镇上民政办"), or SKIP (跳过, 不方便说)."""
    if identity.says_skip(ctx.text):
        return Reading(identity.SKIP)
    return _place_text(ctx, values)


def _fears(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "我怕被报复 你们会保密不": the reassurance, at whatever question it is said."""
    said = ctx.text.replace(" ", "")
    if any(word in said for word in texts().raw("feedback.fear_words")):
        return texts()("feedback.reassure", kind=values.get("kind", ""))
    return None


def _named_place(ctx: TurnContext, text: str) -> str | None:
    """The township (and village) the content names, if any."""
    facts = extract_facts(text, ctx.services.region)
    if not facts.get("township"):
        return None
    return f"{facts['township']}{facts.get('village') or ''}"


class FeedbackFlow(Form):
    name = "feedback"
    urgent_interrupt = False  # answers here describe hardship; they are not new emergencies
    intents = ("feedback",)
    slots = (
        Slot(
            "kind",
            "feedback.ask_kind",
            label="labels.feedback_kind",
            choices=CHOICES,
            fact="feedback_kind",  # "我要举报…" already says which
        ),
        Slot(
            "content",
            "feedback.ask_content",
            label="labels.feedback_content",
            read=content,
            question_values=lambda values: {"kind": values.get("kind", "")},
            show=mask_text,
            unclear="feedback.content_short",
            about=_fears,
        ),
        Slot(
            "place",
            "feedback.ask_place",
            label="labels.feedback_place",
            read=_place,
            ask_if=lambda values: values.get("kind") in ASKS_PLACE,
            show=lambda value: (
                texts()("feedback.place_skipped") if value == identity.SKIP else value
            ),
            unclear="feedback.place_unclear",
            about=_fears,
        ),
        Slot(
            "contact",
            "feedback.ask_contact",
            label="labels.feedback_contact",
            read=identity.phone_or_skip,
            validate=identity.contact_problem,
            show=identity.show_phone,
            question_values=lambda values: {"kind": values.get("kind", "")},
            hints={"request_phone": True},
            unclear="feedback.contact_unclear",
            about=_fears,
        ),
    )

    def claims(self, ctx: TurnContext) -> bool:
        """More said right after a complaint or a tip-off was filed: added to it; and
        "我要反映个事 我们村支书他老表家里开的小车 … 年年吃低保": someone else's benefit
        reported — a 举报, never the writer's own account."""
        if ctx.payload is not None:
            return False
        said = ctx.text.replace(" ", "")
        reports = any(word in said for word in ctx.texts.raw("feedback.report_words"))
        if reports and ctx.session.flow is None:
            earlier = told_before(ctx) or ""
            if tells_of_tipoff(ctx.text) or tells_of_tipoff(earlier):
                return True  # "不是我家 是举报" after that account: the account reported
        if _told(ctx) is None or not _says_more(ctx.text):
            return False
        ctx.session.slots[MORE] = True
        return True

    def correct_first(
        self, ctx: TurnContext, values: dict[str, Any]
    ) -> tuple[list[str], tuple[str, ...]]:
        """ "内容不全 要写上他家开的小车 城里还有两间门面" at the summary: the words are added
        to the content (not the 修改 menu, not the story's facts)."""
        added = _added_content(ctx)
        if ctx.payload is not None or not added or not values.get("content"):
            return [], ()
        values["content"] = f"{values['content']}；{added}"
        facts = extract_facts(ctx.text, ctx.services.region)
        return ["content"], tuple(facts)

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        if ctx.payload:
            return {}
        kind = reading.choice(CHOICES, ctx, {}).value
        if kind in (None, "complaint") and tells_of_tipoff(ctx.text):
            kind = "tipoff"  # "我要投诉 … 村长他小舅子开小轿车都吃上低保了"
        return {"feedback_kind": kind}

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if ctx.session.slots.pop(MORE, None):
            return await self._more(ctx)
        township, village = await call(
            ctx, ctx.services.chat_cases.place_of, ctx.message.channel, ctx.message.sender_id
        )
        ctx.session.slots[KNOWN_PLACE] = f"{township}{village}" if township else ""
        return await super().start(ctx)

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        known = ctx.session.slots.pop(KNOWN_PLACE, "") or None
        said = ctx.text.strip()
        earlier = told_before(ctx)
        if earlier and not ctx.payload and tells_of_tipoff(earlier):
            # "不是我家 是举报" after the account was said back: the account is the content
            said = f"{earlier} {said}"
            ctx.session.slots.pop(STORY, None)
        if ctx.payload or len(said) < OPENER_CONTENT:
            return {"place": known, "_place_told": bool(known) or None}
        named = _named_place(ctx, said) or known
        return {"content": said, "place": named, "_place_told": bool(named) or None}

    async def _more(self, ctx: TurnContext) -> list[BotReply]:
        """ "俺再说一句 那个小舅子叫王大宝 你们可别说是俺说的啊": added to the case just
        filed (its summary too, so staff see the name), the reporter reassured."""
        told = _told(ctx) or {}
        case_no, kind = str(told.get("case_no", "")), str(told.get("kind", ""))
        said = mask_text(ctx.text.strip())
        try:
            await call(
                ctx,
                ctx.services.chat_cases.add_note,
                case_no,
                ctx.texts("feedback.more_note", text=said),
                staff_text=ctx.texts("feedback.more_staff", case_no=case_no, kind=kind, text=said),
            )
        except BackendError:
            return [ctx.say("feedback.more_failed", case_no=case_no)]
        told["at"] = datetime.now(UTC).isoformat()
        ctx.session.slots[TOLD] = told
        fears = _fears(ctx, {"kind": kind})
        return [ctx.say("feedback.more_added", case_no=case_no, kind=kind, text=said, fears=fears)]

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        told = slot.name == "content" and values.get("kind") == "complaint"
        if told and tells_of_tipoff(str(values["content"])):
            values["kind"] = "tipoff"  # a complaint that tells of someone's benefit
        if slot.name == "content" and not values.get("place"):
            named = _named_place(ctx, str(values["content"]))
            if named:
                values["place"] = named  # "二港村李某家…": not asked
                values["_place_told"] = True

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        kind = values["kind"]
        contact = identity.given(values["contact"])
        place = values.get("place")
        place = None if place in (None, identity.SKIP) else str(place)
        summary = ctx.texts(
            "feedback.summary",
            kind=kind,
            text=mask_text(values["content"]),
            place=mask_text(place) if place and not values.get("_place_told") else None,
        )
        # A place named in the content (or asked) routes the case to that township's staff.
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "feedback",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text=f"{place or ''} {values['content']}",
            contact=contact,
        )
        ctx.session.slots[TOLD] = {
            "case_no": opened.case.case_no,
            "kind": kind,
            "at": datetime.now(UTC).isoformat(),
        }
        return [ctx.say("feedback.done", case=opened.case, kind=kind, anonymous=contact is None)]
