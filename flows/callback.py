"""A number left in passing for staff to call back ("有事打我女儿电话 139…", "你们打我儿子
电话吧 他懂这些 136…"): kept for the chat, put on the case being handled (the number as
the case's contact, whole for staff in the detail view; masked in the note and in every
reply), and said back once. With no case yet, a request to call back is a request for a
person: a hand-off case opened with that number (``engine``).

A form that asks for a phone itself (the application, the urgent questions) reads the
number as its answer; this module is for the messages that are not that answer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from base.messages import BotReply
from base.privacy import mask_text
from flows.base import TurnContext, call
from nlu.finders.identity import Callback, callback_of
from nlu.validators import mask_phone

if TYPE_CHECKING:
    from flows.forms import Form

log = logging.getLogger(__name__)

CALLBACK = "_callback"  # session slot: {"phone", "who", "case_no"} the number left to call


def callback_in(ctx: TurnContext) -> Callback | None:
    """The call-back number this message leaves, if any (never a button's)."""
    if ctx.payload is not None:
        return None
    return callback_of(ctx.text)


def asks_phone(form: Form | None, ctx: TurnContext) -> bool:
    """Whether the form under way takes a phone from any message (its own question)."""
    if form is None:
        return False
    return any(slot.fact == "phone" for slot in getattr(form, "slots", ()))


def kept(ctx: TurnContext) -> dict[str, str] | None:
    found = ctx.session.slots.get(CALLBACK)
    return found if isinstance(found, dict) and found.get("phone") else None


async def record(ctx: TurnContext, found: Callback, case_no: str | None = None) -> str | None:
    """Keep the number for the chat and put it on ``case_no`` — or on the account's case
    being handled — the case number it went to (None: kept only, or it failed)."""
    ctx.session.slots[CALLBACK] = {"phone": found.phone, "who": found.who}
    chat = ctx.services.chat_cases
    if case_no is None:
        case = await call(
            ctx, chat.open_case, chat_channel=ctx.message.channel, sender=ctx.message.sender_id
        )
        case_no = case.case_no if case is not None else None
    if case_no is None:
        return None
    note = ctx.texts("callback.note", who=found.who, phone=mask_phone(found.phone))
    staff_text = ctx.texts(
        "callback.staff_note", case_no=case_no, note=note, text=mask_text(ctx.text)
    )
    try:
        await call(ctx, chat.add_note, case_no, note, staff_text=staff_text, phone=found.phone)
    except Exception:
        log.exception("call-back number could not be stored")
        return None
    ctx.session.slots[CALLBACK]["case_no"] = case_no
    return case_no


def said(ctx: TurnContext, found: Callback, case_no: str | None) -> BotReply:
    """ "记下了：有事打您女儿的电话 139****1234，已经告诉工作人员（编号 …）。" """
    return ctx.say("callback.noted", who=found.who, phone=mask_phone(found.phone), case_no=case_no)
