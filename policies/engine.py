"""The screening engine: the rule files compiled once, then applied to households.

``load_rules()`` reads ``policies/rules/facts.yml`` and ``programs.yml``, checks every
reference and fact named in a text (``{{ name }}``, the one text syntax of
``base.texts``), and compiles the expressions (see ``rulelang``).
``RuleSet.evaluate`` then only runs closures over plain dicts, which keeps one
screening in the tens of microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from base.datafiles import load_yaml
from base.texts import ENVIRONMENT, compile_text, render_given
from policies import datacheck as check
from policies.household import Member
from policies.regions import OPTIONAL_PARAMETERS, REQUIRED_PARAMETERS
from policies.rulelang import Compiled, Scope, compile_expr

RULES_DIR = Path(__file__).parent / "rules"
STATUSES = ("likely", "possible", "unlikely")

# Names of the household facts as rules see them (nested fields joined by a dot).
HOUSEHOLD_NAMES = (
    "region",
    "residence",
    "monthly_income",
    "monthly_rigid_expenses.medical",
    "monthly_rigid_expenses.education",
    "assets.deposits",
    "assets.vehicles",
    "assets.houses",
    "supporters_able",
    "hardship_event",
)
# Filled in by the screening from the region, for texts and the applicant rule.
CONTEXT_NAMES = ("region_name", "region_short", "residence_name", "applicant_index")
PARAMETER_NAMES = REQUIRED_PARAMETERS + OPTIONAL_PARAMETERS
MEMBER_NAMES = (*Member.model_fields, "index")
# A fact in the rule engine's own syntax before the one text syntax: refused, not shown.
_OLD_PLACEHOLDER = re.compile(r"(?<!\{)\{[a-z_][a-z0-9_.]*\}(?!\})")


@dataclass(frozen=True)
class Template:
    """A reason or next-step text: a template of the one text syntax (``base.texts``,
    Jinja with StrictUndefined) naming facts as ``{{ per_capita_income }}``, a nested
    one as ``{{ assets.deposits }}``. Each name is given as people write it
    (``format_value``)."""

    template: Any  # jinja2.Template
    names: tuple[str, ...]  # the facts it names, dotted as in the rules

    def render(self, values: dict[str, Any], labels: dict[str, str]) -> str:
        given: dict[str, Any] = {}
        for name in self.names:
            text = format_value(values[name], labels)
            head, _, rest = name.partition(".")
            if rest:
                given.setdefault(head, {})[rest] = text
            else:
                given[name] = text
        # every name is a fact (checked when loaded), so no Jinja global is needed
        return render_given(self.template, given)


def format_value(value: Any, labels: dict[str, str]) -> str:
    """Numbers as people write them: 650 not 650.0, 383.33 with its decimals."""
    if value is None:
        return "未知"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return "、".join(labels.get(str(item), str(item)) for item in value)
    return str(value)


@dataclass(frozen=True)
class FactRule:
    name: str
    expr: Compiled
    member: bool
    show: bool


@dataclass(frozen=True)
class ProgramRule:
    program: str
    likely: Compiled
    possible: Compiled | None
    amount: Compiled | None
    # (condition, text): shown when the condition is true
    reasons: tuple[tuple[Compiled, Template], ...]
    next_steps: dict[str, tuple[tuple[Compiled, Template], ...]]


@dataclass(frozen=True)
class ProgramOutcome:
    program: str
    status: str
    monthly_amount: float | None
    reasons: list[str]
    next_steps: list[str]


@dataclass(frozen=True)
class RuleSet:
    steps: tuple[FactRule | ProgramRule, ...]
    labels: dict[str, str]

    @property
    def program_ids(self) -> list[str]:
        return [step.program for step in self.steps if isinstance(step, ProgramRule)]

    def evaluate(
        self, env: dict[str, Any], only: frozenset[str] | None = None
    ) -> tuple[dict[str, Any], list[ProgramOutcome]]:
        """Apply the rules to one household's ``env`` (changed in place).

        ``env["members_list"]`` holds one dict per member. Returns the facts to
        show and one outcome per program (or per program in ``only``).
        """
        shown: dict[str, Any] = {}
        outcomes: list[ProgramOutcome] = []
        members = env["members_list"]
        for step in self.steps:
            if isinstance(step, FactRule):
                if step.member:
                    values = []
                    for member in members:
                        member[step.name] = value = step.expr(env, member)
                        values.append(value)
                    if step.show:
                        shown[step.name] = values
                else:
                    env[step.name] = value = step.expr(env, None)
                    if step.show:
                        shown[step.name] = value
                continue
            outcome = self._decide(step, env)
            env[f"status.{step.program}"] = outcome.status
            if only is None or step.program in only:
                outcomes.append(outcome)
        return shown, outcomes

    def fact_value(self, name: str, names: dict[str, Any]) -> Any:
        """One household fact computed from the names given, by its rule (``edge_limit``
        from ``dibao_standard``), for answers that state the figure a rule uses."""
        for step in self.steps:
            if isinstance(step, FactRule) and step.name == name and not step.member:
                return step.expr(dict(names), None)
        raise KeyError(name)

    def _say(self, texts: tuple[tuple[Compiled, Template], ...], env: dict[str, Any]) -> list[str]:
        return [template.render(env, self.labels) for when, template in texts if when(env, None)]

    def _decide(self, rule: ProgramRule, env: dict[str, Any]) -> ProgramOutcome:
        likely = rule.likely(env, None)
        if likely is True:
            status = "likely"
        elif likely is None or (rule.possible is not None and rule.possible(env, None) is True):
            status = "possible"
        else:
            status = "unlikely"
        amount = None
        if status == "likely" and rule.amount is not None:
            value = rule.amount(env, None)
            amount = None if value is None else round(float(value), 2)
        # The reasons see this program's own result under `status` and `amount`.
        env["status"] = status
        env["amount"] = amount
        reasons = self._say(rule.reasons, env)
        steps = self._say(rule.next_steps[status], env)
        return ProgramOutcome(rule.program, status, amount, reasons, steps)


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    """The shipped rules, compiled once per process."""
    return parse_rules(RULES_DIR / "facts.yml", RULES_DIR / "programs.yml")


def parse_rules(facts_path: Path, programs_path: Path) -> RuleSet:
    """Read, check and compile the two rule files (used directly by the lint tests)."""
    scope = Scope(
        path=facts_path,
        names={*HOUSEHOLD_NAMES, *CONTEXT_NAMES, *PARAMETER_NAMES},
        member_names=set(MEMBER_NAMES),
    )
    raw_facts = check.mapping(facts_path, "", load_yaml(facts_path))
    check.only_keys(facts_path, "", raw_facts, {"labels", "facts"})
    labels = {
        str(key): check.text(facts_path, f"labels.{key}", value)
        for key, value in check.mapping(facts_path, "labels", raw_facts.get("labels", {})).items()
    }
    steps: list[FactRule | ProgramRule] = []
    for i, item in enumerate(check.sequence(facts_path, "facts", raw_facts.get("facts"))):
        steps.append(_fact(item, scope, f"facts[{i}]"))

    scope.path = programs_path
    raw_programs = check.mapping(programs_path, "", load_yaml(programs_path))
    check.only_keys(programs_path, "", raw_programs, {"rules"})
    for i, item in enumerate(check.sequence(programs_path, "rules", raw_programs.get("rules"))):
        where = f"rules[{i}]"
        item = check.mapping(programs_path, where, item)
        if "fact" in item:
            steps.append(_fact(item, scope, where))
        else:
            rule = _program(item, scope, where)
            steps.append(rule)
            scope.programs.add(rule.program)
    return RuleSet(steps=tuple(steps), labels=labels)


def _fact(item: Any, scope: Scope, where: str) -> FactRule:
    item = check.mapping(scope.path, where, item)
    check.only_keys(scope.path, where, item, {"fact", "expr", "member", "show"})
    name = check.text(scope.path, f"{where}.fact", item.get("fact"))
    member = item.get("member", False)
    show = item.get("show", True)
    for flag, value in (("member", member), ("show", show)):
        if not isinstance(value, bool):
            raise check.fail(scope.path, f"{where}.{flag}", "应为 true 或 false")
    known = scope.member_names if member else scope.names
    if name in known or name in scope.names:
        raise check.fail(scope.path, f"{where}.fact", f"名称 {name!r} 已被使用")
    expr_scope = scope.inside_member() if member else scope
    if "expr" not in item:
        raise check.fail(scope.path, f"{where}.expr", "缺少表达式")
    compiled = compile_expr(item["expr"], expr_scope, f"{where}.expr")
    known.add(name)
    return FactRule(name=name, expr=compiled, member=member, show=show)


def _program(item: dict[str, Any], scope: Scope, where: str) -> ProgramRule:
    path = scope.path
    allowed = {"program", "likely", "possible", "amount", "reasons", "next_steps"}
    check.only_keys(path, where, item, allowed)
    program = check.text(path, f"{where}.program", item.get("program"))
    if program in scope.programs:
        raise check.fail(path, f"{where}.program", f"项目 {program!r} 重复")
    if "likely" not in item:
        raise check.fail(path, f"{where}.likely", "缺少 likely 条件")
    likely = compile_expr(item["likely"], scope, f"{where}.likely")
    possible = (
        compile_expr(item["possible"], scope, f"{where}.possible") if "possible" in item else None
    )
    amount = compile_expr(item["amount"], scope, f"{where}.amount") if "amount" in item else None
    # Reasons may also read this program's own status and amount.
    reason_scope = Scope(
        path, scope.names | {"status", "amount"}, scope.member_names, scope.programs
    )
    reasons = _texts(item.get("reasons"), reason_scope, f"{where}.reasons")
    raw_steps = check.mapping(path, f"{where}.next_steps", item.get("next_steps"))
    check.only_keys(path, f"{where}.next_steps", raw_steps, set(STATUSES))
    next_steps = {
        status: _texts(raw_steps.get(status, []), reason_scope, f"{where}.next_steps.{status}")
        for status in STATUSES
    }
    return ProgramRule(program, likely, possible, amount, reasons, next_steps)


def _always(env: dict[str, Any], member: dict[str, Any] | None) -> bool:
    return True


def _texts(raw: Any, scope: Scope, where: str) -> tuple[tuple[Compiled, Template], ...]:
    """Reasons or next steps: a plain text, or ``{when: condition, text: ...}``."""
    texts: list[tuple[Compiled, Template]] = []
    for i, item in enumerate(check.sequence(scope.path, where, raw)):
        field = f"{where}[{i}]"
        if isinstance(item, str):
            texts.append((_always, _template(item, scope, field)))
            continue
        item = check.mapping(scope.path, field, item)
        check.only_keys(scope.path, field, item, {"when", "text"})
        if "when" not in item:
            raise check.fail(scope.path, f"{field}.when", "缺少条件")
        when = compile_expr(item["when"], scope, f"{field}.when")
        texts.append((when, _template(item.get("text"), scope, f"{field}.text")))
    return tuple(texts)


def _template(raw: Any, scope: Scope, where: str) -> Template:
    text = check.text(scope.path, where, raw)
    if _OLD_PLACEHOLDER.search(text):
        raise check.fail(scope.path, where, "事实请写成 {{ 名称 }}（一对花括号是旧写法）")
    try:
        names = _names_in(ENVIRONMENT.parse(text))
        template = compile_text(text)
    except TemplateSyntaxError as exc:
        raise check.fail(scope.path, where, f"文字模板有误：{exc.message}") from None
    for name in names:
        if name not in scope.names:
            raise check.fail(scope.path, where, f"文字中引用了未知的事实 {{{{ {name} }}}}")
    return Template(template, names)


def _names_in(tree: nodes.Node) -> tuple[str, ...]:
    """The facts a template names: ``a`` and ``a.b`` (a dotted name is one fact)."""
    found: list[str] = []

    def dotted(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return str(node.name)
        if isinstance(node, nodes.Getattr):
            head = dotted(node.node)
            return None if head is None else f"{head}.{node.attr}"
        return None

    def walk(node: nodes.Node) -> None:
        name = dotted(node) if isinstance(node, nodes.Name | nodes.Getattr) else None
        if name is not None:
            if name not in found:
                found.append(name)
            return
        for child in node.iter_child_nodes():
            walk(child)

    walk(tree)
    return tuple(found)
