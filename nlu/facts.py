"""THE fact extractor: every fact one message holds, for every slot of the forms.

Used for long stories, for 口述办 (staff typing what a resident said, "老人说…",
"该户…"), and by every answer reader for the facts beyond its own question. It is
built from the finders (``nlu.finders``), the same rules the readers use, so a fact is
read the same way whichever question was asked.

Keys (absent when not said — never 0 for "not said"):
``household_size`` int · ``ages`` [int] · ``ill`` [who] · ``disabled`` [{who, grade?,
kind?}] · ``students`` [who] · ``unemployed`` [who] · ``disability_grade`` 1–4 ·
``residence`` urban|rural · ``monthly_income`` · ``medical`` · ``education`` (yuan per
month) · ``one_off_cost`` · ``deposits`` · ``debt`` (yuan) — each an int, a
``Range`` or "unknown" · ``vehicles`` · ``houses`` int · ``supporters_able`` bool ·
``hardship_event`` · ``name`` · ``name_hint`` · ``phone`` · ``id_number`` ·
``township`` · ``village`` · ``programs`` [program id] · ``cleared`` {kind: [who]}
(members a condition is said not to be about: "老伴高血压不算重病").

``slot`` is the question that was asked, when there was one: it lets a bare answer
("4", "没有", "一千五", "不清楚") count for that question, and only for it.
"""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import date
from functools import lru_cache
from typing import Any

from nlu.finders._words import words
from nlu.finders.counts import (
    ages_of,
    grade_of,
    household_size_of,
    houses_of,
    member_ages,
    vehicles_of,
)
from nlu.finders.identity import (
    case_numbers_of,
    id_numbers_of,
    names_in,
    phones_of,
    tail_corrected,
)
from nlu.finders.members import cleared_of, conditions_of, find_mentions, illnesses_of
from nlu.finders.money import FACT_KEY, money_of
from nlu.finders.negation import is_negated
from nlu.finders.place import place_of
from nlu.finders.situation import event_of, relatives_gone, residence_of, supporters_of
from nlu.finders.text import CLAUSE_END, joined_if_typed_slowly, prepare, segments

# The question asked → the money role a bare amount answers.
SLOT_ROLE = {
    "monthly_income": "income",
    "income": "income",
    "medical": "medical",
    "education": "education",
    "one_off": "one_off",
    "event": "one_off",
    "deposits": "deposits",
    "debt": "debt",
}
MONEY_SLOTS = ("monthly_income", "income", "medical", "education", "one_off", "deposits", "debt")
# A question answered by its options' numbers as well as by amounts: a single digit that
# opens the answer is the option picked ("5 火灾", "3 车祸 花了两万"), never 5 or 3 yuan.
CHOICE_SLOTS = ("event",)
_CHOICE_NUMBER = re.compile(r"^\s*[1-9](?![\d.万千百块元毛角])")
_NOT_WANTED = ("不要", "不申请", "不用", "不想", "就不", "算了", "不办")
_REQUEST_WORDS = ("申请", "要", "想办", "办", "想要", "能不能", "可不可以", "能否", "帮我")


def extract_facts(
    text: str, region: str | None = None, *, applicant: str = "self", slot: str | None = None
) -> dict[str, Any]:
    """Every fact ``text`` holds (see the module doc for the keys).

    ``region`` enables places (township, village); ``applicant`` says who the applicant
    is to the person typing ("self", or "father"/"mother" for a child typing for a
    parent); ``slot`` the question asked, if any.
    """
    # One turn often reads the same text twice (the story check, then the story; a form's
    # answer, then its reader), and short messages repeat: the reading (about 0.5 ms) is
    # kept per text and day (ages are counted from today), and each caller gets a copy.
    return deepcopy(_facts(text, region, applicant, slot, date.today()))


@lru_cache(maxsize=4096)
def _facts(
    text: str, region: str | None, applicant: str, slot: str | None, _today: date
) -> dict[str, Any]:
    prepared = prepare(text)
    body = writer_apart(prepared.text, applicant)  # the household's facts, not the writer's
    facts: dict[str, Any] = {}

    for part in segments(body):  # a later segment is a correction of an earlier one
        _put(facts, "household_size", household_size_of(part, asked=slot == "household_size"))
        _put(facts, "residence", residence_of(part, asked=slot == "residence"))
        _put(facts, "vehicles", vehicles_of(part, asked=slot == "vehicles"))
        _put(facts, "houses", houses_of(part, asked=slot == "houses"))
        _put(facts, "hardship_event", event_of(part, asked=slot == "event"))
        _put(facts, "supporters_able", supporters_of(part, asked=slot == "supporters"))
        _put(
            facts,
            "disability_grade",
            grade_of(_without_program_names(part), asked=slot == "disability_grade"),
        )
    if facts.get("hardship_event") == "other" and relatives_gone(
        body, facts.get("supporters_able")
    ):
        del facts["hardship_event"]  # "公婆都過世了，沒有人能幫我們": who could help (probeL 10)
    # where money was asked, "一个人 八十" is the money, not the one person's age
    ages = ages_of(body, asked=slot == "ages", alone=slot not in MONEY_SLOTS)
    if ages:
        facts["ages"] = ages
        size = _speaker_besides(body, applicant, ages, slot)
        if size and "household_size" not in facts:
            facts["household_size"] = size
        if _size_of_some(facts, ages, body, slot):
            facts["household_size"] = len(ages)  # "…两个人一年学费…": the two children
    # "申请残疾人两项补贴": a program's name says nothing of anyone's condition
    facts.update(
        conditions_of(
            _without_program_names(body),
            applicant,
            asked=slot == "conditions",
            costs=slot == "medical",
        )
    )
    cleared = cleared_of(body, applicant)
    if cleared:
        facts["cleared"] = cleared  # "老伴高血压不算重病": these members are taken off
        _take_off(facts, cleared)
    illness = illnesses_of(body)
    if illness:
        facts["illness"] = illness

    said = _CHOICE_NUMBER.sub("_", body, count=1) if slot in CHOICE_SLOTS else body
    money = money_of(said, prepared.simple, SLOT_ROLE.get(slot or ""), slot in MONEY_SLOTS)
    for role, total in money.totals.items():
        facts[FACT_KEY[role]] = total
    if "medical" in facts and facts.get("illness"):
        # "吃药一个月百把块": the medicine's cost, not an illness named
        cost_words = set(words("conditions")["cost_not_illness"])
        kept = [word for word in facts["illness"] if word not in cost_words]
        if kept:
            facts["illness"] = kept
        else:
            del facts["illness"]
    approx = {FACT_KEY[role]: rule for role, rule in money.approx.items() if role in money.totals}
    if approx:
        facts["approx"] = approx  # how each amount was approximated ("more", "pair" …)

    name = names_in(joined_if_typed_slowly(text), asked=slot == "name")  # "是 王老栓"
    _put(facts, "name", name.name)
    _put(facts, "name_hint", name.hint)
    for part in segments(prepared.simple):
        phones = phones_of(part)
        if phones:
            facts["phone"] = phones[0]
        ids, _problem = id_numbers_of(part)
        if ids:
            facts["id_number"] = ids[0]
    for key, length in (("phone", 11), ("id_number", 18)):
        corrected = tail_corrected(prepared.simple, length)  # "最后一位是X"
        if corrected and (phones_of(corrected) if length == 11 else id_numbers_of(corrected)[0]):
            facts[key] = corrected
    place = place_of(text, region)
    if place is not None:
        facts.update(place.to_facts())
        said = _residence_of_place(place.township, place.village)
        story = len(body.split(",")) >= 4  # several clauses: a story, not one answer
        if said and (slot != "residence" or "residence" not in facts or story):
            # The household register's place says it ("老人都在农村" is about others).
            facts["residence"] = said
    cases = case_numbers_of(text)
    if cases:
        facts["case_number"] = cases[-1]
    programs = programs_of(prepared.text)  # "我想问她能不能吃低保": asked by the writer
    if programs:
        facts["programs"] = programs
    return facts


def _take_off(facts: dict[str, Any], cleared: dict[str, list[str]]) -> None:
    """ "我56 自己也有糖尿病…。我那个糖尿病不算啥重病": a member said in the same text not
    to have a condition is not listed with it (the forms take them off what was kept)."""
    for kind, members in cleared.items():
        entries = facts.get(kind)
        if not isinstance(entries, list):
            continue
        kept = [
            entry
            for entry in entries
            if (entry.get("who") if isinstance(entry, dict) else entry) not in members
        ]
        if kept:
            facts[kind] = kept
        else:
            del facts[kind]


WRITER_FILLER = "＿"  # no word, digit or clause break of any reader


def writer_apart(body: str, applicant: str) -> str:
    """``body`` without what a relative writing for the applicant says of themselves
    (probeL 1: "我一个月工资五千多还要租房子养两个小孩", "五千是我的工资不是我妈的"):
    from the writer's 我 to the next person of the applicant's household or the clause's
    end, with a thing said just before "是我…" ("房子是我在深圳租的"), blanked, same
    length. Kept when the writer says they live together, and when the writer gives to
    the applicant ("我每个月给我妈寄五百" is her money)."""
    table = words("members")["writer_apart"]
    if applicant not in table["applies_to"]:
        return body
    for word in table["together"]:
        at = body.find(word)
        if at >= 0 and not is_negated(body, at, at + len(word)):
            return body
    writer = tuple(str(w) for w in table["writer"])
    mentions = find_mentions(body, applicant)
    chars = list(body)
    for index, mention in enumerate(mentions):
        if mention.word not in writer or mention.relation == "self":
            continue
        if body[mention.end : mention.end + 1] in ("们", "家", "屋"):
            continue  # "我们家是三口人", "我家": the family written for, not the writer alone
        end = next(
            (m.start for m in mentions[index + 1 :] if m.relation in ("self", "spouse")),
            len(body),
        )
        stop = next((i for i in range(mention.end, end) if body[i] in CLAUSE_END), end)
        stretch = body[mention.start : stop]
        if any(w in stretch for w in table["giving"]):
            continue  # "我每个月给我妈寄五百": money for the applicant
        start = mention.start
        if body[:start].endswith("是"):
            owned = _owned_pattern().search(body[: start - 1])
            start = owned.start() if owned else start - 1
        chars[start:stop] = WRITER_FILLER * (stop - start)
    return "".join(chars)


@lru_cache(maxsize=1)
def _owned_pattern() -> re.Pattern[str]:
    nouns = sorted((str(w) for w in words("members")["writer_apart"]["owned_before"]), key=len)
    alternatives = "|".join(map(re.escape, reversed(nouns)))
    return re.compile(rf"(?:\d+(?:\.\d+)?(?:多|来)?(?:块钱|块|元)?|{alternatives})$")


def _size_of_some(facts: dict[str, Any], ages: list[int], body: str, slot: str | None) -> bool:
    """A story telling more persons' ages than the count it says, the count not said
    as the household's (no "N口人"): "大女儿20岁…小儿子14岁…两个人一年学费六千一" counts
    the two children — the household is one person for each age told."""
    size = facts.get("household_size")
    if slot is not None or not isinstance(size, int) or len(ages) < 3 or size >= len(ages):
        return False
    return re.search(r"\d口|[一二两三四五六七八九十]口", body) is None


def _speaker_besides(body: str, applicant: str, ages: list[int], slot: str | None) -> int | None:
    """ "俺一个人拉扯俩孩子 大的十二小的八岁": every age said is another person's (a child's)
    and the one typing is the applicant living with them — one more than the ages."""
    if slot is not None or applicant != "self" or len(ages) < 2:
        return None
    said = member_ages(body, False, applicant)
    if len(said) != len(ages) or any(relation in (None, "self") for _, relation, _ in said):
        return None
    if not any(word in body for word in words("members")["raising_alone"]):
        return None
    return len(ages) + 1


def _residence_of_place(township: str, village: str | None) -> str | None:
    """A 村 or 乡 is rural, a 社区 or 街道 urban; a 镇 alone says neither."""
    if village:
        return "rural" if village.endswith("村") else "urban"
    if township.endswith("街道"):
        return "urban"
    if township.endswith("乡"):
        return "rural"
    return None


def _put(facts: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        facts[key] = value


@lru_cache(maxsize=1)
def _program_matcher() -> Any:
    from nlu.lexicon import load_lexicon
    from nlu.lookup import PhraseMatcher

    lexicon = load_lexicon()
    return PhraseMatcher(lexicon.programs, fuzzy_min=3, also_fuzzy=lexicon.short_fuzzy)


PROGRAM_NAME_FILLER = "＿"  # no word, digit or clause break of any reader


def _without_program_names(text: str) -> str:
    """``text`` with the programs' names ("残疾人两项补贴", "重度残疾人护理补贴") blanked
    out, same length, for the readers of conditions: asking for a program is no fact
    about a member."""
    hits = _program_matcher().find(text)
    if not hits:
        return text
    chars = list(text)
    for hit in hits:
        chars[hit.start : hit.end] = PROGRAM_NAME_FILLER * (hit.end - hit.start)
    return "".join(chars)


def programs_of(text: str) -> list[str]:
    """Programs asked for ("低保和医疗救助都要申请" → [dibao, medical]): a program named
    outside a negation in a message that asks for something (申请, 要, 办)."""
    if not any(word in text for word in _REQUEST_WORDS):
        return []
    found: list[str] = []
    for hit in _program_matcher().find(text):
        refused = text[hit.end : hit.end + 4].startswith(_NOT_WANTED)
        if hit.value not in found and not refused and not is_negated(text, hit.start, hit.end):
            found.append(hit.value)
    return found
