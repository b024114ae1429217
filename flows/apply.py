"""Apply (网上办/掌上办): who, where, the household, two consents, confirm, case created.

Household facts from an earlier self-screening are reused, not asked again. Naming
several programs ("低保和医疗救助都要申请") asks the questions once and files one case
per program (``services.applications``). The informed commitment (告知承诺) and the authorisation for the economic check are shown
in full and each needs an explicit 同意; which version was agreed is kept with the case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from base.messages import BotReply, Button
from flows import reading
from flows.applicant import (
    id_number_slot,
    listed,
    name_filled,
    name_slot,
    phone_slot,
    place_filled,
    place_slots,
    unlisted_village,
)
from flows.base import TurnContext, call
from flows.forms import Choice, Form, Slot
from flows.household import screen_values
from flows.manage import remember_filed
from flows.screening import SLOTS as HOUSEHOLD_SLOTS
from flows.screening import (
    applicant_moved,
    household_answers,
    household_cleared,
    household_corrected,
    household_filled,
    household_lines,
    keep_told_members,
    with_applicant,
)
from flows.story import TOLD_VILLAGE, opening_facts
from flows.texts import texts
from nlu.answers import Reading
from policies.catalog import load_catalog
from policies.household import InvalidHousehold
from services.applications import ApplicationOutcome, ApplicationRequest
from services.chat import application_channel
from services.consents import APPLICATION_CONSENTS
from services.consents import consent as consent_text
from services.household import place

# The household questions an application asks; the others (assets, medical costs, an
# event) are kept when the resident says them or said them in the screening, and are
# checked by staff later.
ASKED = ("residence", "household_size", "ages", "conditions", "who_ill", "who_disabled",
         "who_students", "who_unemployed", "disability_grade", "disability_kind",
         "parents_unable", "monthly_income")  # fmt: skip
AGREE = "agree"
WANTS_CHARS = 40  # "低保和临时救助都想申请 还有医疗救助" is short; a story is longer


def _program_choices() -> tuple[Choice, ...]:
    said: dict[str, list[str]] = texts().raw("apply.program_words") or {}
    return tuple(
        Choice(p.id, p.short_name, (p.name, *p.synonyms, *said.get(p.id, ())))
        for p in load_catalog().programs.values()
    )


def _named_programs(text: str) -> list[str]:
    """The programs a piece of a message names by their words, in the order said; the
    longest word first ("低保边缘" is not also 低保), negations left to the caller."""
    from nlu.finders.text import prepare

    said = prepare(text).text
    words = sorted(
        ((prepare(word).text, choice.value) for choice in _program_choices()
         for word in (choice.title, *choice.words)),
        key=lambda item: -len(item[0]),
    )  # fmt: skip
    found: list[tuple[int, str]] = []
    for word, program in words:
        while word and word in said:
            found.append((said.index(word), str(program)))
            said = said.replace(word, "#" * len(word), 1)
    return list(dict.fromkeys(program for _, program in sorted(found)))


def programs_corrected(text: str, chosen: list[str]) -> list[str] | None:
    """The programs after a summary message naming some: added to those chosen
    ("看病那个医疗救助也要申请", "也要加上，不是换掉"), taken off ("不要特困了") or put in
    place of them ("换成医疗救助", "只要低保"). None: it names no program."""
    import re

    from nlu.finders.text import prepare

    if not _named_programs(text):
        return None
    words = texts().raw
    added: list[str] = []
    removed: set[str] = set()
    instead: list[str] | None = None
    for clause in re.split(r"[,.;!?，。；！？]", prepare(text).text):
        named = _named_programs(clause)
        if not named:
            continue
        if any(w in clause for w in words("apply.programs_not_replacing")):
            added += named
            continue
        replacing = [w for w in words("apply.programs_replacing") if w in clause]
        if replacing:
            tail = clause[clause.index(replacing[0]) + len(replacing[0]) :]
            instead = (instead or []) + (_named_programs(tail) or named)
        elif any(w in clause for w in words("apply.programs_removing")):
            removed |= set(named)
        else:
            added += named
    base = instead if instead is not None else [p for p in chosen if p not in removed]
    now = list(dict.fromkeys(base + [p for p in added if p not in removed]))
    return now or None


def _programs(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The program named ("低保"), or every one when several are ("临时救助和医疗救助都
    申请": one application, one case each)."""
    found = reading.choices(_program_choices(), ctx, values)
    picked = list(found.value or [])
    if not picked:
        # A typo the choices' words miss ("五包", "低包") that the NLU read as a program.
        picked = list(dict.fromkeys(str(p) for p in ctx.parse.all("program")))
    if not picked:
        return Reading(None, sure=False, facts=found.facts)
    return Reading(picked[0] if len(picked) == 1 else picked, facts=found.facts)


def _programs_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    named = [str(p) for p in facts.get("programs") or []]
    if not named:
        return None
    return named[0] if len(named) == 1 else named


def _born(id_number: str) -> dt.date | None:
    """The birth date an 18-character ID number holds (GB 11643-1999)."""
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def _age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# session value: the applicant's age the 身份证号 gives (set when the ID is filled)
ID_AGE = "_id_age"


def _ages_disagree(values: dict[str, Any]) -> bool:
    """The ID's age and the applicant's stated age are more than a year apart (probeL 20:
    "我六十九他七十一" then an ID born 1955): asked once which is right, never changed
    silently."""
    id_age = values.get(ID_AGE)
    ages = values.get("ages") or []
    size = values.get("household_size")
    if size is not None and len(ages) != int(size):
        return False  # ages not all told yet ("我和我女儿她十二岁"): asked once they are
    return id_age is not None and bool(ages) and abs(int(ages[0]) - int(id_age)) > 1


def _age_check_choices(values: dict[str, Any]) -> tuple[Choice, ...]:
    say = texts()
    id_age = values.get(ID_AGE)
    ages = values.get("ages") or [None]
    return (
        Choice("id", say("apply.button_age_id", age=id_age), ("身份证", "证上", "按证")),
        Choice("said", say("apply.button_age_said", age=ages[0]), ("我说的", "说的", "按说的")),
        Choice("handoff", say("apply.button_age_person")),
    )


def age_check_slot() -> Slot:
    return Slot(
        "age_check",
        "apply.ask_age_check",
        ask_if=_ages_disagree,
        choices_for=_age_check_choices,
        question_values=lambda values: {
            "id_age": values.get(ID_AGE),
            "said": (values.get("ages") or [None])[0],
        },
    )


def id_age_noted(values: dict[str, Any]) -> None:
    """The 身份证号 was filled: the age it gives is kept for ``age_check_slot``."""
    born = _born(str(values.get("id_number") or ""))
    values.pop("age_check", None)  # a new ID: its age is checked anew
    values.pop(ID_AGE, None)
    if born is not None:
        values[ID_AGE] = _age_on(born, dt.date.today())


def age_check_taken(values: dict[str, Any]) -> None:
    """The ID's age chosen: "申请人写我老汉儿" (the ID is another member's) puts that
    member first; else the applicant's own age becomes the ID's. The stated age: kept."""
    if values.get("age_check") != "id":
        return
    age = int(values[ID_AGE])
    if not applicant_moved(values, age):
        values["ages"] = [age, *list(values.get("ages") or [])[1:]]


def age_check_cleared(values: dict[str, Any], name: str) -> None:
    if name in ("id_number", "ages", "household_size"):
        values.pop("age_check", None)  # asked again for the new answer
    if name == "id_number":
        values.pop(ID_AGE, None)


def age_check_said(ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> list[BotReply]:
    """Said back after the age question: which age the form now holds."""
    chosen = values.get("age_check")
    if slot.name != "age_check" or chosen not in ("id", "said"):
        return []
    age = values.get(ID_AGE) if chosen == "id" else (values.get("ages") or [None])[0]
    return [BotReply(ctx.texts("apply.age_check_kept", age=age))]


def programs_of(value: Any) -> list[str]:
    """The program slot's value as a list (one program, or several)."""
    if not value:
        return []
    return [str(p) for p in value] if isinstance(value, list) else [str(value)]


def _programs_shown(value: Any) -> str:
    return "、".join(_name(p) for p in programs_of(value))


def consent_slot(kind: str) -> Slot:
    """告知承诺 / 核对授权: recorded only on an explicit agreement (``flows.forms``)."""
    consent = consent_text(kind)
    return Slot(
        kind,
        f"apply.ask_{kind}",
        label="labels.consent",
        label_values={"title": consent.title},
        read=reading.consent,
        consent=True,
        refused="apply.not_agreed",
        choices=(
            Choice(AGREE, texts()("apply.button_agree")),
            Choice("refuse", texts()("apply.button_refuse")),
        ),
        validate=lambda value, _values: None if value == AGREE else texts()("apply.must_agree"),
        question_values=lambda _values: {"text": consent.text},
        show=lambda _value: texts()("labels.show_agreed"),
    )


# Questions asked only for the programs they decide: 医疗救助 needs the medical costs paid
# by the household, 教育救助 the school costs, 特困 whether a relative able to support
# the applicant exists (domain.md: no supporter, or supporters unable).
ASKED_FOR = {"medical": "medical", "education": "education", "supporters_able": "tekun"}
# Asked for their program whatever the screening's reason to skip them: whoever applies
# for 特困 is asked about supporters, labour capacity or not (staff judge it).
ASKED_ALWAYS = ("supporters_able",)


def _anyone_ill(values: dict[str, Any]) -> bool:
    """A member said to be seriously ill (尿毒症透析, 肝癌化疗): the costs the household
    pays itself are a 刚性支出 any program deducts (domain.md), so they are asked."""
    placed, pending = place(values)
    return bool(placed.get("ill") or pending.get("ill"))


# Questions asked beyond their program when the household's answers call for them.
ASKED_WHEN = {"medical": _anyone_ill}


def _kept(slot: Slot) -> Slot:
    """A household question the application does not ask: kept when said."""
    if slot.name in ASKED:
        return slot
    program = ASKED_FOR.get(slot.name)
    if program is not None:
        name = slot.name
        wanted = None if name in ASKED_ALWAYS else slot.ask_if

        def ask_if(values: dict[str, Any]) -> bool:
            if name in values:
                return True  # said anyway: shown and kept, like the questions not asked
            also = ASKED_WHEN.get(name)
            if program not in programs_of(values.get("program")) and not (also and also(values)):
                return False
            return wanted is None or wanted(values)

        return replace(slot, ask_if=ask_if)
    return replace(slot, asked=False)


def _slots(region: str) -> tuple[Slot, ...]:
    program = Slot(
        "program",
        "apply.ask_program",
        label="labels.program",
        read=_programs,
        fact=_programs_fact,
        choices=_program_choices(),
        show=_programs_shown,
        question_values=lambda values: {
            "suggested": values.get("_suggested", []),
            "one_of": bool(values.get("_one_of")),
        },
        words=("项目",),
    )
    return (
        program,
        name_slot(),
        id_number_slot(),
        age_check_slot(),
        phone_slot(),
        *place_slots(region),
        *(_kept(slot) for slot in HOUSEHOLD_SLOTS),
        consent_slot("commitment"),
        consent_slot("authorisation"),
    )


class ApplyFlow(Form):
    name = "apply"
    intents = ("apply",)
    intro = "apply.intro"

    def __init__(self, region: str) -> None:
        self.region = region
        self.slots = _slots(region)  # type: ignore[misc]

    def claims(self, ctx: TurnContext) -> bool:
        """ "低保和临时救助都想申请 还有医疗救助": wanting several programs, asked nothing
        about them, starts one application for them all, never a policy card for each
        (the classifier may read the programs' names as a policy question)."""
        if ctx.payload is not None or len(ctx.text) > WANTS_CHARS:
            return False  # a longer message is an account of the household (the story)
        if len(_named_programs(ctx.text)) < 2:
            return False
        asks: list[str] = texts().raw("apply.program_question_words")
        wants: list[str] = texts().raw("apply.wants_programs_words")
        done: list[str] = texts().raw("apply.applied_before_words")
        said = ctx.text
        return (
            any(w in said for w in wants)
            and not any(w in said for w in asks)
            and not any(w in said for w in done)
        )

    def answers_itself(self, ctx: TurnContext) -> bool:
        """ "低保和医疗救助都要" at the program question: the answer, never a policy question
        (the classifier may be sure it asks about 低保)."""
        if ctx.payload is None and ctx.session.step == "program":
            asks: list[str] = texts().raw("apply.program_question_words")
            if _programs(ctx, self.values(ctx)).value and not any(w in ctx.text for w in asks):
                return True
        return super().answers_itself(ctx)

    def opening_facts(self, ctx: TurnContext, keep: bool = False) -> dict[str, Any]:
        keep_told_members(ctx)
        facts = opening_facts(ctx, keep)
        if ctx.payload:  # '/apply{"program":"dibao"}'
            named = [str(p) for p in ctx.parse.all("program")]
            if named:
                facts["programs"] = named
        return facts

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        kept = household_answers(ctx.session.slots.get("household_answers", {}))
        values: dict[str, Any] = with_applicant(ctx, kept)
        screening = ctx.session.slots.get("screening") or {}
        likely = [p for p, status in screening.get("programs", {}).items() if status == "likely"]
        names = {p.id: p.short_name for p in load_catalog().programs.values()}
        values["_suggested"] = [names[p] for p in likely if p in names]
        program = ctx.session.slots.get("program")
        # 特困 and 低保 both likely: not both paid, so which is asked, whatever program
        # was talked about before ("能不能吃低保" then a screening that found 特困 too)
        either = {"tekun", "dibao"} <= set(likely)
        values["_one_of"] = either
        told = ctx.session.slots.get(TOLD_VILLAGE)
        if told and not values.get("place"):
            values[TOLD_VILLAGE] = told  # "我是龙洞村的网格员…": its township is asked
        if (
            program in names
            and not either
            and not self.opening_facts(ctx, keep=True).get("programs")
        ):
            values["program"] = program
        return values

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        if slot.name == "place":
            place_filled(values, ctx.text)
        if slot.name == "name":
            name_filled(ctx, values)
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

    def correct_first(
        self, ctx: TurnContext, values: dict[str, Any]
    ) -> tuple[list[str], tuple[str, ...]]:
        chosen = programs_of(values.get("program"))
        now = programs_corrected(ctx.text, chosen) if chosen else None
        if now is not None:
            values["program"] = now[0] if len(now) == 1 else now
            return ["program"], ("programs",)
        township = (values.get("place") or {}).get("township")
        named = unlisted_village(ctx.text, township) if township else None
        if named is not None and named != values.get("village"):
            values["village"] = named  # "村 不对 是石门村 刚才没得选"
            return ["village"], ()
        return household_corrected(ctx, values)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        try:
            request = application_request(ctx, values)
        except InvalidHousehold as problem:
            return [ctx.say("apply.invalid", problem=problem.errors[0].message)]
        outcome = await call(ctx, ctx.services.applications.submit, request)
        if outcome.filed:
            ctx.session.slots["household_answers"] = household_answers(values)
            ctx.session.slots["program"] = programs_of(values["program"])[0]
            if outcome.cases:  # the Rasa action sets its slot from it
                ctx.session.slots["case_number"] = outcome.cases[0].case_no
                remember_filed(ctx.session.slots, outcome.cases[0].case_no)
        return application_replies(ctx, outcome)


def application_request(ctx: TurnContext, values: dict[str, Any]) -> ApplicationRequest:
    """The application the completed form's answers make (the Rasa action's too): the
    household and every fact the resident told, and the result they were shown."""
    household, result = screen_values(values, ctx.services.region)
    programs = programs_of(values["program"])
    return ApplicationRequest(
        programs=programs,
        applicant={
            "name": values["name"],
            "id_number": values["id_number"],
            "phone": values["phone"],
        },
        township=values["place"]["township"],
        village=values.get("village") or "",
        household=household,
        screening=result.model_dump(mode="json"),
        channel=application_channel(ctx.message.channel),
        chat_channel=ctx.message.channel,
        chat_sender=ctx.message.sender_id,
        agreed=[kind for kind in APPLICATION_CONSENTS if values.get(kind) == AGREE],
        summary=ctx.texts(
            "apply.case_summary",
            programs=_programs_shown(values["program"]),
            lines=household_lines(values),
            unlisted=unlisted_of(ctx, values),
        ),
    )


def unlisted_of(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """The village said that the region's list does not have, for staff to check."""
    village = values.get("village")
    township = (values.get("place") or {}).get("township")
    if not village or listed(ctx.services.region, township, str(village)):
        return None
    return str(village)


def application_replies(ctx: TurnContext, outcome: ApplicationOutcome) -> list[BotReply]:
    """What the resident is told: each program's case, or why nothing was filed."""
    if outcome.problem:
        return [ctx.say("apply.invalid", problem=outcome.problem)]
    if outcome.missing_consents:
        return [ctx.say("apply.must_agree")]
    if outcome.of("received"):  # a 身份证号 known from someone else: nothing about it
        numbers = [p.case.case_no for p in outcome.programs if p.case is not None]
        return [BotReply(ctx.texts("apply.received", cases=numbers).strip())]
    status_button = (Button(ctx.texts("apply.button_status"), "/application_status"),)
    held = outcome.of("already_recipient")
    if len(held) == len(outcome.programs):
        names = "、".join(_name(p.program) for p in held)
        return [BotReply(ctx.texts("apply.already_recipient", programs=names), status_button)]
    sudden = ctx.texts("apply.sudden")
    if len(outcome.programs) == 1:
        [only] = outcome.programs
        key = "apply.duplicate" if only.result == "duplicate" else "apply.created"
        said = ctx.texts(key, case=only.case, program=_name(only.program), texts_sudden=sudden)
        return [BotReply(said, status_button)]
    items = [
        {"program": _name(p.program), "result": p.result, "case": p.case} for p in outcome.programs
    ]
    urgent = any(
        p.result == "created" and p.case is not None and p.case.priority == "urgent"
        for p in outcome.programs
    )
    said = ctx.texts("apply.several", items=items, sudden=urgent, texts_sudden=sudden)
    return [BotReply(said, status_button)]


def _name(program_id: str) -> str:
    program = load_catalog().programs.get(program_id)
    return program.short_name if program else program_id
