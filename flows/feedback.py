"""Suggestions, complaints and tip-offs (建议/投诉/举报) → a ``feedback`` case.

A tip-off about improper benefits (举报) keeps the reporter confidential: the summary
that staff lists and notifications show says nothing about who reported, and the
contact number, if any, is kept only as the case's contact for the staff detail view.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.errors import BackendError
from base.messages import BotReply
from base.privacy import mask_text
from flows import identity, reading
from flows.base import TurnContext, call
from flows.forms import CHANGE, CONFIRM, Form, Slot, choices_from
from flows.story import STORY, told_before
from flows.texts import texts
from nlu.answers import Reading
from nlu.facts import extract_facts
from nlu.finders.identity import names_in
from nlu.normalize import simplify
from policies.regions import load_region

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
# session slot: another item said at the summary ({text, contact}), opened once the one on
# screen is submitted (probeM W12)
NEXT = "_feedback_next"
NEXT_CONTACT = "_feedback_next_contact"  # for one start: the contact just given


def another_item(text: str) -> bool:
    """ "还有个建议 你们这个字太小了", "不是改 是另外一个建议": a second item, not a change."""
    said = simplify(text).replace(" ", "")
    words: dict[str, list[str]] = {
        key: texts().raw(f"feedback.{key}") for key in ("another_words", "another_kind_words")
    }
    return any(w in said for w in words["another_words"]) and any(
        w in said for w in words["another_kind_words"]
    )


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
    if not names_place(ctx, ctx.text):
        return Reading(None, sure=False)  # "不是我家 是举报 …": asked again
    return _place_text(ctx, values)


def names_place(ctx: TurnContext, text: str) -> bool:
    """Whether a message names a place: one of the region's, or a place word that is not
    part of a word naming people ("村支书")."""
    if _named_place(ctx, text):
        return True
    said = simplify(text).replace(" ", "")
    for word in texts().raw("feedback.not_place_words"):
        said = said.replace(word, "")
    return any(word in said for word in texts().raw("feedback.place_words"))


def _place_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> str | None:
    """A region place said at a later question ("迎风桥镇 迎风桥村" at the phone question) is
    kept for the place when none was given (or it was skipped); at the content question
    ``on_filled`` takes it instead."""
    if not facts.get("township") or "content" not in values:
        return None
    if values.get("place") not in (None, identity.SKIP) and not overwrite:
        return None
    return f"{facts['township']}{facts.get('village') or ''}"


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


def against_township(content: str) -> bool:
    """Whether a complaint is about a township (街道) office or its staff ("在迎风桥镇民政办
    窗口 那个女的把我材料甩出来"), not about a village or a person there."""
    said = simplify(content)
    return any(word in said for word in texts().raw("feedback.township_office_words"))


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
            fact=_place_fact,
            merge=True,  # the rule itself keeps a place already given
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
        replies = await super().start(ctx)
        note = self._children_note(ctx) if ctx.session.flow == self.name else []
        return [*replies[:-1], *note, *replies[-1:]] if note else replies

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        known = ctx.session.slots.pop(KNOWN_PLACE, "") or None
        contact = ctx.session.slots.pop(NEXT_CONTACT, None)  # given for the item before
        said = ctx.text.strip()
        earlier = told_before(ctx)
        if earlier and not ctx.payload and tells_of_tipoff(earlier):
            # "不是我家 是举报" after the account was said back: the account is the content
            said = f"{earlier} {said}"
            ctx.session.slots.pop(STORY, None)
        if ctx.payload or len(said) < OPENER_CONTENT:
            return {"place": known, "_place_told": bool(known) or None, "contact": contact}
        named = _named_place(ctx, said) or known
        return {
            "content": said,
            "place": named,
            "_place_told": bool(named) or None,
            "contact": contact,
        }

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        at_summary = ctx.session.step in (CONFIRM, CHANGE)
        if at_summary and ctx.payload is None and another_item(ctx.text):
            # "还有个建议 …" at the complaint's summary: kept for after this one is filed
            ctx.session.slots[NEXT] = ctx.text.strip()
            ctx.session.step = CONFIRM
            values = self.values(ctx)
            kind = reading.choice(CHOICES, ctx, {}).value
            kept = ctx.say("feedback.next_kept", kind=kind, current=values.get("kind"))
            return [kept, self._summary(ctx)]
        asked_content = ctx.session.step == "content"
        replies = await super().handle(ctx)
        note = self._children_note(ctx) if asked_content and ctx.session.flow == self.name else []
        return [*replies[:-1], *note, *replies[-1:]] if note and replies else replies

    def _children_note(self, ctx: TurnContext) -> list[BotReply]:
        """ "还说我有儿子就别想了" in a complaint: told once that a son does not by itself rule
        低保 out."""
        values = self.values(ctx)
        said = simplify(str(values.get("content") or "")).replace(" ", "")
        if values.get("_children_told") or values.get("kind") != "complaint":
            return []
        children = any(w in said for w in texts().raw("feedback.children_words"))
        if not (children and any(w in said for w in texts().raw("feedback.ruled_out_words"))):
            return []
        values["_children_told"] = True
        return [ctx.say("feedback.children_note")]

    async def _next(self, ctx: TurnContext, contact: Any) -> list[BotReply]:
        """The item said at the summary of the one just filed, opened as its own."""
        pending = ctx.session.slots.pop(NEXT, None)
        if not pending:
            return []
        ctx.session.slots[NEXT_CONTACT] = contact
        later = replace(ctx, text=str(pending), payload=None)
        kind = reading.choice(CHOICES, later, {}).value
        return [ctx.say("feedback.next_opened", kind=kind), *await self.start(later)]

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
        # A place named in the content (or asked) routes the case to that township's staff;
        # a complaint about the township's own office goes to the district instead (no
        # township: the district's administrators), never to the office complained of.
        above = kind == "complaint" and against_township(str(values["content"]))
        opened = await call(
            ctx,
            ctx.services.chat_cases.open,
            "feedback",
            chat_channel=ctx.message.channel,
            sender=ctx.message.sender_id,
            summary=summary,
            place_text="" if above else f"{place or ''} {values['content']}",
            contact=contact,
        )
        ctx.session.slots[TOLD] = {
            "case_no": opened.case.case_no,
            "kind": kind,
            "at": datetime.now(UTC).isoformat(),
        }
        district = load_region(ctx.services.region).short_name if above else ""
        done = ctx.say(
            "feedback.done",
            case=opened.case,
            kind=kind,
            anonymous=contact is None,
            district=district,
        )
        return [done, *await self._next(ctx, values.get("contact"))]
