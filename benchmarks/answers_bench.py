"""How well the answer readers read answers written by other people.

    python benchmarks/answers_bench.py [CORPUS.yml ...] [--failures] [--no-applicant-hint]

Default corpora: nlu/data/answers/dev.yml and the blind parts blind.yml, blind2.yml, blind3.yml, blind4.yml and blind5.yml.
Each item (format: the corpus brief) has the question asked (``slot``), the persona
that wrote it, the answer, and every fact a careful reader takes from it. For each,
the reader of that slot runs (its facts come from ``nlu.facts.extract_facts``), and
the item counts as read correctly when every expected fact is read with the expected
value and no fact of the asked slot is read that the item does not have.

Printed: accuracy per slot kind, per persona, overall; the story figure
(``extract_facts`` alone, no question asked, on the items that are not a
confirmation or consent); and how many "no"/"cancel"/"refuse"/"unsure" answers were
read as "yes"/"agree" — that must be 0.

The persona ``daughter`` writes for her father, ``nephew`` for his uncle: the reader is
told so (``applicant="father"``, ``"uncle"``), as a form that knows it is filled in for a parent would
(``--no-applicant-hint`` measures without it). An item may say whom it was written
for (``applicant: grandmother`` when a granddaughter writes), as the form would know.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlu.answers import (  # noqa: E402
    read_ages,
    read_assets_count,
    read_conditions,
    read_confirm,
    read_consent,
    read_count,
    read_event,
    read_grade,
    read_id_number,
    read_money,
    read_name,
    read_phone,
    read_place,
    read_residence,
    read_supporters,
)
from nlu.answers.reading import Reading, fact_json  # noqa: E402
from nlu.facts import extract_facts  # noqa: E402
from nlu.finders._words import load_corpus  # noqa: E402
from nlu.finders.place import Place  # noqa: E402

REGION = "hunan-yiyang-ziyang"
DEFAULT_CORPORA = (
    ROOT / "nlu/data/answers/dev.yml",
    ROOT / "nlu/data/answers/blind.yml",
    ROOT / "nlu/data/answers/blind2.yml",
    ROOT / "nlu/data/answers/blind3.yml",
    ROOT / "nlu/data/answers/blind4.yml",
    ROOT / "nlu/data/answers/blind5.yml",
)
# The fact keys each question answers: reading one the item lacks is a misread.
SLOT_KEYS: dict[str, tuple[str, ...]] = {
    "confirm": ("confirm",),
    "commitment": ("consent",),
    "authorisation": ("consent",),
    "residence": ("residence",),
    "household_size": ("household_size",),
    "ages": ("ages",),
    "conditions": ("ill", "disabled", "students", "unemployed"),
    "disability_grade": ("disability_grade",),
    "monthly_income": ("monthly_income",),
    "medical": ("medical", "one_off_cost"),
    "deposits": ("deposits", "debt"),
    "vehicles": ("vehicles",),
    "houses": ("houses",),
    "supporters": ("supporters_able",),
    "event": ("hardship_event", "one_off_cost"),
    "name": ("name",),
    "id_number": ("id_number",),
    "phone": ("phone",),
    "place": ("township", "village"),
}
DENIALS = {"confirm": ("no", "cancel"), "consent": ("refuse", "unsure")}
YES = {"confirm": "yes", "consent": "agree"}
PERSONA_APPLICANT = {"daughter": "father", "nephew": "uncle"}


def read_item(item: dict[str, Any], applicant: str, region: str = REGION) -> dict[str, Any]:
    """The facts the slot's reader reads from the item's answer (its value included)."""
    slot, text = item["slot"], str(item["answer"])
    kw = {"region": region, "applicant": applicant}
    value_key: dict[str, str] = {
        "confirm": "confirm",
        "commitment": "consent",
        "authorisation": "consent",
        "residence": "residence",
        "household_size": "household_size",
        "ages": "ages",
        "disability_grade": "disability_grade",
        "monthly_income": "monthly_income",
        "medical": "medical",
        "deposits": "deposits",
        "vehicles": "vehicles",
        "houses": "houses",
        "supporters": "supporters_able",
        "event": "hardship_event",
        "name": "name",
        "id_number": "id_number",
        "phone": "phone",
    }
    readers: dict[str, Any] = {
        "confirm": lambda: read_confirm(text, **kw),
        "commitment": lambda: read_consent(text, **kw),
        "authorisation": lambda: read_consent(text, **kw),
        "residence": lambda: read_residence(text, **kw),
        "household_size": lambda: read_count(text, **kw),
        "ages": lambda: read_ages(text, item.get("size"), **kw),
        "conditions": lambda: read_conditions(text, **kw),
        "disability_grade": lambda: read_grade(text, **kw),
        "monthly_income": lambda: read_money(text, "income", **kw),
        "medical": lambda: read_money(text, "medical", **kw),
        "deposits": lambda: read_money(text, "deposits", **kw),
        "vehicles": lambda: read_assets_count(text, "vehicles", **kw),
        "houses": lambda: read_assets_count(text, "houses", **kw),
        "supporters": lambda: read_supporters(text, **kw),
        "event": lambda: read_event(text, **kw),
        "name": lambda: read_name(text, **kw),
        "id_number": lambda: read_id_number(text, **kw),
        "phone": lambda: read_phone(text, **kw),
        "place": lambda: read_place(text, region, applicant=applicant),
    }
    reading: Reading = readers[slot]()
    got = dict(reading.facts)
    if slot == "conditions":
        got.update(reading.value or {})
    elif slot == "place":
        if isinstance(reading.value, Place):
            got.update(reading.value.to_facts())
    elif reading.value is not None:
        got[value_key[slot]] = reading.value
    return got


def _who_key(entry: Any) -> tuple[str, int]:
    if isinstance(entry, dict):
        return (str(entry.get("who")), int(entry.get("grade") or 0))
    return (str(entry), 0)


def same(key: str, expected: Any, got: Any) -> bool:
    """Expected and read values agree (lists of members as multisets)."""
    expected, got = fact_json(expected), fact_json(got)
    if key in ("ill", "students", "unemployed", "disabled"):
        if not isinstance(got, list) or not isinstance(expected, list):
            return False
        return sorted(map(_who_key, expected)) == sorted(map(_who_key, got))
    if (
        isinstance(expected, int | float)
        and isinstance(got, int | float)
        and not isinstance(got, bool)
    ):
        return abs(float(expected) - float(got)) < 0.5
    return expected == got


@dataclass
class Result:
    item: dict[str, Any]
    got: dict[str, Any]
    correct: bool
    deny_read_as_yes: bool


def judge(item: dict[str, Any], got: dict[str, Any]) -> Result:
    expected: dict[str, Any] = item.get("facts") or {}
    ok = all(key in got and same(key, value, got[key]) for key, value in expected.items())
    extra = [key for key in SLOT_KEYS[item["slot"]] if key in got and key not in expected]
    deny = False
    for key, denials in DENIALS.items():
        if expected.get(key) in denials and got.get(key) == YES[key]:
            deny = True
    return Result(item, got, ok and not extra, deny)


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    story: list[bool] = field(default_factory=list)
    story_failures: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.correct for r in self.results) / max(1, len(self.results))

    @property
    def deny_read_as_yes(self) -> int:
        return sum(r.deny_read_as_yes for r in self.results)

    def by(self, what: str) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for result in self.results:
            table[str(result.item.get(what))][0] += result.correct
            table[str(result.item.get(what))][1] += 1
        return {key: (ok, total) for key, (ok, total) in sorted(table.items())}


def run(paths: list[Path], applicant_hint: bool = True, region: str = REGION) -> Report:
    report = Report()
    for path in paths:
        for item in load_corpus(path) or ():
            applicant = (
                str(item.get("applicant") or PERSONA_APPLICANT.get(item.get("persona", ""), "self"))
                if applicant_hint
                else "self"
            )
            got = read_item(item, applicant, region)
            report.results.append(judge(item, got))
            if item["slot"] not in ("confirm", "commitment", "authorisation"):
                story = extract_facts(str(item["answer"]), region, applicant=applicant)
                expected = item.get("facts") or {}
                ok = all(
                    key in story and same(key, value, story[key]) for key, value in expected.items()
                )
                report.story.append(ok)
                if not ok:
                    report.story_failures.append((item, story))
    return report


def _line(name: str, ok: int, total: int) -> str:
    return f"  {name:<18} {ok:>4}/{total:<4} {ok / max(1, total):6.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--failures", action="store_true", help="print each misread item")
    parser.add_argument("--no-applicant-hint", action="store_true")
    parser.add_argument("--story-failures", action="store_true", help="print story misreads")
    args = parser.parse_args(argv)
    paths = args.corpora or [path for path in DEFAULT_CORPORA if path.exists()]
    for path in paths:
        report = run([path], applicant_hint=not args.no_applicant_hint)
        print(f"{path} ({len(report.results)} items)")
        print(" per slot kind:")
        for slot, (ok, total) in report.by("slot").items():
            print(_line(slot, ok, total))
        print(" per persona:")
        for persona, (ok, total) in report.by("persona").items():
            print(_line(persona, ok, total))
        correct = sum(r.correct for r in report.results)
        print(_line("overall", correct, len(report.results)))
        print(_line("story (facts only)", sum(report.story), len(report.story)))
        print(f"  deny read as confirm/agree: {report.deny_read_as_yes}")
        blind = path.name.startswith("blind")  # figures only: nobody tunes on them
        if args.failures and not blind:
            for result in report.results:
                if not result.correct:
                    item = result.item
                    print(f"  ✗ [{item['slot']}/{item.get('persona')}] {item['answer']}")
                    print(f"      expected {item.get('facts')}  read {fact_json(result.got)}")
        if args.story_failures and not blind:
            for item, story in report.story_failures:
                print(f"  ✗ story [{item['slot']}/{item.get('persona')}] {item['answer']}")
                print(f"      expected {item.get('facts')}  read {fact_json(story)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
