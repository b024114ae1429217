"""Staff in the chat: bind the chat account with a staff token, then 口述办 intake.

``/bind <token>`` (or ``绑定 <token>``) binds; the reply names the staff member and
never repeats the token, and the message is kept out of the session history.
``口述办`` (or ``/intake``) takes a transcribed account, shows every fact found, asks
only for what is missing, has the 告知承诺 read out, and creates the application with
channel 口述办 and the staff member as recorder — the same use-case the console uses
(``services.intake``), region rule included: a caseworker files only for their township.
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Any

from backend.errors import BackendError
from base.messages import BotReply, Button
from base.privacy import mask_text
from flows import identity, reading
from flows.applicant import (
    TOLD_VILLAGE,
    id_number_slot,
    name_slot,
    phone_slot,
    place_filled,
    place_slots,
    unlisted_village,
)
from flows.apply import (
    _program_choices,
    _programs,
    _programs_fact,
    _programs_shown,
    age_check_cleared,
    age_check_said,
    age_check_slot,
    age_check_taken,
    id_age_noted,
    programs_of,
)
from flows.base import CLARIFIED, Flow, TurnContext, call
from flows.forms import AGREE, CHANGE, CONFIRM, Choice, Form, Slot, choices_from
from flows.screening import SLOTS as HOUSEHOLD_SLOTS
from flows.screening import WORDS, household_answers, household_cleared, household_filled
from flows.texts import texts
from nlu.answers import Reading
from nlu.finders.identity import full_names, id_numbers_of, placed_name
from nlu.normalize import simplify
from policies.catalog import load_catalog
from services.access import NotAllowed
from services.consents import APPLICATION_CONSENTS
from services.consents import consent as consent_text
from services.intake import IntakeFacts, IntakeOutcome, field_labels
from services.wording import wording


class StaffBindFlow(Flow):
    name = "staff_bind"
    prefixes = tuple(texts().raw("staff.bind_words"))

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        ctx.sensitive = True  # the message carries a token
        ctx.session.end_flow()
        token = _without(ctx.text, self.prefixes)
        if not token:
            return [ctx.say("staff.bind_how")]
        desk = ctx.services.desk
        staff = await call(ctx, desk.bind_chat, token, ctx.message.channel, ctx.message.sender_id)
        if staff is None:
            return [ctx.say("staff.bind_failed")]
        ctx.session.slots["staff_id"] = staff.id
        return [ctx.say("staff.bound", staff=staff)]


def _without(text: str, commands: tuple[str, ...]) -> str:
    """What follows the command word ("绑定 abc" → "abc")."""
    for command in commands:
        text = text.removeprefix(command)
    return text.strip(" ：:")


def _read_out(kind: str) -> Slot:
    """A consent read out to the resident: recorded only when staff say it was agreed."""
    consent = consent_text(kind)
    return Slot(
        f"{kind}_read",
        "staff.read_out",
        label="labels.consent_read_out",
        label_values={"title": consent.title},
        read=reading.consent,
        consent=True,
        refused="staff.not_agreed",
        choices=(
            Choice(AGREE, texts()("staff.button_agreed")),
            Choice("refuse", texts()("staff.button_refused")),
        ),
        validate=lambda value, _values: None if value == AGREE else texts()("staff.must_agree"),
        question_values=lambda _values: {"title": consent.title, "text": consent.text},
        show=lambda _value: texts()("labels.show_agreed_read_out"),
    )


# A landline: area code, then 7 or 8 digits ("0737-1234567", "0737 1234567").
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[\s-]?(\d{7,8})(?!\d)")
VILLAGE, RECORDER = "contact_village", "contact_recorder"  # no phone: who is called


def landline(text: str) -> str | None:
    found = _LANDLINE.search(text)
    return f"{found.group(1)}-{found.group(2)}" if found else None


OWNER = "#"  # "13874650321#隔壁彭三嫂": a number and whose it is, when not the resident's
_OWNED = re.compile(
    r"([\u4e00-\u9fff]{1,10}?)的?(?:电话|手机|号码)|(?:电话|手机|号码)(?:是|留|打)([\u4e00-\u9fff]{2,8}?)的"
    r"|(?:打|找|留|联系)([\u4e00-\u9fff]{1,8}?)的?(?=\d)"
)


def phone_owner(text: str) -> str | None:
    """Whose number a phone answer gives when it is not the resident's ("有事打隔壁彭三嫂的
    电话", "电话留他侄子的"): that person as said, or None (the resident's own)."""
    words = texts().raw
    plain = simplify(text).replace(" ", "")
    for match in _OWNED.finditer(plain):
        owner = match.group(1) or match.group(2) or match.group(3) or ""
        for lead in words("staff.phone_owner_lead"):  # "有事打隔壁…": after the last verb
            at = owner.rfind(lead)
            if at >= 0 and at + len(lead) < len(owner):
                owner = owner[at + len(lead) :]
        if any(word in owner for word in words("staff.phone_owner_words")):
            return owner
    return None


def with_owner(phone: str, text: str) -> str:
    """The phone, with whose it is when the text says it is someone else's."""
    owner = phone_owner(text)
    return f"{phone}{OWNER}{owner}" if owner else phone


def _contact(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The resident's mobile — or someone else's, kept with whose it is ("打隔壁彭三嫂的
    电话 138…"); or a landline ("留村部座机 0737-1234567"); or, with no phone at all
    ("他没手机", "无", "跳过"), the village office or the recorder to call."""
    found = identity.phone(ctx, values)
    if found.value is not None:
        return replace(found, value=with_owner(str(found.value), ctx.text))
    number = landline(ctx.text)
    if number is not None:
        return Reading(number, facts=found.facts)
    said = ctx.text.replace(" ", "")
    words = texts().raw
    if any(w in said for w in words("staff.recorder_words")):
        return Reading(RECORDER, facts=found.facts)
    if any(w in said for w in words("staff.village_words")) or any(
        w in said for w in words("staff.no_phone_words")
    ):
        return Reading(VILLAGE, facts=found.facts)
    return found


def _contact_problem(value: str, values: dict[str, Any]) -> str | None:
    if value in (VILLAGE, RECORDER) or landline(value) == value:
        return None
    return identity.phone_check(value.split(OWNER)[0], values)


def _contact_shown(value: str) -> str:
    if value in (VILLAGE, RECORDER):
        return texts()(f"staff.{value}")
    if OWNER in value:
        phone, owner = value.split(OWNER, 1)
        return texts()("staff.contact_whose", phone=identity.show_phone(phone), owner=owner)
    if landline(value) == value:
        return texts()("staff.contact_landline", number=value)
    return identity.show_phone(value)


def contact_slot() -> Slot:
    """口述办's phone question: a resident without a mobile can still be entered."""
    return replace(
        phone_slot(),
        read=_contact,
        validate=_contact_problem,
        show=_contact_shown,
        hints={},  # the staff member's own phone is not the resident's
        unclear="staff.phone_unclear",
        choices=(
            Choice(VILLAGE, texts()("staff.contact_village")),
            Choice(RECORDER, texts()("staff.contact_recorder")),
        ),
    )


def _for_staff(slot: Slot) -> Slot:
    """The question worded for staff about the resident ("居民的手机号是多少？"), when
    staff.yml has one of the same name."""
    key = f"staff.{slot.question.split('.', 1)[-1]}"
    return replace(slot, question=key) if texts().has(key) else slot


def contact_of(value: str, recorder: str) -> tuple[str | None, str | None]:
    """(the mobile to file, the other contact staff read) for the phone answer."""
    if value == VILLAGE:
        return None, texts()("staff.contact_village")
    if value == RECORDER:
        return None, texts()("staff.contact_recorder_named", name=recorder)
    if landline(value) == value:
        return None, texts()("staff.contact_landline", number=value)
    if OWNER in value:  # the number is filed, with whose it is for the caseworker
        phone, owner = value.split(OWNER, 1)
        return phone, texts()("staff.contact_whose_note", owner=owner)
    return value, None


# The household questions 口述办 asks when the account did not say them; the others are
# kept when the account (or a later answer) says them. The ages are asked when the
# account did not give one for each member: what is filed is what was shown, and an
# age is never made up (``_took_account``).
# "口述办 帮邻居…" from a resident: an account this long gets the resident's ways to help.
ABOUT_SOMEONE_CHARS = 4
ASKED = ("residence", "household_size", "ages", "monthly_income")


def _intake_slots(region: str) -> tuple[Slot, ...]:
    household = tuple(
        slot if slot.name in ASKED else replace(slot, asked=False) for slot in HOUSEHOLD_SLOTS
    )
    slots = (
        Slot(
            "account", "staff.ask_account", read=reading.free_text(4), unclear="staff.account_short"
        ),
        Slot(  # one program or several ("低保 医疗救助 还有残疾人补贴", "1 5 9"): a case each
            "program",
            "staff.ask_program",
            label="labels.program",
            words=("申请项目", "救助项目", "项目"),
            read=_programs,
            fact=_programs_fact,
            choices=_program_choices(),
            show=_programs_shown,
        ),
        name_slot(),
        id_number_slot(),
        age_check_slot(),  # the ID's age against the account's (probeM 20)
        contact_slot(),
        *place_slots(region),
        *household,
        _read_out("commitment"),
        _read_out("authorisation"),
    )
    return tuple(_for_staff(slot) for slot in slots)


class StaffIntakeFlow(Form):
    name = "staff_intake"
    danger_aside = True  # an account of a past fire is a hardship fact, not an alarm
    urgent_interrupt = False
    prefixes = tuple(texts().raw("staff.intake_words"))

    def __init__(self, region: str) -> None:
        self.region = region
        self.slots = _intake_slots(region)  # type: ignore[misc]

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        return {}  # the account is read by the 口述办 use-case (``_took_account``)

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        desk = ctx.services.desk
        staff = await call(ctx, desk.staff_for_chat, ctx.message.channel, ctx.message.sender_id)
        account = _without(ctx.text, self.prefixes)
        if staff is None:
            ctx.session.end_flow()
            return [self._not_staff(ctx, account)]
        if asks_review(account):  # "口述办 陈桂英的特困被驳回了 帮她申请复核 编号JZ…"
            ctx.session.end_flow()
            return await staff_review(ctx, account, {})
        replies = await super().start(ctx)
        if len(account) >= 4:  # "口述办 王大爷68岁…" in one message
            self.values(ctx)["account"] = account
            return await self._took_account(ctx, account)
        return replies

    async def handle(self, ctx: TurnContext) -> list[BotReply]:
        """ "他上个月低保被拒了 想申请复核" while recording this resident: their refused
        application gets the review, no new application (another resident named at the
        summary is ``_on_confirm``'s)."""
        values = self.values(ctx)
        name = str(values.get("name") or "")
        if (
            ctx.payload is None
            and asks_review(ctx.text)
            and not (name and _others_named(ctx.text, name))
        ):
            return await staff_review(ctx, ctx.text, values, form=self)
        return await super().handle(ctx)

    async def _on_answer(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        if slot.name == "account":
            account = reading.free_text(4)(ctx, self.values(ctx)).value
            if account:
                self.values(ctx)["account"] = account
                return await self._took_account(ctx, str(account))
        return await super()._on_answer(ctx, slot)

    async def _took_account(self, ctx: TurnContext, account: str) -> list[BotReply]:
        """Every fact of the account, read by the 口述办 use-case (``nlu.facts``), shown;
        what is missing is asked."""
        facts = _carried(ctx, account, await call(ctx, ctx.services.intake.extract, account))
        values = self.values(ctx)
        invalid = ctx.services.intake.check(facts).problems
        filled = []
        for name, value in {**facts.household, **_as_values(facts)}.items():
            if name not in invalid and value is not None:
                values[name] = value
                filled.append(name)
        if not values.get("place") and (told := unlisted_village(account, None)):
            values[TOLD_VILLAGE] = told  # not on the list: its township is asked
        if values.get("phone") and OWNER not in str(values["phone"]):
            values["phone"] = with_owner(str(values["phone"]), account)  # "打隔壁彭三嫂的电话"
        if not values.get("phone") and landline(account):
            values["phone"] = landline(account)  # "电话没有 留村部的0737-1234567"
        place_filled(values)
        if "id_number" in filled:
            id_age_noted(values)  # the account's ID against the account's age
        ages = list(values.get("ages") or [])
        if not ages and facts.age is not None and values.get("household_size") == 1:
            values["ages"] = [facts.age]  # alone, the age of the 身份证号
            filled.append("ages")
        for slot in self.slots:
            if slot.name in filled:
                household_filled(ctx, slot, values)
        labels = field_labels()
        approx = facts.household.get("_approx") or {}
        phone = str(values.get("phone") or "")
        lines = [
            f"{labels[k]}：{'约' if k in approx else ''}"
            + (_contact_shown(phone) if k == "phone" and OWNER in phone else _shown(k, v))
            for k, v in facts.model_dump().items()
            if k in labels and v not in (None, [], "")
        ]
        if values.get("phone") and landline(str(values["phone"])) == values["phone"]:
            lines.append(f"{labels['contact']}：{_contact_shown(str(values['phone']))}")
        summary = ctx.texts(
            "staff.found",
            lines=lines,
            problems=[f"{labels[k]}：{r}" for k, r in invalid.items()],
            hint=facts.name_hint,
        )
        values["_facts"] = facts.model_dump()  # kept with the answers for ``submit``
        replies = [BotReply(summary)]
        staff = await call(ctx, ctx.services.desk.staff_for_chat, ctx.message.channel,
                           ctx.message.sender_id)  # fmt: skip
        if (
            staff is not None
            and facts.township
            and not ctx.services.intake.may_file(staff, facts.township)
        ):
            # Said at once, not after the whole intake: it will be passed on, not filed.
            replies.append(
                ctx.say("staff.other_region_early", township=facts.township, region=staff.region)
            )
        return [*replies, *await self._advance(ctx)]

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        if slot.name == "place":
            place_filled(values)
        if slot.name == "id_number":
            id_age_noted(values)
        if slot.name == "age_check":
            age_check_taken(values)
        household_filled(ctx, slot, values)

    async def _take_answer(self, ctx: TurnContext, slot: Slot) -> list[BotReply]:
        replies = await super()._take_answer(ctx, slot)
        return age_check_said(ctx, slot, self.values(ctx)) + replies

    def on_cleared(self, ctx: TurnContext, name: str, values: dict[str, Any]) -> None:
        age_check_cleared(values, name)
        household_cleared(values, name)

    async def _on_confirm(self, ctx: TurnContext) -> list[BotReply]:
        """At the summary, words about another named resident ("陈桂英奶奶的特困被驳回了
        帮她申请复核") never change this resident's form: alone they are kept for after
        it (the caseworker finishes or cancels this one first); beside this resident's
        name ("王福生要的是低保 特困是陈桂英的事") only the clauses about this one count."""
        values = self.values(ctx)
        name = str(values.get("name") or "")
        others = [] if ctx.payload is not None or not name else _others_named(ctx.text, name)
        if not others:
            return await super()._on_confirm(ctx)
        if name not in ctx.text:
            values["_later"] = {"other": others[0], "text": mask_text(ctx.text.strip())[:200]}
            return [ctx.say("staff.other_person", other=others[0], name=name), self._summary(ctx)]
        own = " ".join(
            part
            for part in re.split(r"[\s，,。；;！!？?]+", ctx.text)
            if not any(o in part for o in others)
        )
        before = copy.deepcopy(values)
        replies = await super()._on_confirm(replace(ctx, text=own))
        if ctx.session.step == CHANGE and self.values(ctx) == before:
            # "王福生要的是低保": what the form already says — nothing to change
            ctx.session.step = CONFIRM
            return [ctx.say("staff.other_person_kept", name=name), self._summary(ctx)]
        return replies

    @staticmethod
    def _not_staff(ctx: TurnContext, account: str) -> BotReply:
        """ "口述办 帮邻居张奶奶申请低保…" from a resident: what a resident can do for a
        neighbour (report her, or she or a relative applies), the account kept for the
        report chosen by its button; the staff binding is said last."""
        if len(account.strip()) < ABOUT_SOMEONE_CHARS:
            return ctx.say("staff.not_bound")
        ctx.session.slots[CLARIFIED] = account
        return ctx.say(
            "staff.not_bound_resident",
            (
                Button(ctx.texts("staff.button_report_other"), "/report_other"),
                Button(ctx.texts("staff.button_apply"), "/apply"),
            ),
        )

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        desk = ctx.services.desk
        staff = await call(ctx, desk.staff_for_chat, ctx.message.channel, ctx.message.sender_id)
        if staff is None:
            return [ctx.say("staff.not_bound")]
        facts = IntakeFacts.model_validate(values.get("_facts") or {})
        income = values["monthly_income"]
        ages = list(values.get("ages") or [])
        phone, contact = contact_of(str(values["phone"]), staff.name)
        facts = facts.model_copy(
            update={
                "age": ages[0] if ages else facts.age,  # the ages confirmed, not the account's
                "name": values["name"],
                "id_number": values["id_number"],
                "phone": phone,
                "contact": contact,
                "township": values["place"]["township"],
                "village": values.get("village"),
                "residence": values["residence"],
                "household_size": values["household_size"],
                "monthly_income": float(income) if isinstance(income, int | float) else None,
                "programs": programs_of(values["program"]),
                "household": household_answers(values),
            }
        )
        agreed = [kind for kind in APPLICATION_CONSENTS if values.get(f"{kind}_read") == AGREE]
        outcome = await call(ctx, ctx.services.intake.record, staff, facts, agreed)
        if outcome.result == "outside_region":
            return await _pass_on(ctx, facts, outcome)
        # "同村的王福生": the next resident's village (and so 城镇/农村)
        ctx.session.slots[LAST_PLACE] = {**values["place"], "residence": values["residence"]}
        later = values.get("_later")
        if later:  # what was said about another resident at the summary, now taken up
            return [*intake_replies(ctx, outcome), ctx.say("staff.other_person_now", **later)]
        return intake_replies(ctx, outcome)


def asks_review(text: str) -> bool:
    """Words asking for a 复核 of a refusal ("帮她申请复核", "对结果不服 要复议")."""
    bare = text.replace(" ", "")
    return any(word in bare for word in texts().raw("staff.review_words"))


async def staff_review(
    ctx: TurnContext, text: str, values: dict[str, Any], form: StaffIntakeFlow | None = None
) -> list[BotReply]:
    """A 复核 asked in 口述办: the refused application — numbered in the text, else the
    resident's (the name and 身份证号 of the text or of the form being filled) — gets a
    review case recorded by the caseworker; the form being filled is not filed (a review
    needs no new application). Not found: how to name it; the form, if any, goes on."""
    from flows.manage import named_case
    from flows.status import padded

    desk = ctx.services.desk
    staff = await call(ctx, desk.staff_for_chat, ctx.message.channel, ctx.message.sender_id)
    if staff is None:
        return [ctx.say("staff.not_bound")]
    case_no = named_case(padded(text))
    told = f"{text} {values.get('account') or ''}"  # the account being recorded, too
    names = full_names(told)
    ids, _ = id_numbers_of(told)
    name = str(values.get("name") or (names[0] if len(names) == 1 else "")) or None
    id_number = str(values.get("id_number") or (ids[0] if ids else "")) or None
    try:
        found = await call(
            ctx, desk.refused_for, staff, case_no=case_no, name=name, id_number=id_number
        )
    except (BackendError, NotAllowed):
        found = []
    if len(found) != 1:
        said = ctx.say("staff.review_which", case_no=case_no, name=name, many=len(found) > 1)
        return [said, *(await form.resume(ctx) if form is not None else [])]
    refused = found[0]
    try:
        review, opened = await call(ctx, desk.open_review, staff, refused.case_no, mask_text(text))
    except BackendError as problem:
        return [ctx.say("staff.review_failed", problem=problem.message)]
    ctx.session.end_flow()  # the application being recorded, if any, is not filed
    key = "staff.review_opened" if opened else "staff.review_under_way"
    return [ctx.say(key, review=review, case=refused, dropped=form is not None)]


async def _pass_on(ctx: TurnContext, facts: IntakeFacts, outcome: IntakeOutcome) -> list[BotReply]:
    """A household of another township: the record goes to that township's staff as a
    主动发现 report (the resident's phone to call back), and the caseworker is told."""
    summary = ctx.texts(
        "staff.passed_on_summary",
        recorder=outcome.region or "",
        intake=mask_text(wording()("summaries.intake", facts=facts)),
    )
    opened = await call(
        ctx,
        ctx.services.chat_cases.open,
        "discovery_report",
        chat_channel=ctx.message.channel,
        sender=ctx.message.sender_id,
        summary=summary,
        place_text=f"{facts.township or ''}{facts.village or ''}",
        contact=facts.phone,
    )
    return [ctx.say("staff.passed_on", township=facts.township, region=outcome.region,
                    case=opened.case)]  # fmt: skip


def intake_replies(ctx: TurnContext, outcome: IntakeOutcome) -> list[BotReply]:
    """What the staff member is told: the case of each program, or why nothing was filed."""
    if outcome.result == "outside_region":
        return [ctx.say("staff.other_region", region=outcome.region)]
    if outcome.result == "not_a_person":
        return [ctx.say("staff.not_bound")]
    if outcome.result == "missing_consents":
        return [ctx.say("staff.must_agree")]
    if outcome.result == "incomplete" and outcome.check is not None:
        labels = field_labels()
        missing = [labels.get(name, name) for name in outcome.check.missing]
        wrong = [f"{labels.get(k, k)}：{r}" for k, r in outcome.check.problems.items()]
        return [ctx.say("staff.incomplete", missing=missing, problems=wrong)]
    if outcome.result == "invalid_household" or outcome.application is None:
        return [ctx.say("staff.invalid", problem=outcome.problem or "")]
    replies = []
    for item in outcome.application.programs:
        if item.result == "received" and item.case is not None:
            replies.append(ctx.say("staff.received", case=item.case))
        elif item.result == "already_recipient" or item.case is None:
            replies.append(ctx.say("staff.already_recipient"))
        else:
            key = "staff.duplicate" if item.result == "duplicate" else "staff.created"
            replies.append(ctx.say(key, case=item.case))
    return replies


# The place of the resident last filed from this chat: "同村的…" in the next account.
LAST_PLACE = "_intake_last_place"


def _carried(ctx: TurnContext, account: str, facts: IntakeFacts) -> IntakeFacts:
    """What the account says without the reader's cues: a full name given plainly
    ("同村的王福生，68岁") and "同村" — the village of the resident filed just before."""
    update: dict[str, Any] = {}
    names = full_names(account)
    if facts.name is None and len(names) == 1:
        update["name"] = names[0]
    elif facts.name is None and not names and (placed := placed_name(account)):
        update["name"] = placed  # "二港村五组的彭桂生 男的": after the place, on this line only
    last = ctx.session.slots.get(LAST_PLACE)
    same = any(word in account for word in ctx.texts.raw("staff.same_village_words"))
    if (
        same
        and isinstance(last, dict)
        and not facts.village
        and last.get("village")
        and facts.township in (None, last.get("township"))
    ):
        update |= {"township": last.get("township"), "village": last.get("village")}
        if facts.residence is None and last.get("residence"):
            update["residence"] = last["residence"]
    return facts.model_copy(update=update) if update else facts


def _others_named(text: str, name: str) -> list[str]:
    """Full names in ``text`` of residents other than ``name`` (a corrected spelling,
    "王福升" for 王福生, shares the surname and is not another resident)."""
    return [other for other in full_names(text) if other != name and other[:1] != name[:1]]


def _as_values(facts: IntakeFacts) -> dict[str, Any]:
    """Facts in the shape the form's slots hold them."""
    values: dict[str, Any] = {}
    for name in ("name", "id_number", "phone", "household_size", "monthly_income", "residence"):
        value = getattr(facts, name)
        if value is not None:
            values[name] = value
    if facts.township:
        values["place"] = {"township": facts.township, "village": facts.village}
    if facts.programs:
        values["program"] = facts.programs[0] if len(facts.programs) == 1 else facts.programs
    return values


def _shown(name: str, value: Any) -> str:
    from nlu.validators import mask_id, mask_phone

    if name == "id_number":
        return mask_id(str(value))
    if name == "phone":
        return mask_phone(str(value))
    if name == "programs":  # names staff know, not the ids ("dibao", "temporary")
        programs = load_catalog().programs
        return "、".join(programs[p].short_name if p in programs else str(p) for p in value)
    if name == "conditions":
        titles = {c.value: c.title for c in choices_from(WORDS["conditions"])}
        return "、".join(titles.get(str(c), str(c)) for c in value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if name == "residence":
        titles = {c.value: c.title for c in choices_from(WORDS["residence"])}
        return titles.get(str(value), str(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
