"""Self-screening (智能研判): a few questions about the household, then what may fit.

Only what is needed is asked: facts given in any answer ("我们家三口人，老伴瘫痪在床，
一个月收入一千二") fill their questions and are said back, corrections ("不对，是四口人")
overwrite, and follow-up questions are asked only when they can change the result.
The household is kept member by member (``flows/household.py``): who is ill, disabled
(grade, kind), at school or out of work — "生病的是谁？" is asked only when the answer
did not say — whether a grandchild's parents can raise it, and a sudden event with
its one-off cost. Answers are read by ``flows.reading`` (``nlu.answers``); the
buttons' titles live in ``flows/texts/screening_words.yml``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import replace
from typing import Any

from backend.errors import BackendError
from base.messages import BotReply, Button
from flows import reading
from flows.base import TurnContext, call
from flows.forms import CONFIRM, Choice, Form, Slot, choices_from
from flows.household import (
    KIND_OF,
    KINDS,
    UNKNOWN,
    applicant_without_labour,
    base_members,
    fitting_members,
    is_range,
    members,
    minors_without_parents,
    needs_grade,
    needs_kind,
    place,
    placements,
    screen_values,
)
from flows.manage import changes as manage_changes
from flows.story import MIN_AGES_FOR_SIZE, applicant_of, opening_facts, told_before
from flows.texts import texts
from nlu.answers import Reading
from nlu.facts import extract_facts
from nlu.finders.counts import grades_of, household_size_of, member_ages
from nlu.finders.members import (
    cleared_of,
    conditions_detail,
    conditions_of,
    find_mentions,
    illnesses_of,
    unnamed_kinds,
)
from nlu.finders.negation import is_negated
from nlu.finders.text import prepare, terms
from policies.catalog import load_catalog
from policies.household import InvalidHousehold
from policies.screening import ScreeningResult
from services.household import relation_fits

WORDS: dict[str, Any] = texts().raw("screening_words.words")
CONDITION_ORDER: tuple[str, ...] = ("serious", "disability", "student", "unemployed", "none")
MONEY_SLOTS = ("monthly_income", "medical", "education", "deposits", "debt", "one_off_cost")


def _choices(name: str) -> tuple[Choice, ...]:
    """A question's buttons from the word file: value and title."""
    return choices_from(WORDS[name])


# -- readers that need more than one reader -------------------------------------------
_NUMBERS_ONLY = re.compile(r"^[\d\s,/;.和]+$")
_NUMBERED = re.compile(r"^([1-5](?:[\s,和]+[1-5])*)[\s,]+(?:是|就是)?\D")


def _conditions(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The numbered options ("1 3", "5") or the answer in words, per member."""
    text = prepare(ctx.text).text.strip()
    numbered = _NUMBERED.match(text)  # "1 是我妈 59岁那个": the option, then who
    if numbered and not _NUMBERS_ONLY.match(text):
        text = numbered.group(1)
    if _NUMBERS_ONLY.match(text):
        picked = [int(n) for n in re.findall(r"\d+", text)]
        if picked and all(1 <= n <= len(CONDITION_ORDER) for n in picked):
            if len(CONDITION_ORDER) in picked:
                return Reading({kind: [] for kind in KINDS})
            kinds = {KIND_OF[CONDITION_ORDER[n - 1]] for n in picked}
            return Reading({kind: [None] if kind in kinds else [] for kind in KINDS})
    return reading.conditions(ctx, values)


def _conditions_about(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "有高血压 算不算病": whether that counts, or what the question means."""
    body = prepare(ctx.text).text
    words: list[str] = WORDS["asks_about"]
    if not any(word in body for word in words):
        return None
    illness = "、".join(illnesses_of(body))
    if conditions_of(body, reading.applicant(ctx, values)).get("ill") and illness:
        return texts()("screening.about_serious", illness=illness)
    if illness:
        return texts()("screening.about_not_serious", illness=illness)
    return texts()("screening.about_conditions")


def _vehicles_about(ctx: TurnContext, values: dict[str, Any]) -> str | None:
    """ "没车 电动车算不算": an electric bike, a bicycle, a mobility scooter is no motor
    vehicle (nlu counts.yml ``not_motor``) — said, and "没车" is still taken."""
    body = prepare(ctx.text).text
    cues = [*WORDS["asks_about"], *WORDS["asks_about_vehicles"]]
    if not any(word in body for word in cues):
        return None
    motor = terms("counts", "vehicles", "motor")
    kinds = [
        w
        for w in terms("counts", "vehicles", "not_motor")
        if w in body and not any(w in m and m != w and m in body for m in motor)  # 电单车
    ]
    if not kinds:
        return None
    return texts()("screening.about_not_motor", kind=kinds[0])


def _conditions_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    said = {kind: facts[kind] for kind in KINDS if kind in facts}
    current = values.get("conditions")
    cleared = _cleared(facts, values) if isinstance(current, dict) else {}
    if not said and not cleared:
        return None
    if not isinstance(current, dict):
        return said
    merged = dict(current)
    for kind, found in said.items():
        if overwrite or kind not in merged:
            merged[kind] = found
    for kind, keep in cleared.items():
        if kind not in said:
            merged[kind] = keep
    return merged


def _size_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    """The household size said, or, when it was not, the number of ages listed with the
    people they are ("我哥41 嫂子38 两个孩子12岁 5岁" → 4): "一共几口人" is then not
    asked again (the size is said back, and can be corrected at the summary)."""
    if facts.get("household_size") is not None:
        return facts["household_size"]
    ages = facts.get("ages") or []
    if "household_size" in values or values.get("ages") or len(ages) < MIN_AGES_FOR_SIZE:
        return None
    return len(ages)


def _cleared(facts: dict[str, Any], values: dict[str, Any]) -> dict[str, list[Any]]:
    """ "老伴高血压不算重病": each kind's entries without the members said not to have it,
    for the kinds that lose one (a member is matched by the relation said, or by the
    relation of the member the "who is it?" answer placed it on)."""
    current = values.get("conditions") or {}
    members = base_members(values)
    result: dict[str, list[Any]] = {}
    for kind, relations in (facts.get("cleared") or {}).items():
        entries = list(current.get(kind) or [])
        placed = [str(i) for i in values.get(f"who_{kind}") or []]
        keep: list[Any] = []
        for index, entry in enumerate(entries):
            who = entry.get("who") if isinstance(entry, dict) else entry
            if who is None and index < len(placed) and placed[index].isdigit():
                member = int(placed[index])
                if member < len(members):
                    who = members[member]["relation"]
            if who not in relations:
                keep.append(entry)
        if len(keep) != len(entries):
            result[kind] = keep
    return result


ADULT = 18  # an age below this is no age of the one typing (their child's, grandchild's)


def _ages_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    if "ages" not in facts or ("ages" in values and not overwrite):
        return None
    ages = list(facts["ages"])
    size = facts.get("household_size") or values.get("household_size")
    if size and "ages" not in values and 0 < len(ages) < int(size) and max(ages) < ADULT:
        # "两个人我和我女儿她十二岁": the daughter's age; the writer's is still to come
        values["_ages_part"] = ages
        return None
    return ages


def _partial_ages(values: dict[str, Any]) -> list[int]:
    """Children's ages told before the writer's own ("我和我女儿她十二岁"), kept to be
    completed by the next answer to the ages question."""
    return list(values.get("_ages_part") or [])


def _ages(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    """The ages, applicant first. More ages than the household size said, each with
    the person it is ("我66 孙子10岁 孙女6岁" after "两个"), correct the size."""
    found = reading.ages(ctx, values)
    size = values.get("household_size")
    part = _partial_ages(values)
    if found.value and size and part and len(found.value) + len(part) == int(size):
        # "我四十六" after "我和我女儿她十二岁": the writer's age first, then the child's
        return Reading([*found.value, *part], sure=True, facts=found.facts)
    if found.value and size is not None and len(found.value) < int(size):
        return _ages_completed(ctx, values, found, int(size))
    if not found.value or size is None or len(found.value) <= int(size):
        return found
    body = prepare(ctx.text).text
    if household_size_of(body) == len(found.value):
        # "不是2个人 是5个人 46、48、20、14、78": the size said again with its ages
        facts = {**found.facts, "household_size": len(found.value), "_corrects": ["household_size"]}
        return Reading(found.value, sure=True, facts=facts)
    said = member_ages(body, True, reading.applicant(ctx, values))
    if len(said) != len(found.value):
        return found
    extra = said[int(size) :]
    if all(relation is None and _denied(body, age) for age, relation, _ in extra):
        # "我六十七 他七十二 哪里有40岁的": the ages said, not the one denied
        return Reading(found.value[: int(size)], sure=True, facts=found.facts)
    if _named_again(said[: int(size)], extra):
        # "55 52 80 我妈80了": the mother is the 80 just listed, not one more person
        return Reading(found.value[: int(size)], sure=True, facts=found.facts)
    if all(relation for _, relation, _ in extra):  # each extra age is a person named
        facts = {**found.facts, "household_size": len(found.value), "_corrects": ["household_size"]}
        return Reading(found.value, sure=True, facts=facts)
    return found


# Form value: the ages of an answer that gave fewer than the household ("一个八岁一个五岁")
# and whether the applicant's was first among them; the next answer may give the rest.
PARTIAL_AGES = "_ages_partial"
SAID_MEMBERS = "_size_members"  # who the size answer named ("两个 我和我男人")


def _ages_completed(ctx: TurnContext, values: dict[str, Any], found: Reading, size: int) -> Reading:
    """ "…两个小孩一个八岁一个五岁", then "我三十八她三十六" (said, not typed as a list):
    the two answers together when they give the household's ages, the applicant's first;
    otherwise this answer's ages are kept for the next one (probeG F7)."""
    said = member_ages(prepare(ctx.text).text, True, reading.applicant(ctx, values))
    mine = bool(said) and said[0][1] == "self"
    partial = values.get(PARTIAL_AGES) or {}
    before = list(partial.get("ages") or [])
    if before and len(before) + len(found.value) == size:
        # the applicant's first: said so, or else the older ones (children are told apart)
        first = mine or (not partial.get("self") and max(found.value) > max(before))
        ages = [*found.value, *before] if first else [*before, *found.value]
        return Reading(ages, sure=True, facts=found.facts)
    values[PARTIAL_AGES] = {"ages": list(found.value), "self": mine}
    return found


def _named_again(
    listed: list[tuple[int, str | None, str | None]],
    extra: list[tuple[int, str | None, str | None]],
) -> bool:
    """Whether each age beyond the household size names a member with an age already
    listed bare ("55 52 80 我妈80了"): the same person said again."""
    bare = [age for age, relation, _ in listed if relation is None]
    for age, relation, _ in extra:
        if relation is None or age not in bare:
            return False
        bare.remove(age)
    return True


def _denied(body: str, age: int) -> bool:
    """Whether the clause that holds ``age`` denies it ("哪里有40岁的")."""
    words: list[str] = WORDS["denied_age"]
    return any(
        re.search(rf"(?<!\d){age}(?!\d)", part) and any(w in part for w in words)
        for part in re.split(r"[,.;!?，。；！？\s]", body)
    )


def _ages_question(values: dict[str, Any]) -> dict[str, Any]:
    """ "从您自己开始", or "从您父亲开始" when a son or daughter answers for a parent."""
    first = texts().raw("story.applicant_is").get(str(values.get("_applicant") or ""))
    return {"size": int(values.get("household_size") or 1), "first": first}


def _grade(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    said = prepare(ctx.text).text
    if ctx.payload is None and any(word in said for word in WORDS["grade_uncertified"]):
        # "还没办残疾证，医生说可能是二级": the certificate decides; no grade yet
        return Reading(UNKNOWN)
    return reading.grade(ctx, values)


def _parents(ctx: TurnContext, values: dict[str, Any]) -> Reading:
    found = reading.yes_no("parents_unable")(ctx, values)
    if found.value is None and ctx.payload in ("/yes", "/no"):
        return Reading(ctx.payload == "/yes")
    return found


# -- validators ---------------------------------------------------------------------
def _size_problem(value: int, _: dict[str, Any]) -> str | None:
    return None if 1 <= int(value) <= 20 else texts()("screening.size_invalid")


def _ages_problem(ages: list[int], values: dict[str, Any]) -> str | None:
    size = values.get("household_size")
    if size is not None and len(ages) != int(size):
        part = _partial_ages(values)
        if not part and 0 < len(ages) < int(size) and max(ages) < ADULT:
            part = values["_ages_part"] = list(ages)  # a child's age: the writer's to come
        if part:
            left = int(size) - len(part)
            return texts()("screening.ages_left", part="、".join(map(str, part)), left=left)
        return texts()("screening.ages_count", size=int(size), got=len(ages))
    if any(not 0 <= int(age) <= 120 for age in ages):
        return texts()("screening.age_invalid")
    return None


def _money_problem(value: Any, _: dict[str, Any]) -> str | None:
    if value == UNKNOWN or is_range(value):
        return None
    return None if float(value) >= 0 else texts()("screening.money_negative")


def _income_problem(value: Any, values: dict[str, Any]) -> str | None:
    if value == UNKNOWN:
        return texts()("screening.income_needed")
    return _money_problem(value, values)


# -- how answers read ---------------------------------------------------------------
TEN_THOUSAND = 10000  # "1万多元", "2万多元": a sum in 万 said with 多


def yuan(value: Any, values: dict[str, Any] | None = None, slot: str = "") -> str:
    """ "1200元", "约8000元" (an approximation), "1000–9000元（范围）", "不清楚"."""
    if value == UNKNOWN:
        return texts()("labels.show_unknown")
    if is_range(value):
        return texts()("labels.show_range", low=value["min"], high=value["max"])
    approx = ((values or {}).get("_approx") or {}).get(slot)
    shown = f"{float(value):g}"
    number = float(value)
    if approx == "more" and number >= TEN_THOUSAND and number % TEN_THOUSAND == 0:
        # "万几蚊", "一万多": said back as said — "约10000元" reads as a round ten thousand
        return texts()("labels.show_yuan_more", v=f"{number / TEN_THOUSAND:g}万")
    return texts()("labels.show_yuan", v=shown, approx=bool(approx))


def _money_show(slot: str) -> Any:
    return lambda value, values: yuan(value, values, slot)


def member_title(values: dict[str, Any], index: int, said: Any = None) -> str:
    """ "本人（62岁）", "配偶（59岁）", "第3位（年龄未填）"; ``said``: the relation the
    condition was told with, naming a member whose own relation was not said."""
    people = base_members(values)
    person = people[index]
    relation = person["relation"] or (said if isinstance(said, str) and said != "self" else None)
    titles: dict[str, str] = WORDS["relation_titles"]
    name = titles.get(relation, "") if relation else ""
    age = person["age"] if person.get("known", True) else None  # never an age nobody gave
    # Typed by a son or daughter for a parent: the applicant is "您母亲", not the one typing.
    applicant = texts().raw("story.applicant_is").get(str(values.get("_applicant") or ""))
    return texts()(
        "screening.member_title",
        index=index + 1,
        name=name,
        age=age,
        first=index == 0,
        applicant=applicant if applicant and values.get("_applicant") != "spouse" else None,
    )


def _conditions_shown(value: Any, values: dict[str, Any]) -> str:
    names: dict[str, str] = WORDS["condition_names"]
    pairs, pending = placements(values)
    built = members(values)
    parts = []
    for kind in KINDS:
        who = [member_title(values, i, entry.get("who")) for entry, i in pairs.get(kind, [])]
        if kind == "disabled":
            who = [
                texts()(
                    "screening.member_grade",
                    who=member_title(values, i, entry.get("who")),
                    grade=built[i].get("disability_grade"),
                )
                for entry, i in pairs.get(kind, [])
            ]
        titles: dict[str, str] = WORDS["relation_titles"]
        named = [titles[e["who"]] for e in pending.get(kind, []) if e.get("who") in titles]
        who += list(dict.fromkeys(named))  # "配偶": said by relation, placed once ages are known
        if len(named) < len(pending.get(kind, [])):
            who.append(texts()("screening.member_pending"))
        if who:
            parts.append(texts()("screening.condition_line", kind=names[kind], who=who))
    return "；".join(parts) or texts()("labels.show_no_conditions")


NOBODY = "none"


def _member_choices(values: dict[str, Any], kind: str | None = None) -> tuple[Choice, ...]:
    """The members as buttons ("本人（62岁）", "子女（32岁）"), and "都不是"; for a ``kind``
    told of a relation ("我儿子尿毒症"), only the members of an age to be that relation
    ("子女（22岁）", "子女（18岁）")."""
    relation_words: dict[str, list[str]] = WORDS["relation_words"]
    people = base_members(values)
    said = list(values.get("relation_words") or [])
    relations = [person["relation"] for person in people]
    fitting = fitting_members(values, kind) if kind else []
    named = None
    if fitting:
        _, pending = placements(values)
        named = pending[str(kind)][0].get("who")
    options = []
    for index, person in enumerate(people):
        if fitting and index not in fitting:
            continue
        words = [said[index]] if index < len(said) and said[index] else []
        relation = person["relation"]
        if relation and relations.count(relation) == 1:
            words += relation_words.get(relation, [])  # one member of that relation: its words
        options.append(Choice(str(index), member_title(values, index, named), tuple(words)))
    options.append(Choice(NOBODY, texts()("screening.who_nobody"), ()))
    return tuple(options)


def _who(kind: str) -> Any:
    """Who it is: buttons or numbers ("1 2"), the words of one member ("大儿子"), the
    people named and placed as the household's rules place them ("两个儿子"), or
    "都不是" (nobody in the household: the question was about someone outside it)."""

    def reader(ctx: TurnContext, values: dict[str, Any]) -> Reading:
        options = _member_choices(values, kind)
        text = prepare(ctx.text).text
        # "2 我男人尿毒症": the 我 of 我男人 is no choice of 本人 (probeI H4)
        plain = replace(ctx, text=_others_blanked(text, reading.applicant(ctx, values)))
        found = reading.choices(options, plain, values)
        everyone = _member_choices(values)
        if not found.value and len(everyone) > len(options):
            # "3 4" counted over the whole household, not the buttons shown
            found = reading.choices(everyone, plain, values)
        # "都不是" answers this question: it denies nothing else.
        facts = {k: v for k, v in found.facts.items() if k not in (*KINDS, "illness")}
        picked = Reading(found.value, sure=found.sure, facts=facts)
        chosen = [str(v) for v in picked.value or []]
        if NOBODY in chosen or _says_nobody(text):
            return Reading([], facts=picked.facts)
        if chosen and (ctx.payload or _NUMBERS_ONLY.match(text)):
            return Reading(chosen, facts=picked.facts)
        named = _named_members(text, reading.applicant(ctx, values))
        if named:
            entries = [{"who": m.relation, "word": m.word} for m in named for _ in range(m.count)]
            trial = {k: v for k, v in values.items() if k != f"who_{kind}"}
            trial["conditions"] = {kind: entries}
            trial.pop("_condition_detail", None)
            placed, pending = place(trial)
            if not pending.get(kind) and placed.get(kind):
                return Reading([str(i) for i in placed[kind]], facts=picked.facts)
        return Reading(chosen or None, sure=bool(chosen), facts=picked.facts)

    return reader


def _others_blanked(text: str, applicant: str) -> str:
    """``text`` with the words naming members other than the applicant ("我男人", "我妈")
    blanked out, same length, so that their 我 is not read as 本人."""
    chars = list(text)
    for mention in find_mentions(text, applicant):
        if mention.relation != "self" or not _whose(mention, text, applicant):
            chars[mention.start : mention.end] = "＿" * (mention.end - mention.start)
    return "".join(chars)


def _named_members(text: str, applicant: str) -> list[Any]:
    """The members a text names, less a 我 that only says whose ("我男人", "我妈")."""
    return [m for m in find_mentions(text, applicant) if _whose(m, text, applicant)]


def _whose(mention: Any, text: str, applicant: str) -> bool:
    """False for a 本人 mention right before another member's word (我 of 我男人)."""
    if mention.relation != "self":
        return True
    others = {m.start for m in find_mentions(text, applicant) if m.relation != "self"}
    return mention.end not in others


def _says_nobody(text: str) -> bool:
    body = text.strip(" ,.!?~的了啊呀")
    return body in ("没有", "没", "无", "都不是", "都没有", "不是", "没有人", "没人") or any(
        word in body for word in ("都不是", "不在家里", "不是家里", "不住一起", "不在一起")
    )


def _who_slot(kind: str) -> Slot:
    def wanted(values: dict[str, Any]) -> bool:
        _, pending = place(values)
        return kind in pending and len(base_members(values)) > 1

    return Slot(
        f"who_{kind}",
        "screening.ask_who",
        read=_who(kind),
        choices_for=lambda values: _member_choices(values, kind),
        multiple=True,
        ask_if=wanted,
        question_values=lambda values: {"kind": WORDS["condition_names"][kind]},
        validate=lambda value, _values: (
            None if isinstance(value, list) else texts()("screening.who_unclear")
        ),
        unclear="screening.who_unclear",
    )


def _grade_question(values: dict[str, Any]) -> dict[str, Any]:
    index = needs_grade(values)
    return {"who": member_title(values, index or 0), "alone": len(base_members(values)) == 1}


def _kind_question(values: dict[str, Any]) -> dict[str, Any]:
    return {"who": member_title(values, needs_kind(values) or 0)}


def _grade_problem(value: Any, _: dict[str, Any]) -> str | None:
    return None if value == UNKNOWN or 1 <= int(value) <= 4 else texts()("screening.grade_invalid")


def _shown_bool(value: Any) -> str:
    if value == UNKNOWN:
        return texts()("labels.show_unknown")
    return texts()("labels.show_yes" if value in (True, "yes") else "labels.show_no")


def _had_shown(value: Any) -> str:
    if value == UNKNOWN:
        return texts()("labels.show_unknown")
    return texts()("labels.show_have" if value in (True, "yes") else "labels.show_have_not")


def _count_shown(unit: str) -> Any:
    def show(value: Any) -> str:
        if value == UNKNOWN:
            return texts()("labels.show_unknown")
        return texts()("labels.show_count", v=value, unit=unit)

    return show


def _any_student(values: dict[str, Any]) -> bool:
    placed, pending = place(values)
    return bool(placed.get("students") or pending.get("students"))


def _illness_fact(facts: dict[str, Any], values: dict[str, Any], overwrite: bool) -> Any:
    plain: list[str] = WORDS["not_illness_names"]
    said = [str(word) for word in facts.get("illness") or [] if str(word) not in plain]
    if not said or _ill_outside(facts, values):
        return None
    return list(dict.fromkeys([*(values.get("illness") or []), *said]))


def _ill_outside(facts: dict[str, Any], values: dict[str, Any]) -> bool:
    """ "脑溢血是老伴的" told by one living alone: the illness is of relatives outside
    the household (gone, or living apart), no illness of anyone in it. At the conditions
    question the relative is read into the answer, and "我没得重病" (the only member
    cleared) says the same (replayL 04)."""
    whos = set(facts.get("ill") or [])
    cleared = set((facts.get("cleared") or {}).get("ill") or [])
    own = {None, "self", "other"}  # the facts name members as the applicant sees them
    if values.get("household_size") != 1 or whos & own:
        return False
    return bool(whos) or "self" in cleared


def _has_event(values: dict[str, Any]) -> bool:
    return values.get("hardship_event") not in (None, "none")


def _child_question(values: dict[str, Any]) -> bool:
    return bool(minors_without_parents(values))


SLOTS: tuple[Slot, ...] = (
    Slot(
        "residence",
        "screening.ask_residence",
        label="labels.residence",
        read=reading.residence,
        fact="residence",
        choices=_choices("residence"),
        words=("城镇", "农村", "城里", "乡下"),
    ),
    Slot(
        "household_size",
        "screening.ask_household_size",
        label="labels.household_size",
        read=reading.count,
        fact=_size_fact,
        validate=_size_problem,
        show=lambda v: texts()("labels.show_people", v=v),
        words=("几口人", "人数", "口人"),
    ),
    Slot(
        "ages",
        "screening.ask_ages",
        label="labels.ages",
        read=_ages,
        fact=_ages_fact,
        validate=_ages_problem,
        show=lambda v: texts()("labels.show_ages", v=v),
        question_values=_ages_question,
        words=("年龄", "岁数", "年纪"),
    ),
    Slot(
        "conditions",
        "screening.ask_conditions",
        label="labels.conditions",
        read=_conditions,
        fact=_conditions_fact,
        merge=True,
        describe=_conditions_shown,
        unclear="screening.conditions_unclear",
        about=_conditions_about,
        words=("生病", "重病", "残疾", "上学", "失业", "特殊情况"),
    ),
    *(_who_slot(kind) for kind in KINDS),
    Slot(
        "disability_grade",
        "screening.ask_disability_grade",
        read=_grade,
        fact="disability_grade",
        validate=_grade_problem,
        ask_if=lambda values: needs_grade(values) is not None,
        question_values=_grade_question,
    ),
    Slot(
        "disability_kind",
        "screening.ask_disability_kind",
        choices=_choices("disability_kinds"),
        ask_if=lambda values: needs_kind(values) is not None,
        question_values=_kind_question,
    ),
    Slot(
        "parents_unable",
        "screening.ask_parents_unable",
        label="labels.parents_unable",
        read=_parents,
        fact="parents_unable",
        choices=_choices("yes_no"),
        ask_if=_child_question,
        show=_shown_bool,
        unclear="screening.yes_no_unclear",
    ),
    Slot(
        "illness",
        "screening.ask_conditions",
        label="labels.illness",
        fact=_illness_fact,
        merge=True,
        asked=False,
        show=lambda v: "、".join(v),
    ),
    Slot(
        "monthly_income",
        "screening.ask_income",
        label="labels.monthly_income",
        read=reading.money("income"),
        fact="monthly_income",
        validate=_income_problem,
        describe=_money_show("monthly_income"),
        unclear="screening.income_unclear",
        words=("收入", "工资", "养老金"),
    ),
    Slot(
        "medical",
        "screening.ask_medical",
        label="labels.medical",
        read=reading.money("medical"),
        fact="medical",
        validate=_money_problem,
        describe=_money_show("medical"),
        unclear="screening.money_unclear",
        words=("医药费", "看病", "吃药", "医疗"),
    ),
    Slot(
        "education",
        "screening.ask_education",
        label="labels.education",
        read=reading.money("education"),
        fact="education",
        validate=_money_problem,
        ask_if=_any_student,
        describe=_money_show("education"),
        unclear="screening.money_unclear",
        words=("学费", "上学花"),
    ),
    Slot(
        "deposits",
        "screening.ask_deposits",
        label="labels.deposits",
        read=reading.money("deposits"),
        fact="deposits",
        validate=_money_problem,
        describe=_money_show("deposits"),
        unclear="screening.money_unclear",
        words=("存款", "现金", "积蓄"),
    ),
    Slot(
        "debt",
        "screening.ask_debt",
        label="labels.debt",
        read=reading.money("debt"),
        fact="debt",
        validate=_money_problem,
        asked=False,
        describe=_money_show("debt"),
        words=("欠款", "借钱", "欠债"),
    ),
    Slot(
        "vehicles",
        "screening.ask_vehicles",
        label="labels.vehicles",
        read=reading.assets("vehicles"),
        fact="vehicles",
        choices=_choices("vehicles"),
        show=_count_shown("辆"),
        about=_vehicles_about,
        about_keeps_answer=True,
        words=("车",),
    ),
    Slot(
        "houses",
        "screening.ask_houses",
        label="labels.houses",
        read=reading.assets("houses"),
        fact="houses",
        choices=_choices("houses"),
        show=_count_shown("套"),
        words=("房",),
    ),
    Slot(
        "supporters_able",
        "screening.ask_supporters",
        label="labels.supporters_able",
        read=reading.supporters,
        fact="supporters_able",
        choices=_choices("supporters"),
        ask_if=applicant_without_labour,
        show=_had_shown,
        words=("赡养", "亲属"),
    ),
    Slot(
        "hardship_event",
        "screening.ask_event",
        label="labels.hardship_event",
        read=reading.event,
        fact="hardship_event",
        choices=_choices("events"),
        words=("变故", "突发"),
        named_dangers=("fire",),  # "火灾" here is the event of the last 3 months
    ),
    Slot(
        "one_off_cost",
        "screening.ask_one_off",
        label="labels.one_off_cost",
        read=reading.money("one_off"),
        fact="one_off_cost",
        validate=_money_problem,
        ask_if=_has_event,
        describe=_money_show("one_off_cost"),
        unclear="screening.money_unclear",
        words=("花了", "押金", "手术费", "住院费"),
    ),
    # A sum paid to the household once (赔偿款), said at the summary: not asked, not
    # in the household the rules screen; shown so that staff see it.
    Slot(
        "one_off_income",
        "screening.ask_one_off",
        label="labels.one_off_income",
        fact="one_off_income",
        asked=False,
        show=lambda value: texts()("labels.show_one_off_income", v=f"{float(value):g}"),
        words=("赔偿",),
    ),
)


def _kinds_named(body: str, applicant: str) -> list[str]:
    """The kinds of condition a message names: by what it says of someone, by a word of
    the kind ("重病的是…"), or by an illness ("得尿毒症的是…")."""
    found = [kind for kind, said in conditions_of(body, applicant).items() if said]
    table: dict[str, list[str]] = WORDS["kind_words"]
    found += [kind for kind, words in table.items() if any(w in body for w in words)]
    if illnesses_of(body):
        found.append("ill")
    return list(dict.fromkeys(found))


def _clauses_of(body: str, kind: str, applicant: str) -> str:
    """The clauses of ``body`` that name ``kind`` ("上学的是我"), joined; empty if none."""
    parts = [part for part in re.split(r"[,.;!?]", body) if part]
    return ",".join(part for part in parts if kind in _kinds_named(part, applicant))


def members_named(ctx: TurnContext, values: dict[str, Any], body: str) -> list[int]:
    """The members a message points at, by an age they have ("59岁那个") or a relation
    said with their age ("我妈"), leaving out the ones it denies ("不是62岁的")."""
    people = base_members(values)
    ages = [p["age"] if p.get("known", True) else None for p in people]
    found: list[int] = []
    for age, _relation, _word in member_ages(body, False, reading.applicant(ctx, values)):
        if _denied(body, age):
            continue
        if ages.count(age) != 1:
            return []  # an age nobody has (a new age), or two members have it
        found.append(ages.index(age))
    mentions = find_mentions(body, reading.applicant(ctx, values))
    starts = {mention.start for mention in mentions}
    for mention in mentions:
        if is_negated(body, mention.start, mention.end):
            continue
        if mention.word in ("我", "俺") and mention.end in starts:
            continue  # "我老汉儿": whose, not who
        same = [i for i, p in enumerate(people) if p["relation"] == mention.relation]
        if mention.relation == "self":
            same = [0]
        if len(same) == 1:
            found.append(same[0])
    return list(dict.fromkeys(found))


def who_correction(
    ctx: TurnContext, values: dict[str, Any], kinds: list[str] | None = None
) -> str | None:
    """ "重病的是59岁的 不是62岁的", "得尿毒症的是我妈", "1 是我妈 59岁那个": the message
    says which member a condition is about; the condition moves to them (the ages stay
    as they are). The kind moved, or None when the message does not say so."""
    if len(base_members(values)) < 2:
        return None
    body = prepare(ctx.text).text
    named_kinds = kinds if kinds is not None else _kinds_named(body, reading.applicant(ctx, values))
    if not named_kinds or (len(named_kinds) > 1 and not _ALL_OF.search(body)):
        return None  # two kinds only said of one person together ("中风 残疾的都是…")
    pointed = members_named(ctx, values, body)
    people = base_members(values)
    moves: dict[str, list[int]] = {}
    for kind in named_kinds:
        off = cleared_of(body, reading.applicant(ctx, values)).get(kind) or []
        # "申请人是奶奶72岁 我是她孙女16岁 上学的是我": the clause naming the kind says whom
        near = members_named(ctx, values, _clauses_of(body, kind, reading.applicant(ctx, values)))
        # "我没有生病，生病的是我老婆，你把我去掉": the one taken off is not pointed at
        who = [
            i for i in near or pointed if ("self" if i == 0 else people[i]["relation"]) not in off
        ]
        if not who:
            return None
        moves[kind] = who
    conditions = (
        dict(values.get("conditions") or {}) if isinstance(values.get("conditions"), dict) else {}
    )
    for kind, who in moves.items():
        if len(conditions.get(kind) or []) != len(who):
            conditions[kind] = [{"who": None}] * len(who)
        values[f"who_{kind}"] = [str(i) for i in sorted(who)]
    values["conditions"] = conditions
    return named_kinds[0]


# Two kinds moved in one correction only when it says they are all that person's.
_ALL_OF = re.compile(r"的(?:都是|全是|全都是)")


# Typed by the applicant's husband or wife: their "我" is the spouse, their "先生" the applicant.
SPOUSE_VIEW = {"self": "spouse", "spouse": "self"}

# What a correction of who a condition is about may not change besides it: the ages it
# names to point at a member ("重病的是59岁的") are not new ages.
WHO_KEEPS = ("ages", "household_size", *KINDS, "illness")


def household_corrected(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]]:
    """At the summary, before its facts are applied: a correction of who a condition is
    about moves it (``who_correction``); the facts it names to say so are not applied.
    The slots changed and the fact keys left out (none when it is no such correction)."""
    unnamed = _said_of_nobody(ctx, values)
    if member_added(ctx, values):
        moved, kept = _household_corrected(ctx, values)
        return ["household_size", "ages", *moved], ("ages", "household_size", *kept, *unnamed)
    moved, kept = _household_corrected(ctx, values)
    return moved, (*kept, *unnamed)


def _said_of_nobody(ctx: TurnContext, values: dict[str, Any]) -> tuple[str, ...]:
    """ "是去年就开始洗肾了", "每月上学花销改成330": a condition named at the summary
    without saying whose it is, when the summary already places it on someone. Read alone
    it falls to the applicant; as a correction it moves nobody — who has it is kept (the
    kinds whose facts are not applied)."""
    current = values.get("conditions")
    if ctx.payload or not isinstance(current, dict):
        return ()
    body = prepare(ctx.text).text
    applicant = reading.applicant(ctx, values)
    kept = {kind for kind in unnamed_kinds(body, applicant) if current.get(kind)}
    facts = reading.facts_of(ctx)
    pairs, _pending = placements(values)
    people = base_members(values)
    for kind, cost in COST_OF_KIND.items():
        said = facts.get(kind)
        holders = [("self" if i == 0 else people[i]["relation"]) for _, i in pairs.get(kind, [])]
        if cost not in facts or not said or not holders or kind in (facts.get("cleared") or {}):
            continue
        if len(said) <= len(holders) and all(relation in holders for relation in said):
            kept.add(kind)  # "娃儿读书一个月要三百三": the cost of the children shown at school
    return tuple(sorted(kept))


# The cost a condition brings: a correction of it names the condition only to say whose cost.
COST_OF_KIND = {"students": "education", "ill": "medical"}


def _household_corrected(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]]:
    paid = compensation_corrected(ctx, values)
    if paid is None:
        paid = once_corrected(ctx, values)
    if paid is None and _money_words_named(ctx) <= {"monthly_income"}:
        # "存款不对 是三千多 还有我哥…": a 还有 after another money answer adds no income
        paid = income_added(ctx, values)
    if paid is not None:
        return paid
    named = money_named(ctx, values)
    if named is not None:
        return named
    if relation_correction(ctx, values):
        return ["conditions"], WHO_KEEPS
    if who_correction(ctx, values) is None:
        if age_correction(ctx, values):
            return ["ages"], ("ages", "household_size")
        return [], ()
    return ["conditions"], WHO_KEEPS


# "最小的那个也是孙子": a member pointed at by rank, then 是 and what they are to the applicant
_RANKED = re.compile(r"(最小的|最大的|小的|大的|老大|老幺)(?:那个|那位|那一个)?(?:也|其实|就)?是")


def relation_correction(ctx: TurnContext, values: dict[str, Any]) -> bool:
    """ "最小的那个也是孙子 不是我儿子": the youngest (or eldest) member besides the applicant
    is another relation than the summary shows — only that member's relation changes.
    False when the message is no such correction."""
    relations = list(values.get("relations") or [])
    ages = [int(age) for age in values.get("ages") or []]
    if ctx.payload or len(ages) < 2 or len(relations) != len(ages):
        return False
    body = prepare(ctx.text).text
    ranked = _RANKED.search(body)
    if ranked is None:
        return False
    said = [
        m
        for m in find_mentions(body, reading.applicant(ctx, values))
        if m.start >= ranked.end() and m.relation != "self" and not is_negated(body, m.start, m.end)
    ]
    if not said:
        return False
    others = sorted(range(1, len(ages)), key=lambda i: (ages[i], i))
    eldest = ranked.group(1) in ("最大的", "大的", "老大")
    index = others[-1] if eldest else others[0]
    if relations[index] == said[0].relation:
        return False
    relations[index] = said[0].relation
    values["relations"] = relations
    words = list(values.get("relation_words") or [])
    if len(words) == len(ages):
        words[index] = said[0].word
        values["relation_words"] = words
    return True


def member_added(ctx: TurnContext, values: dict[str, Any]) -> bool:
    """ "不对 是五口人 还有我妈 七十六了" at the summary: a person named after an adding word
    (还有, 另外 …) with their age, who is none of the members shown, is one more member —
    their age is added to the ages and the size grows by them (the size said, if any, must
    be that). False when the message is no such correction."""
    ages = [int(age) for age in values.get("ages") or []]
    size = values.get("household_size")
    if ctx.payload or not ages or (size is not None and int(size) != len(ages)):
        return False
    body = prepare(ctx.text).text
    said = member_ages(body, False, reading.applicant(ctx, values))
    if not said or not all(relation and relation != "self" for _, relation, _ in said):
        return False
    adding = WORDS["member_adding"]
    if not any(word in body for word in adding):
        return False
    known = {person["relation"] for person in base_members(values)} | set(
        values.get("relation_words") or ()
    )
    if any(relation in known or word in known for _, relation, word in said):
        return False  # "还有我哥其实46了": a member shown, whose age is corrected
    told = household_size_of(body)
    if told is not None and told != len(ages) + len(said):
        return False
    relations = list(values.get("relations") or [])
    words = list(values.get("relation_words") or [])
    values["ages"] = [*ages, *(age for age, _, _ in said)]
    values["household_size"] = len(values["ages"])
    if len(relations) == len(ages) and len(words) == len(ages):
        values["relations"] = [*relations, *(relation for _, relation, _ in said)]
        values["relation_words"] = [*words, *(word for _, _, word in said)]
    return True


def age_correction(ctx: TurnContext, values: dict[str, Any]) -> bool:
    """ "还有我哥其实46了": fewer ages than members, each said with the person it is, who
    is one member (by the relation or the word said with their age): those ages change,
    the others stay. False when the message is no such correction."""
    ages = list(values.get("ages") or [])
    said = member_ages(prepare(ctx.text).text, False, reading.applicant(ctx, values))
    if not said or len(said) >= len(ages) or not all(relation for _, relation, _ in said):
        return False
    people = base_members(values)
    words = list(values.get("relation_words") or [])
    changed: dict[int, int] = {}
    for age, relation, word in said:
        who = [
            index
            for index, person in enumerate(people)
            if (index < len(words) and words[index] == word)
            or relation in (person["relation"], person.get("said"))
        ]
        who = list(dict.fromkeys(who))
        if len(who) != 1 or who[0] in changed:
            return False
        changed[who[0]] = age
    if all(ages[index] == age for index, age in changed.items()):
        return False
    for index, age in changed.items():
        ages[index] = age
    values["ages"] = ages
    return True


def income_added(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]] | None:
    """ "还有我是他女儿…每个月能给他们五百块" at the summary: money the household gets
    besides the income shown, added to it; "其实是/改成…" replaces it (None: left to
    the facts). The same sum said again ("再加上我给的五百") is not added twice."""
    income = values.get("monthly_income")
    if ctx.payload or not (isinstance(income, int) or is_range(income)):
        return None
    said = prepare(ctx.text).text
    clauses = [part for part in re.split(r"[,.;!?]", said) if part]
    where, who = reading.region(ctx), reading.applicant(ctx, values)
    for part in reversed(clauses):  # "…四百二，加我的五百，是九百二左右": the total said
        if part.startswith(tuple(WORDS["income_totals"])):
            total = extract_facts(part, where, applicant=who, slot="monthly_income")
            if isinstance(total.get("monthly_income"), int) and len(clauses) > 1:
                values["monthly_income"] = total["monthly_income"]
                return ["monthly_income"], ("monthly_income",)
    if any(word in said for word in WORDS["income_replacing"]):
        return None
    adding: list[str] = WORDS["income_adding"]
    amounts = [
        value
        for part in clauses
        if any(word in part for word in adding)
        for value in [extract_facts(part, where, applicant=who).get("monthly_income")]
        if isinstance(value, int) and value > 0
    ]
    if len(amounts) != 1 or _income_restated(clauses, adding, where, who):
        return None
    [amount] = amounts
    if amount in values.get("_added_income", []):
        return ["monthly_income"], ("monthly_income",)  # already counted: said back
    values["monthly_income"] = (
        {**income, "min": income["min"] + amount, "max": income["max"] + amount}
        if is_range(income)
        else income + amount
    )
    values["_added_income"] = [*values.get("_added_income", []), amount]
    return ["monthly_income"], ("monthly_income",)


def _income_restated(clauses: list[str], adding: list[str], where: str, who: str) -> bool:
    """ "种田一年才落一万二 加上我妈每个月一百五": an income said in a clause of its own
    besides the one added — the message says the whole income again (left to the facts)."""
    return any(
        isinstance(value, int) and value > 0
        for part in clauses
        if not any(word in part for word in adding)
        for value in [extract_facts(part, where, applicant=who).get("monthly_income")]
    )


def _money_words_named(ctx: TurnContext) -> set[str]:
    """The money answers a message names by their words (存款, 医药费 …)."""
    said = prepare(ctx.text).text
    return {
        slot.name
        for slot in SLOTS
        if slot.name in MONEY_SLOTS and any(word in said for word in slot.words)
    }


def money_named(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]] | None:
    """ "医药费是0，冇得七十块钱的事": a correction naming one money answer by its words
    changes that one; other money facts the same message seems to hold (冇得七十 as an
    income below 70) are left out. None: not one money answer named."""
    said = prepare(ctx.text).text
    named = [
        slot.name
        for slot in SLOTS
        if slot.name in MONEY_SLOTS and any(word in said for word in slot.words)
    ]
    if ctx.payload or len(named) != 1:
        return None
    facts = extract_facts(ctx.text, reading.region(ctx), applicant=reading.applicant(ctx, values))
    others = tuple(key for key in MONEY_SLOTS if key != named[0] and key in facts)
    return ([], others) if named[0] in facts and others else None


def once_corrected(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]] | None:
    """ "等一下 那一萬二是這次住院一次的 不是每個月": an amount said to be paid once that a
    monthly answer holds (每月自付医药费 12000) is taken out of it — that answer is asked
    again — and kept as the event's one-off cost. None: no such amount."""
    text = prepare(ctx.text).text
    said = [*WORDS["once_words"], *WORDS["not_monthly"]]
    if ctx.payload or not any(word in text for word in said):
        return None
    facts = extract_facts(ctx.text, reading.region(ctx), applicant=reading.applicant(ctx, values))
    amounts = {v for k, v in facts.items() if k in MONEY_SLOTS and isinstance(v, int) and v > 0}
    monthly = [
        name for name in ("medical", "education", "monthly_income") if values.get(name) in amounts
    ]
    if not monthly:
        return None
    amount = values[monthly[0]]
    values.pop(monthly[0])
    values.setdefault("_approx", {}).pop(monthly[0], None)
    values["one_off_cost"] = amount
    return [monthly[0], "one_off_cost"], MONEY_SLOTS


def compensation_corrected(
    ctx: TurnContext, values: dict[str, Any]
) -> tuple[list[str], tuple[str, ...]] | None:
    """ "那三万是厂里赔给我们的，不是花销": a sum paid once, never the monthly income nor
    a cost of the event. Kept as ``one_off_income``; the money facts that only the
    clauses about it gave (30000 as income, "不是花销" as medical 0) are left out, those
    of the other clauses ("家庭月收入改成四百") applied. None: no such sum said."""
    words: list[str] = WORDS["compensation_words"]
    clauses = [part for part in re.split(r"[,.;!?]", prepare(ctx.text).text) if part]
    about = [part for part in clauses if any(word in part for word in words)]
    if not about or ctx.payload:
        return None
    where, who = reading.region(ctx), reading.applicant(ctx, values)
    amounts = [
        value
        for part in about
        for key, value in extract_facts(part, where, applicant=who).items()
        if key in (*MONEY_SLOTS, "one_off_income") and isinstance(value, int) and value > 0
    ]
    if not amounts:
        return None
    amount = amounts[0]
    rest = ",".join(part for part in clauses if part not in about and "不是" not in part)
    whole = extract_facts(ctx.text, where, applicant=who)
    kept = extract_facts(rest, where, applicant=who) if rest else {}
    keys = (*MONEY_SLOTS, "one_off_income")
    left_out = tuple(k for k in keys if k in whole and whole[k] != kept.get(k))
    values["one_off_income"] = amount
    moved = ["one_off_income"]
    if values.get("one_off_cost") == amount:
        values["one_off_cost"] = UNKNOWN  # "不是花销": that sum is no cost of the event
        moved.append("one_off_cost")
    return moved, left_out


# Form value: the members the form's first message named ("我52 老公55 女儿读初中"), as
# [age or None, relation], so a bare list of ages answered later ("52 55 14") keeps who is
# who (probeM W11: the case stored 老公 and 女儿 as relation "other").
TOLD_MEMBERS = "_told_members"


def keep_told_members(ctx: TurnContext) -> None:
    """The members named in the account told before the form and in its first message."""
    values = ctx.session.form.setdefault("values", {})
    if reading.applicant(ctx, values) != "self":
        return  # typed for a parent: who is who turns round; not guessed here
    told: list[list[Any]] = []
    for text in (told_before(ctx), None if ctx.payload else ctx.text):
        if not text:
            continue
        body = prepare(text).text
        aged = [[age, relation] for age, relation, _ in member_ages(body) if relation]
        # the most one mention counts ("两个小孩"; "老婆…老婆身体不好" is one person)
        mentions = find_mentions(body)
        if applicant_of(ctx, text) != "self" or all(m.relation != "self" for m in mentions):
            continue  # "看看我哥家…", "我妈一个人住": the writer is no member told of
        counts: dict[str, int] = {}
        for mention in mentions:
            if mention.relation != "self":
                counts[mention.relation] = max(counts.get(mention.relation, 0), mention.count)
        for relation, count in counts.items():
            left = count - sum(1 for _, said in aged if said == relation)  # not with an age
            aged += [[None, relation]] * max(left, 0)
        told = told or aged
    if told:
        values[TOLD_MEMBERS] = told


def _told_relations(values: dict[str, Any]) -> list[str | None] | None:
    """The relations of a bare ages answer from the members named before: each told age
    at the member of that age, the ones told without an age at the members their
    relation's ages fit, when just as many fit; None when nothing was named or fits."""
    told = values.get(TOLD_MEMBERS) or []
    ages = [int(age) for age in values.get("ages") or []]
    if not told or len(ages) < 2:
        return None
    relations: list[str | None] = ["self", *[None] * (len(ages) - 1)]
    for age, relation in [t for t in told if t[0] is not None]:
        if relation == "self":
            continue
        free = [i for i in range(1, len(ages)) if relations[i] is None and ages[i] == age]
        if free:
            relations[free[0]] = relation
    unaged = [str(t[1]) for t in told if t[0] is None]
    for relation in dict.fromkeys(unaged):
        free = [
            i
            for i in range(1, len(ages))
            if relations[i] is None and relation_fits(relation, ages[0], ages[i])
        ]
        if len(free) == unaged.count(relation):  # "两个小孩" and two ages a child's
            for i in free:
                relations[i] = relation
    return relations if any(r for r in relations[1:]) else None


def household_filled(ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
    """What an answer about the household fills or clears beyond its own slot."""
    text = prepare(ctx.text).text
    who = reading.applicant(ctx, values)
    if slot.name in ("ages", "household_size"):
        values.pop("_ages_part", None)  # completed, or the household changed
        for kind in KINDS:
            chosen = values.pop(f"who_{kind}", None)  # the members changed: asked again
            _drop_removed(values, kind, chosen)
    if slot.name == "ages":
        values.pop(PARTIAL_AGES, None)
        said = member_ages(text, True, who)  # the answer to the ages question …
        if [age for age, _, _ in said] != list(values["ages"]):
            said = member_ages(text, False, who)  # … or ages told in a story
        if [age for age, _, _ in said] == list(values["ages"]):
            relations = [relation for _, relation, _ in said]
            if values.get("_applicant") == "spouse":  # "先生52，我47" typed by his wife
                relations = [SPOUSE_VIEW.get(r, r) if r else r for r in relations]
                said = [(a, SPOUSE_VIEW.get(r, r) if r else r, w) for a, r, w in said]
            if "self" in relations[1:] and relations[0] != "self":
                first = relations.index("self")  # "我儿子12岁…我38": the applicant first
                said = [said[first], *[item for i, item in enumerate(said) if i != first]]
                values["ages"] = [age for age, _, _ in said]
                relations = [relation for _, relation, _ in said]
            values["relations"] = relations
            values["relation_words"] = [word for _, _, word in said]
        else:
            values.pop("relations", None)
            values.pop("relation_words", None)
        named = values.get(SAID_MEMBERS) or []
        if len(named) == len(values["ages"]) == 2 and not any((values.get("relations") or [])[1:]):
            # "两个 我和我男人", then "66 68": the two said at the size question, in order
            values["relations"] = [relation for relation, _ in named]
            values["relation_words"] = [word for _, word in named]
        if not any(values.get("relations") or []):
            told = _told_relations(values)  # "52 55 14" after "我52 老公55 女儿读初中"
            if told is not None:
                values["relations"] = told
                values.pop("relation_words", None)
    if slot.name == "household_size":
        values.pop(SAID_MEMBERS, None)
        mentions = find_mentions(text, who)
        starts = {m.start for m in mentions}
        said = [
            m
            for m in mentions
            if not is_negated(text, m.start, m.end)
            and not (m.relation == "self" and m.end in starts)  # "我男人": whose, not who
        ]
        if len(said) == 2 and said[0].relation == "self" and said[1].relation != "self":
            values[SAID_MEMBERS] = [[m.relation, m.word] for m in said]
    if slot.name == "conditions":
        found, detail = conditions_detail(text, who, asked=True)
        if all(values["conditions"].get(kind) == found.get(kind) for kind in found) and found:
            values["_condition_detail"] = detail
        else:
            values.pop("_condition_detail", None)
        before = values.pop("_conditions_seen", None)
        for kind in KINDS:
            # "老伴有尿毒症" after the students were chosen: who is at school stays
            if not isinstance(before, dict) or before.get(kind) != values["conditions"].get(kind):
                values.pop(f"who_{kind}", None)
                if kind == "disabled":
                    values.pop("grades", None)
                    values.pop("disability_kinds", None)
        said = [kind for kind, entries in values["conditions"].items() if entries]
        numbered = _NUMBERED.match(text) and not _NUMBERS_ONLY.match(text)
        if len(said) == 1 and numbered:  # "1 是我妈 59岁那个": the option, then who
            who_correction(ctx, values, said)
        values["_conditions_seen"] = copy.deepcopy(values["conditions"])
    if slot.name == "disability_grade":
        grade = values.pop("disability_grade")
        said = grades_of(text) if ctx.text else []
        for found_grade in said if len(said) > 1 else [grade]:
            index = needs_grade(values)
            if index is None:
                break
            values.setdefault("grades", {})[str(index)] = found_grade
    if slot.name == "disability_kind":
        kind = values.pop("disability_kind")
        index = needs_kind(values)
        if index is not None:
            values.setdefault("disability_kinds", {})[str(index)] = kind


def _drop_removed(values: dict[str, Any], kind: str, chosen: list[Any] | None) -> None:
    """ "还是只算我爸一个人" after the brother was named 失业: a member no longer in the
    household takes their condition with them — it never falls to the ones left (the
    applicant stays 本人; another member left is asked about again)."""
    conditions = values.get("conditions")
    if not isinstance(conditions, dict) or not conditions.get(kind):
        return
    size = int(values.get("household_size") or len(values.get("ages") or []) or 1)
    me = SPOUSE_VIEW["self"] if values.get("_applicant") == "spouse" else "self"
    if chosen:
        places = [int(i) for i in chosen if str(i).isdigit()]
        kept = [i for i in places if i < size]
        if len(kept) == len(places):
            return  # nobody left the household: who is who is asked again as before
        entries: list[Any] = [me if i == 0 else None for i in kept]
        if kind == "disabled":
            entries = [{"who": entry} for entry in entries]
            values.pop("grades", None)
            values.pop("disability_kinds", None)
        conditions[kind] = entries
        values.pop("_condition_detail", None)
        return
    ages = values.get("ages") or []
    if len(ages) <= size:
        return
    # placed by relation among the members there were (the ages not yet asked again)
    before = {**values, "household_size": len(ages)}
    pairs, _pending = placements(before)
    gone: dict[Any, int] = {}
    for entry, index in pairs.get(kind, []):
        if index >= size:
            gone[entry.get("who")] = gone.get(entry.get("who"), 0) + 1
    if not gone:
        return
    swap = SPOUSE_VIEW if values.get("_applicant") == "spouse" else {}
    left: list[Any] = []
    for item in reversed(conditions[kind]):
        who = swap.get(_who_of(item), _who_of(item))
        if gone.get(who):
            gone[who] -= 1
            continue
        left.insert(0, item)
    conditions[kind] = left
    values.pop("_condition_detail", None)


def _who_of(item: Any) -> Any:
    return item.get("who") if isinstance(item, dict) else item


# The relation of the one who was first, to a member made the applicant ("申请人写我老汉儿":
# the father first, the son who was screened as 本人 becomes his child).
INVERSE = {"parent": "child", "child": "parent", "spouse": "spouse", "sibling": "sibling"}


def applicant_moved(values: dict[str, Any], age: int) -> bool:
    """The applicant's age from the ID number is another member's, not the first one's (a
    son screened as 本人 files for his father): that member goes first, the relations and
    conditions turned round for a household of two (of more, the relations are asked
    anew by the members' titles). Whether it moved."""
    ages = [int(a) for a in values.get("ages") or []]
    if len(ages) < 2 or abs(ages[0] - age) <= 1:
        return False
    others = [i for i in range(1, len(ages)) if abs(ages[i] - age) <= 1]
    if len(others) != 1:
        return False
    [moved] = others
    relations = list(values.get("relations") or [None] * len(ages))
    relation = relations[moved] if moved < len(relations) else None
    order = [moved, *[i for i in range(len(ages)) if i != moved]]
    values["ages"] = [ages[i] for i in order]
    inverse = INVERSE.get(str(relation)) if len(ages) == 2 else None
    values["relations"] = ["self", inverse, *[None] * (len(ages) - 2)]
    values.pop("relation_words", None)
    swap = {str(relation): "self", "self": inverse} if relation else {}
    conditions = values.get("conditions")
    if isinstance(conditions, dict):
        turned: dict[str, list[Any]] = {}
        for kind, entries in conditions.items():
            turned[kind] = []
            for entry in entries:
                who = entry.get("who") if isinstance(entry, dict) else entry
                new = swap.get(str(who), who) if who is not None else None
                turned[kind].append({**entry, "who": new} if isinstance(entry, dict) else new)
        values["conditions"] = turned
    household_cleared(values, "conditions")
    return True


def household_cleared(values: dict[str, Any], name: str) -> None:
    """An answer taken back (修改, 返回): what depends on it goes too."""
    if name in ("conditions", "ages", "household_size"):
        for key in ("grades", "disability_kinds", "_condition_detail", "_conditions_seen"):
            values.pop(key, None)
        for kind in KINDS:
            values.pop(f"who_{kind}", None)
    if name == "ages":
        values.pop("relations", None)
        values.pop("relation_words", None)


class ScreeningFlow(Form):
    name = "screening"
    intents = ("self_screening",)
    intro = "screening.intro"
    slots = SLOTS

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        keep_told_members(ctx)
        return opening_facts(ctx)

    def claims(self, ctx: TurnContext) -> bool:
        """Just after the result: a message disputing a fact it was worked out from
        ("不对啊，我们家哪有三万的月收入，每个月就我打零工三五百块") — before an urgent case
        of the chat takes it as more news."""
        shown = ctx.session.slots.get("screening") or {}
        if ctx.payload is None and why_not(ctx) is not None:
            return True  # "为啥测出来没有低保": the result's own reasons
        if ctx.payload is not None or not shown.get("at"):
            return False
        if result_question(ctx):
            return True
        if not _shown_recently(ctx, shown):
            return False
        said = prepare(ctx.text).text
        if not any(word in said for word in ctx.texts.raw("screening.reopen_words")):
            return False
        known = ctx.session.slots.get("household_answers") or {}
        facts = reading.facts_of(ctx)
        return any(self.slot(name).from_facts(facts, known, True) is not None for name in (
            s.name for s in SLOTS if s.fact is not None
        ))  # fmt: skip

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        asked = why_not(ctx)
        if asked is not None:
            return [explain_why_not(ctx, asked)]  # "为啥测出来没有低保": that program's reasons
        if result_question(ctx):
            return [explain_result(ctx)]  # "咁即系点？我阿妈唔可以申请？": explained
        if not self.claims(ctx):
            return await super().start(ctx)
        at = ctx.session.slots["screening"].pop("at", None)  # reopened once
        filed = await _filed_since(ctx, str(at))
        ctx.session.start_flow(self.name, CONFIRM)
        values = self.values(ctx)
        values.update({k: v for k, v in self.prefill(ctx).items() if v is not None})
        ctx.session.form["asked"] = []
        corrected = await self._correct(ctx, reading.facts_of(ctx))
        return [ctx.say("screening.reopened"), *filed, *corrected]

    def prefill(self, ctx: TurnContext) -> dict[str, Any]:
        # Facts from an earlier screening or application are not asked again.
        return with_applicant(ctx, dict(ctx.session.slots.get("household_answers", {})))

    def on_filled(self, ctx: TurnContext, slot: Slot, values: dict[str, Any]) -> None:
        household_filled(ctx, slot, values)

    def on_cleared(self, ctx: TurnContext, name: str, values: dict[str, Any]) -> None:
        household_cleared(values, name)

    def correct_first(
        self, ctx: TurnContext, values: dict[str, Any]
    ) -> tuple[list[str], tuple[str, ...]]:
        return household_corrected(ctx, values)

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        try:
            household, result = screen_values(values, ctx.services.region, dt.date.today())
        except InvalidHousehold as problem:
            return [ctx.say("screening.invalid", problem=problem.errors[0].message)]
        remember_screening(ctx, values, household, result)
        return render_result(ctx, result)


async def _filed_since(ctx: TurnContext, at: str) -> list[BotReply]:
    """A correction of the screening after applications were filed from it ("我刚才说错了
    … 两千五 不是三千"): each application still open, filed since the screening, gets it as
    a note to staff (``services.manage``), and the resident is told so — the filed
    cases are never changed silently, nor left as they were unsaid."""
    try:
        since = dt.datetime.fromisoformat(at)
    except ValueError:
        return []
    own = ctx.services.own_requests
    chat, sender = ctx.message.channel, ctx.message.sender_id
    try:
        cases = [
            case
            for case in await call(ctx, own.correctable, chat, sender)
            if case.created_at.replace(tzinfo=case.created_at.tzinfo or dt.UTC) >= since
        ]
        if not cases:
            return []
        changed = manage_changes(ctx, ctx.text)
        for case in cases:
            await call(ctx, own.correct, chat, sender, case.case_no, ctx.text, changed)
    except BackendError:
        return []
    numbers = "、".join(case.case_no for case in cases)
    return [ctx.say("screening.filed_corrected", cases=numbers)]


def with_applicant(ctx: TurnContext, values: dict[str, Any]) -> dict[str, Any]:
    """The answers with who the applicant is to the person typing (an account told for a
    parent, ``flows.story``); "self" is not kept."""
    values.pop("_applicant", None)
    applicant = reading.applicant(ctx)
    if applicant != "self":
        values["_applicant"] = applicant
    return values


def household_lines(values: dict[str, Any]) -> list[str]:
    """Every household answer given, as the summary showed it ("家庭人数：3人")."""
    lines = []
    for slot in SLOTS:
        if slot.label and values.get(slot.name) is not None and slot.wanted(values):
            label = texts()(slot.label, **slot.label_values)
            value = slot.display(values[slot.name], values)
            lines.append(texts()("forms.summary_line", label=label, value=value))
    return lines


def household_answers(values: dict[str, Any]) -> dict[str, Any]:
    """The household answers of a form, as they are kept for the next form."""
    names = {slot.name for slot in SLOTS} | {"relations", "relation_words", "grades"}
    names |= {"disability_kinds"}
    names |= {"_condition_detail", "_approx", "_applicant", "_added_income"}
    return {k: v for k, v in values.items() if k in names}


def remember_screening(
    ctx: TurnContext, values: dict[str, Any], household: dict[str, Any], result: ScreeningResult
) -> None:
    """Keep the answers for applying, and the result for the follow-up consent."""
    ctx.session.slots["household_answers"] = household_answers(values)
    ctx.session.slots["household"] = household
    ctx.session.slots["screening"] = {
        "date": result.date.isoformat(),
        "programs": {p.program: p.status for p in result.programs},
        "amounts": {p.program: p.monthly_amount for p in result.programs if p.monthly_amount},
        "result": result.model_dump(mode="json"),
        "at": dt.datetime.now(dt.UTC).isoformat(),  # a dispute soon after reopens it
    }


def _failing_reasons(ctx: TurnContext, unlikely: list[dict[str, Any]]) -> list[str]:
    """Why nothing fits, from the reasons of the programs that do not (a wrong answer can
    then be spotted: "有机动车")."""
    why: list[str] = []
    failing = tuple(ctx.texts.raw("screening.failing_words"))
    for program in unlikely:
        why += [
            reason
            for reason in program["reasons"]
            if reason not in why
            and any(word in reason for word in failing)
            and not any(f"{no}{word}" in reason for no in ("没有", "不", "没") for word in failing)
        ]
    return why


def _shown_recently(ctx: TurnContext, shown: dict[str, Any]) -> bool:
    """Whether the result was shown within ``screening.reopen_minutes``."""
    try:
        at = dt.datetime.fromisoformat(str(shown["at"]))
    except ValueError:
        return False
    minutes = float(ctx.texts.raw("screening.reopen_minutes"))
    return dt.datetime.now(dt.UTC) - at <= dt.timedelta(minutes=minutes)


def result_question(ctx: TurnContext) -> bool:
    """ "咁即系点？我阿妈唔可以申请？", "系咪因为佢有积蓄？" just after the result: a
    question about it, to be explained — no new fact, no dispute ("不对…")."""
    shown = ctx.session.slots.get("screening") or {}
    if ctx.payload is not None or not shown.get("result") or not shown.get("at"):
        return False
    if not _shown_recently(ctx, shown):
        return False
    said = prepare(ctx.text).text
    if any(word in said for word in ctx.texts.raw("screening.reopen_words")):
        return False
    words = [prepare(word).text for word in ctx.texts.raw("screening.result_question_words")]
    return any(word in said for word in words)


def explain_result(ctx: TurnContext) -> BotReply:
    """The result said plainly: what may fit, or the conditions not met, and how to change
    a fact that was wrong."""
    stored = ctx.session.slots["screening"]["result"]
    catalog = load_catalog()
    programs = stored.get("programs") or []

    def names(status: str) -> list[str]:
        return [
            catalog.programs[p["program"]].short_name for p in programs if p["status"] == status
        ]

    unlikely = [
        {"reasons": p.get("reasons") or []} for p in programs if p.get("status") == "unlikely"
    ]
    return BotReply(
        ctx.texts(
            "screening.result_explained",
            likely=names("likely"),
            possible=names("possible"),
            why=_failing_reasons(ctx, unlikely)[:3],
        ),
        (
            Button(ctx.texts("screening.apply_now"), "/apply"),
            Button(ctx.texts("screening.talk_to_person"), "/human_handoff"),
        ),
    )


def why_not(ctx: TurnContext) -> dict[str, Any] | None:
    """ "为啥测出来没有低保", "那低保呢 为什么不行" after a result: the stored result of the
    program asked about (the one not found likely), or None when the message asks no such
    thing or no result is kept."""
    if ctx.payload is not None:
        return None
    result = (ctx.session.slots.get("screening") or {}).get("result")
    said = prepare(ctx.text).text
    if not result or not any(word in said for word in WORDS["why_words"]):
        return None
    if any(word in said for word in WORDS["why_not_blockers"]):
        return None  # "为什么低保还没批下来": the application's progress, not the result
    catalog = load_catalog()
    for program in result.get("programs", []):
        names = catalog.programs[program["program"]]
        if program.get("status") == "likely":
            continue
        if any(name and name in said for name in (names.short_name, names.name, *names.synonyms)):
            return program
    return None


def explain_why_not(ctx: TurnContext, program: dict[str, Any]) -> BotReply:
    """Why the screening did not find a program likely: its own reasons, with the
    household's figures (rule-engine text), and what may change it."""
    name = load_catalog().programs[program["program"]].short_name
    failing = tuple(ctx.texts.raw("screening.failing_words"))
    reasons = [str(reason) for reason in program.get("reasons", [])]
    first = [r for r in reasons if any(word in r for word in failing)]
    shown = (first or reasons)[:4]  # the conditions not met, else all it was judged on
    text = ctx.texts("screening.why_not", name=name, status=program.get("status"), reasons=shown)
    buttons = (Button(ctx.texts("screening.talk_to_person"), "/human_handoff"),)
    return BotReply(text, buttons)


def render_result(ctx: TurnContext, result: ScreeningResult) -> list[BotReply]:
    catalog = load_catalog()

    def view(status: str) -> list[dict[str, Any]]:
        return [
            {
                "name": catalog.programs[p.program].short_name,
                "amount": p.monthly_amount,
                "reasons": p.reasons[:3],
                "next": p.next_steps[:1],
            }
            for p in result.programs
            if p.status == status
        ]

    why = _failing_reasons(ctx, view("unlikely"))
    text = ctx.texts(
        "screening.result",
        likely=view("likely"),
        possible=view("possible"),
        why=why[:3],
        date=result.date,
    )
    buttons = (
        Button(ctx.texts("screening.apply_now"), "/apply"),
        Button(ctx.texts("screening.keep_me_posted"), "/followup_consent"),
        Button(ctx.texts("screening.talk_to_person"), "/human_handoff"),
    )
    return [BotReply(text, buttons)]
