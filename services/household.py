"""Turn the answers of a conversation into the household of domain.md, member by member.

Shared by self-screening, applying and staff intake (chat and console), so they ask
the same questions and build the same household.

The answers keep the household as it was told: the ages (applicant first), the
relation said with each age ("老伴50"), the conditions as the reader read them — per
kind, who it is about (``{"ill": ["spouse"], "disabled": [{"who": "child", "grade":
2}], …}``) — and the answers to the "who is it?" questions. ``members`` places each
condition on a member by these rules, in order:

1. the applicant ("我", "本人") is the first member; a household of one is the applicant;
2. a member whose relation was said with their age ("老伴65", "大儿子32") is that
   person; several of one relation are told apart by 大/小 (the eldest, the youngest)
   or taken in the order said;
3. else the members whose relation was not said but whose age fits it (a spouse
   within 15 years of the applicant, a child 15–50 years younger, …: ``relation_ages``
   in ``services/household.yml``), when exactly as many fit as were named;
4. else it is not placed, and the form asks "生病的是谁？" with the members as buttons.

Money answers may be a range (``{"min", "max"}``, "几千"): the household is screened at
both ends (``screen_values``) and a program whose result differs is "possible".
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from base.datafiles import load_yaml

UNKNOWN = "unknown"  # an answer of 不清楚: the fact stays unknown, never 0

KINDS = ("ill", "disabled", "students", "unemployed")
CONDITIONS = ("serious", "disability", "student", "unemployed")  # the buttons' order
KIND_OF = {"serious": "ill", "disability": "disabled", "student": "students",
           "unemployed": "unemployed"}  # fmt: skip
MINOR = 18
SPOUSE_VIEW = {"self": "spouse", "spouse": "self"}  # who is who to a typing spouse
RULES_FILE = Path(__file__).with_name("household.yml")


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The placing rules of ``household.yml`` (which ages fit which relation)."""
    data: dict[str, Any] = load_yaml(RULES_FILE)
    return data


def _student_stage(age: int) -> str:
    if age < 6:
        return "preschool"
    if age < 16:
        return "compulsory"
    if age < 19:
        return "senior_high"
    return "college"


def _known(value: Any) -> Any:
    return None if value == UNKNOWN else value


def _count(value: Any) -> int | None:
    value = _known(value)
    return None if value is None else int(value)


def is_range(value: Any) -> bool:
    return isinstance(value, dict) and "min" in value and "max" in value


def _amount(value: Any, end: str) -> float | None:
    """A money answer as a number: a range at its ``low`` or ``high`` end; None unknown."""
    value = _known(value)
    if value is None:
        return None
    if is_range(value):
        return float(value["min"] if end == "low" else value["max"])
    return float(value)


# -- the members ----------------------------------------------------------------------
def member_count(values: dict[str, Any]) -> int:
    ages = values.get("ages") or []
    return int(values.get("household_size") or len(ages) or 1)


def base_members(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Age and relation of each member, applicant first."""
    size = member_count(values)
    ages: list[int] = [int(a) for a in values.get("ages") or []]
    if not ages and values.get("age") is not None:
        ages = [int(values["age"])]
    relations: list[str | None] = list(values.get("relations") or [])
    if len(relations) != len(ages):
        relations = [None] * len(ages)
    known = len(ages)
    # The form asks one age per member; only a caller that skipped the question
    # (staff intake with a partial account) gets the last known age repeated. Such an
    # age is nobody's answer: ``known`` is False, it is never shown nor used to place.
    while len(ages) < size:
        ages.append(ages[-1] if ages else 40)
        relations.append(None)
    members = [
        {
            "age": age,
            "relation": relations[i] if relations[i] != "self" else None,
            "known": i < known,
        }
        for i, age in enumerate(ages[:size])
    ]
    # The applicant's age said with another word ("妈妈34，儿子8岁", typed by a 网格员):
    # that word names the applicant in the answers that follow.
    members[0]["said"] = members[0]["relation"]
    members[0]["relation"] = "self"
    return members


def relation_fits(relation: str, applicant_age: int, age: int) -> bool:
    """Whether a member of ``age`` may be the applicant's ``relation`` (``household.yml``)."""
    return relation in rules()["relation_ages"] and _fits(relation, applicant_age, age)


def _fits(relation: str, applicant_age: int, age: int) -> bool:
    rule: dict[str, int] = rules()["relation_ages"].get(relation) or {}
    gap = age - applicant_age  # > 0: older than the applicant
    if "min_age" in rule and age < rule["min_age"]:
        return False
    if "max_age" in rule and age > rule["max_age"]:
        return False
    low, high = rule.get("gap_min", -200), rule.get("gap_max", 200)
    return low <= gap <= high


def _fits_member(
    relation: str, applicant: dict[str, Any], member: dict[str, Any], size: int
) -> bool:
    """Whether ``member`` may be the ``relation`` named: by age when both ages were
    given; an age nobody gave fits only as the one other person of a household of two."""
    if applicant.get("known", True) and member.get("known", True):
        return _fits(relation, applicant["age"], member["age"])
    return size == 2 and relation != "self"


def _entries(values: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The said entries of one kind, each ``{"who", "word"?, "grade"?, "kind"?, "stage"?}``."""
    conditions = values.get("conditions") or {}
    if isinstance(conditions, list):
        return _legacy_entries(values, conditions, kind)
    said = conditions.get(kind) or []
    detail = (values.get("_condition_detail") or {}).get(kind) or []
    entries: list[dict[str, Any]] = []
    # Typed by the applicant's husband or wife ("我先生得了肝癌"): their 我 is the spouse.
    swap = SPOUSE_VIEW if values.get("_applicant") == "spouse" else {}
    for index, item in enumerate(said):
        entry = dict(item) if isinstance(item, dict) else {"who": item}
        if index < len(detail) and detail[index].get("who") == entry.get("who"):
            entry.update({k: v for k, v in detail[index].items() if k not in entry})
        entry["who"] = swap.get(entry.get("who"), entry.get("who"))
        entries.append(entry)
    return entries


def _legacy_entries(values: dict[str, Any], ids: list[str], kind: str) -> list[dict[str, Any]]:
    """Conditions given as the buttons' ids ("serious", …), as a Rasa slot or an old
    account gives them, placed by the old rules (``_legacy_member``)."""
    if not any(KIND_OF.get(str(c)) == kind for c in ids):
        return []
    entry: dict[str, Any] = {"who": "self", "legacy": True}
    grade = values.get("disability_grade")
    if kind == "disabled" and grade is not None:
        entry["grade"] = grade
    if kind in ("students", "unemployed"):
        entry["who"] = None
    return [entry]


def _legacy_member(kind: str, members: list[dict[str, Any]]) -> int | None:
    """Ids name nobody: illness and disability are the applicant's (or the second person
    when ``condition_holder`` says "other"); a student is the youngest member under 26
    but the applicant; the unemployed the first member of working age."""
    if kind == "students":
        young = sorted(range(len(members)), key=lambda i: (members[i]["age"], i))
        return next((i for i in young if i != 0 and members[i]["age"] <= 25), young[0])
    if kind == "unemployed":
        working = [i for i in range(len(members)) if 16 <= members[i]["age"] <= 59]
        return working[0] if working else None
    return None


def _rank(word: str) -> int:
    if word.startswith(("大", "老大")):
        return 0
    if word.startswith(("小", "老二", "老三", "老幺")):
        return 2
    return 1


def _ordered(
    group: list[dict[str, Any]], places: list[int], members: list[dict[str, Any]]
) -> list[int]:
    """``places`` matched to ``group`` (same length): 大 is the eldest, 小 the youngest,
    the others in the order said."""
    words = [str(entry.get("word") or "") for entry in group]
    if all(_rank(word) == 1 for word in words):
        return places
    by_age = sorted(places, key=lambda i: -members[i]["age"])
    order = sorted(range(len(group)), key=lambda k: (_rank(words[k]), k))
    result = [0] * len(group)
    for position, k in enumerate(order):
        result[k] = by_age[position]
    return result


Placed = dict[str, list[tuple[dict[str, Any], int]]]


def placements(values: dict[str, Any]) -> tuple[Placed, dict[str, list[dict[str, Any]]]]:
    """Per kind: each said entry with the member index it is about, and the entries
    that could not be placed (rules above). A "who" answer places the whole kind."""
    members = base_members(values)
    # Before the household is known (a story told first), a member named by relation
    # ("我老伴瘫在床上") waits for the ages; only the applicant's own entries are placed.
    sized = any(values.get(key) for key in ("household_size", "ages", "age"))
    placed: Placed = {}
    pending: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        entries = _entries(values, kind)
        chosen = values.get(f"who_{kind}")
        if chosen is not None:
            indexes = sorted({int(i) for i in chosen if str(i).isdigit() and int(i) < len(members)})
            named = [e for e in entries if e.get("who") is not None]
            if len(named) != len(indexes):
                named = [{"who": None}] * len(indexes)
            placed[kind] = list(zip(named, indexes, strict=True))
            continue
        pairs: list[tuple[dict[str, Any], int]] = []
        left: list[dict[str, Any]] = []
        groups: dict[Any, list[dict[str, Any]]] = {}
        for entry in entries:
            groups.setdefault(entry.get("who"), []).append(entry)
        for who, group in groups.items():
            legacy = [entry for entry in group if entry.get("legacy")]
            if legacy and who is None:
                index = _legacy_member(kind, members)
                if index is not None:
                    pairs.append((legacy[0], index))
                continue
            if legacy and values.get("condition_holder") == "other" and len(members) > 1:
                pairs.append((legacy[0], 1))
                continue
            # A household of one is the applicant, once its size is said ("我妈尿毒症"
            # with only the father's age known waits: the mother may live with him).
            alone = len(members) == 1 and (values.get("household_size") == 1 or who is None)
            own = who in ("self", members[0].get("said") or "self")
            if alone and not own and who == "spouse":
                # "老伴看病都花光了" told by one living alone: the spouse is gone or apart,
                # never 本人. (Other relations still fall to 本人: the readers may reach
                # back to a 儿子 said clauses before "腿有残疾".)
                continue
            if alone or own:
                pairs.append((group[0], 0))
                continue
            if who is None and sized and len(group) == len(members) - 1 > 1:
                # "三个都在上学" by a grandmother living with three: all but the one typing
                pairs += [(entry, i) for i, entry in enumerate(group, 1)]
                continue
            if who is None or not sized:
                left += group
                continue
            stated = [i for i in range(1, len(members)) if members[i]["relation"] == who]
            if len(stated) < len(group):
                # "孙子10岁和7岁": the 孙子 named with the first age only; the others of
                # an age to be one fit too
                fitting = [
                    i
                    for i in range(1, len(members))
                    if members[i]["relation"] is None
                    and _fits_member(who, members[0], members[i], len(members))
                ]
                if not stated or len(stated) + len(fitting) == len(group):
                    stated = sorted(stated + fitting)
            if not stated and pairs:
                continue  # named again with another word ("妹子" for the granddaughter)
            if not stated or len(stated) > len(group):
                left += group  # nobody fits, or several do: ask who
                continue
            ordered = _ordered(group[: len(stated)], stated, members)
            pairs += list(zip(group[: len(stated)], ordered, strict=True))
            left += group[len(stated) :]
        seen: set[int] = set()
        placed[kind] = [(e, i) for e, i in pairs if not (i in seen or seen.add(i))]
        if left:
            pending[kind] = left
    return placed, pending


def fitting_members(values: dict[str, Any], kind: str) -> list[int]:
    """The members the one relation of ``kind``'s unplaced entries may be ("我儿子尿毒症"
    with two members of a child's age: those two), for asking among them only; empty when
    the entries name no relation, or several, or nobody fits."""
    _, pending = placements(values)
    whos = {entry.get("who") for entry in pending.get(kind, [])}
    if len(whos) != 1:
        return []
    who = next(iter(whos))
    if who in (None, "self", "other"):
        return []
    people = base_members(values)
    return [
        i
        for i in range(1, len(people))
        if people[i]["relation"] == who
        or (people[i]["relation"] is None and _fits_member(who, people[0], people[i], len(people)))
    ]


def place(values: dict[str, Any]) -> tuple[dict[str, list[int]], dict[str, list[dict[str, Any]]]]:
    """Per kind the member indexes it is about, and the entries not placed."""
    placed, pending = placements(values)
    return {kind: [i for _, i in pairs] for kind, pairs in placed.items()}, pending


def _grades(values: dict[str, Any], placed: Placed) -> dict[int, dict[str, Any]]:
    """Disability grade and kind per disabled member: said with the condition, or answered."""
    found: dict[int, dict[str, Any]] = {}
    for entry, index in placed.get("disabled", []):
        found[index] = {k: entry[k] for k in ("grade", "kind") if entry.get(k) is not None}
    for key, grade in (values.get("grades") or {}).items():
        if int(key) in found:
            found[int(key)]["grade"] = grade
    for key, kind in (values.get("disability_kinds") or {}).items():
        if int(key) in found:
            found[int(key)]["kind"] = kind
    # A grade or kind kept as one answer (a Rasa slot, an account) is the first member's
    # that lacks one.
    for field, key in (("grade", "disability_grade"), ("kind", "disability_kind")):
        if values.get(key) is not None:
            lacking = [i for i in sorted(found) if field not in found[i]]
            if lacking:
                found[lacking[0]][field] = values[key]
    return found


def _stages(placed: Placed) -> dict[int, str]:
    return {i: str(e["stage"]) for e, i in placed.get("students", []) if e.get("stage")}


def needs_grade(values: dict[str, Any]) -> int | None:
    """The first disabled member whose grade is not known yet (None: none)."""
    placed, _ = placements(values)
    for index, detail in sorted(_grades(values, placed).items()):
        if "grade" not in detail:
            return index
    return None


def needs_kind(values: dict[str, Any]) -> int | None:
    """The first member with a grade-3 disability of unknown kind (it decides whether
    the member can work: grade 3 intellectual or mental cannot)."""
    placed, _ = placements(values)
    for index, detail in sorted(_grades(values, placed).items()):
        if detail.get("grade") == 3 and not detail.get("kind"):
            return index
    return None


OWN_CHILD_GAP = 50  # years: a minor this much younger than the applicant is asked about


def minors_without_parents(values: dict[str, Any]) -> list[int]:
    """Members under 18 who may be 孤儿 or 事实无人抚养儿童: not the applicant's own child
    (a grandchild, sibling or other relative, 40 or more years younger when the
    relation was not said, or 50 or more years younger whatever it was said to be), and nobody else in the household of an age to be their
    parent (15 to 50 years older). Then the form asks whether the parents can raise them."""
    people = base_members(values)
    applicant_age = people[0]["age"]
    found = []
    for index, member in enumerate(people[1:], 1):
        relation = member["relation"]
        if member["age"] >= MINOR:
            continue
        gap = applicant_age - member["age"]
        not_own = (
            relation in ("grandchild", "sibling", "other")
            or (relation is None and gap >= 40)
            or gap >= OWN_CHILD_GAP  # "孩子" of a 65-year-old aged 10: asked, not assumed
        )
        if not not_own:
            continue
        parents = [
            other
            for j, other in enumerate(people[1:], 1)
            if j != index
            and other["relation"] not in ("grandchild", "sibling", "parent")
            and 15 <= other["age"] - member["age"] <= 50
        ]
        if not parents:
            found.append(index)
    return found


def members(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The members of domain.md, applicant first, conditions placed (rules above)."""
    people = base_members(values)
    pairs, _ = placements(values)
    placed = {kind: [i for _, i in found] for kind, found in pairs.items()}
    grades = _grades(values, pairs)
    stages = _stages(pairs)
    unable = values.get("parents_unable") in (True, "yes")
    orphans = set(minors_without_parents(values)) if unable else set()
    built: list[dict[str, Any]] = []
    for index, person in enumerate(people):
        member: dict[str, Any] = {"age": person["age"], "relation": person["relation"] or "other"}
        if index in placed.get("ill", []):
            member["serious_illness"] = True
        if index in grades:
            grade = _known(grades[index].get("grade"))
            kind = grades[index].get("kind")
            # The grade is unknown: the member still counts as disabled for the living
            # subsidy, so the mildest grade is recorded rather than none at all.
            member["disability_grade"] = int(grade) if grade is not None else 4
            if kind:
                member["disability_kind"] = kind
        if index in placed.get("students", []):
            member["student"] = stages.get(index) or _student_stage(person["age"])
        if index in placed.get("unemployed", []):
            member["employment"] = "unemployed"
        if index in orphans:
            member["parents_unable"] = True
        built.append(member)
    return built


def build_household(
    values: dict[str, Any], region: str, on: dt.date | None = None, end: str = "low"
) -> dict[str, Any]:
    """The household dict of domain.md from the answers. A range is taken at its ``end``:
    "low" or "high" for the income, the other end for expenses… see ``screen_values``."""
    other = "high" if end == "low" else "low"
    income = _amount(values.get("monthly_income"), end)
    household: dict[str, Any] = {
        "region": region,
        "residence": values.get("residence", "urban"),
        "members": members(values),
        "monthly_income": income or 0.0,
        "monthly_rigid_expenses": {
            "medical": _amount(values.get("medical"), other) or 0.0,
            "education": _amount(values.get("education"), other) or 0.0,
        },
        "assets": {
            "deposits": _amount(values.get("deposits"), end),
            "vehicles": _count(values.get("vehicles")),
            "houses": _count(values.get("houses")),
        },
        "supporters_able": values.get("supporters_able") in ("yes", True),
        "hardship_event": values.get("hardship_event") or "none",
    }
    if on is not None:
        household["date"] = on.isoformat()
    return household


def has_range(values: dict[str, Any]) -> bool:
    return any(
        is_range(values.get(key)) for key in ("monthly_income", "medical", "education", "deposits")
    )


def screen_values(
    values: dict[str, Any], region: str, today: dt.date | None = None
) -> tuple[dict[str, Any], Any]:
    """The household to keep and its screening. With a range among the money answers the
    household is screened at its favourable end (income and deposits low, expenses
    high) and at its unfavourable end; a program whose status differs is "possible",
    without an amount. The household kept is the unfavourable one (what is sure)."""
    from policies.screening import screen

    today = today or dt.date.today()
    high = build_household(values, region, end="high")
    result = screen(high, today=today)
    if not has_range(values):
        return high, result
    favourable = screen(build_household(values, region, end="low"), today=today)
    merged = []
    for sure, maybe in zip(result.programs, favourable.programs, strict=True):
        if sure.status == maybe.status:
            # likely at both ends: likely, with the unfavourable end's amount (at least
            # that much), so what depends on it ("属于低保…家庭") is not said of a
            # program shown as only possible
            merged.append(sure)
            continue
        best = maybe if maybe.status != "unlikely" else sure
        merged.append(best.model_copy(update={"status": "possible", "monthly_amount": None}))
    merged = [_range_said(program, values) for program in merged]
    return high, result.model_copy(update={"programs": merged})


def _range_said(program: Any, values: dict[str, Any]) -> Any:
    """A reason that states the deposits at the range's high end ("家庭存款19000元") says
    the range told ("家庭存款11000–19000元"): never a figure nobody gave as a fact."""
    deposits = values.get("deposits")
    if not is_range(deposits):
        return program
    low, high = int(deposits["min"]), int(deposits["max"])
    said, told = f"家庭存款{high}元", f"家庭存款{low}–{high}元"
    reasons = [reason.replace(said, told) for reason in program.reasons]
    return (
        program.model_copy(update={"reasons": reasons}) if reasons != program.reasons else program
    )


def applicant_without_labour(values: dict[str, Any]) -> bool:
    """Whether the applicant may lack labour capacity (so 特困 questions are worth asking)."""
    ages = values.get("ages") or ([values["age"]] if values.get("age") is not None else [])
    if ages and (int(ages[0]) >= 60 or int(ages[0]) < 16):
        return True
    first = members(values)[0]
    grade = first.get("disability_grade")
    return bool(first.get("serious_illness")) or (grade is not None and grade <= 3)
