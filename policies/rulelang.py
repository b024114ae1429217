"""The rule language: YAML expressions compiled once into plain Python closures.

An expression is a literal (number, true/false, null), a reference (a bare string:
``per_capita_income``, ``assets.deposits``, ``member.age`` inside a member
expression), or a one-key mapping naming an operator:

- logic, three-valued (True / False / None = unknown): ``all``, ``any``, ``not``;
  ``known`` / ``unknown`` test whether a value was given;
- comparisons ``eq ne lt le gt ge`` ([a, b]) and ``in`` ([a, [literals]]);
- arithmetic ``add sub mul div max min`` (lists), ``round`` ([x, digits]),
  ``if`` ([condition, then, else]);
- over the members: ``any_member``, ``count_members``, ``sum_members``;
- ``status`` (the status of a program decided earlier), ``lit`` (a literal string),
  ``missing`` (which of the listed references are unknown).

Unknown propagates: any arithmetic or comparison on None gives None, so an
unanswered question can only make a result ``possible``, never silently pass or fail.
Every reference is checked when the file is loaded, so a typo fails at start-up with
the file and field named, not in the middle of a screening.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from base.datafiles import DataFileError

# (env, member) -> value. env holds household facts, parameters, derived facts and
# program statuses ("status.dibao"); member is the current member's dict or None.
Compiled = Callable[[dict[str, Any], dict[str, Any] | None], Any]


@dataclass
class Scope:
    """The names an expression may use at its place in the rule files."""

    path: Path
    names: set[str] = field(default_factory=set)
    member_names: set[str] = field(default_factory=set)
    programs: set[str] = field(default_factory=set)
    in_member: bool = False

    def inside_member(self) -> Scope:
        return Scope(self.path, self.names, self.member_names, self.programs, in_member=True)


def compile_expr(node: Any, scope: Scope, where: str) -> Compiled:
    """Compile one expression; ``where`` names the field for error messages."""
    if node is None or isinstance(node, bool | int | float):
        value = node
        return lambda env, member: value
    if isinstance(node, str):
        return _reference(node, scope, where)
    if isinstance(node, dict) and len(node) == 1:
        ((name, argument),) = node.items()
        builder = _OPERATORS.get(name)
        if builder is None:
            raise _error(scope, where, f"未知运算 {name!r}；可用：{', '.join(sorted(_OPERATORS))}")
        return builder(argument, scope, f"{where}.{name}")
    raise _error(scope, where, f"无法理解的表达式 {node!r}")


def _error(scope: Scope, where: str, message: str) -> DataFileError:
    return DataFileError(scope.path, f"{where}: {message}")


def _reference(name: str, scope: Scope, where: str) -> Compiled:
    if name.startswith("member."):
        key = name.removeprefix("member.")
        if not scope.in_member:
            raise _error(
                scope, where, f"{name} 只能用在 any_member / count_members / sum_members 里"
            )
        if key not in scope.member_names:
            raise _error(scope, where, f"未知的成员信息 {name!r}")
        return lambda env, member: member[key]  # type: ignore[index]
    if name not in scope.names:
        raise _error(scope, where, f"未知的引用 {name!r}（应为家庭信息、参数或之前定义的事实）")
    return lambda env, member: env[name]


def _operands(argument: Any, scope: Scope, where: str, count: int | None = None) -> list[Compiled]:
    if not isinstance(argument, list) or (count is not None and len(argument) != count):
        wanted = f"{count} 项的列表" if count else "列表"
        raise _error(scope, where, f"应为{wanted}")
    return [compile_expr(item, scope, f"{where}[{i}]") for i, item in enumerate(argument)]


def _all(argument: Any, scope: Scope, where: str) -> Compiled:
    parts = _operands(argument, scope, where)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> bool | None:
        unknown = False
        for part in parts:
            value = part(env, member)
            if value is None:
                unknown = True
            elif not value:
                return False
        return None if unknown else True

    return run


def _any(argument: Any, scope: Scope, where: str) -> Compiled:
    parts = _operands(argument, scope, where)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> bool | None:
        unknown = False
        for part in parts:
            value = part(env, member)
            if value is None:
                unknown = True
            elif value:
                return True
        return None if unknown else False

    return run


def _not(argument: Any, scope: Scope, where: str) -> Compiled:
    inner = compile_expr(argument, scope, where)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> bool | None:
        value = inner(env, member)
        return None if value is None else not value

    return run


def _known(argument: Any, scope: Scope, where: str) -> Compiled:
    inner = compile_expr(argument, scope, where)
    return lambda env, member: inner(env, member) is not None


def _unknown(argument: Any, scope: Scope, where: str) -> Compiled:
    inner = compile_expr(argument, scope, where)
    return lambda env, member: inner(env, member) is None


def _household_ref(node: Any, scope: Scope) -> str | None:
    """The env key when ``node`` is a plain (non-member) reference, else None."""
    if isinstance(node, str) and not node.startswith("member.") and node in scope.names:
        return node
    return None


def _binary(function: Callable[[Any, Any], Any]) -> Callable[[Any, Scope, str], Compiled]:
    def build(argument: Any, scope: Scope, where: str) -> Compiled:
        left, right = _operands(argument, scope, where, count=2)
        # Most comparisons are "fact op number": a closure without the two inner
        # calls makes the whole screening about a fifth faster.
        name = _household_ref(argument[0], scope)
        constant = argument[1]
        if name is not None and isinstance(constant, int | float) and constant is not None:

            def run_constant(env: dict[str, Any], member: dict[str, Any] | None) -> Any:
                a = env[name]
                return None if a is None else function(a, constant)

            return run_constant
        other = _household_ref(argument[1], scope)
        if name is not None and other is not None:

            def run_names(env: dict[str, Any], member: dict[str, Any] | None) -> Any:
                a = env[name]
                if a is None:
                    return None
                b = env[other]
                return None if b is None else function(a, b)

            return run_names

        def run(env: dict[str, Any], member: dict[str, Any] | None) -> Any:
            a = left(env, member)
            if a is None:
                return None
            b = right(env, member)
            return None if b is None else function(a, b)

        return run

    return build


def _divide(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


def _fold(function: Callable[[Sequence[Any]], Any]) -> Callable[[Any, Scope, str], Compiled]:
    def build(argument: Any, scope: Scope, where: str) -> Compiled:
        parts = _operands(argument, scope, where)
        if len(parts) < 2:
            raise _error(scope, where, "至少需要两项")

        def run(env: dict[str, Any], member: dict[str, Any] | None) -> Any:
            values = [part(env, member) for part in parts]
            return None if any(value is None for value in values) else function(values)

        return run

    return build


def _subtract(values: Sequence[float]) -> float:
    result = values[0]
    for value in values[1:]:
        result -= value
    return result


def _multiply(values: Sequence[float]) -> float:
    result = values[0]
    for value in values[1:]:
        result *= value
    return result


def _round(argument: Any, scope: Scope, where: str) -> Compiled:
    value, digits = _operands(argument, scope, where, count=2)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> float | None:
        number = value(env, member)
        return None if number is None else round(float(number), digits(env, member))

    return run


def _if(argument: Any, scope: Scope, where: str) -> Compiled:
    condition, then, otherwise = _operands(argument, scope, where, count=3)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> Any:
        test = condition(env, member)
        if test is None:
            return None
        return then(env, member) if test else otherwise(env, member)

    return run


def _in(argument: Any, scope: Scope, where: str) -> Compiled:
    if not isinstance(argument, list) or len(argument) != 2 or not isinstance(argument[1], list):
        raise _error(scope, where, "应为 [值, [取值1, 取值2, ...]]")
    value = compile_expr(argument[0], scope, f"{where}[0]")
    choices = frozenset(argument[1])

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> bool | None:
        found = value(env, member)
        return None if found is None else found in choices

    return run


def _lit(argument: Any, scope: Scope, where: str) -> Compiled:
    if not isinstance(argument, str | int | float | bool):
        raise _error(scope, where, "lit 应为一个字面值")
    return lambda env, member: argument


def _any_member(argument: Any, scope: Scope, where: str) -> Compiled:
    inner = compile_expr(argument, scope.inside_member(), where)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> bool | None:
        unknown = False
        for each in env["members_list"]:
            value = inner(env, each)
            if value is None:
                unknown = True
            elif value:
                return True
        return None if unknown else False

    return run


def _count_members(argument: Any, scope: Scope, where: str) -> Compiled:
    if argument is True:
        return lambda env, member: len(env["members_list"])
    inner = compile_expr(argument, scope.inside_member(), where)
    return lambda env, member: sum(1 for each in env["members_list"] if inner(env, each) is True)


def _sum_members(argument: Any, scope: Scope, where: str) -> Compiled:
    inner = compile_expr(argument, scope.inside_member(), where)

    def run(env: dict[str, Any], member: dict[str, Any] | None) -> float | None:
        total = 0.0
        for each in env["members_list"]:
            value = inner(env, each)
            if value is None:
                return None
            total += value
        return total

    return run


def _status(argument: Any, scope: Scope, where: str) -> Compiled:
    if argument not in scope.programs:
        raise _error(scope, where, f"status 只能引用在此之前判定的项目，{argument!r} 不是")
    key = f"status.{argument}"
    return lambda env, member: env[key]


def _missing(argument: Any, scope: Scope, where: str) -> Compiled:
    if not isinstance(argument, list) or not all(isinstance(item, str) for item in argument):
        raise _error(scope, where, "应为引用名的列表")
    parts = [(name, _reference(name, scope, f"{where}[{i}]")) for i, name in enumerate(argument)]
    return lambda env, member: [name for name, part in parts if part(env, member) is None]


_OPERATORS: dict[str, Callable[[Any, Scope, str], Compiled]] = {
    "all": _all,
    "any": _any,
    "not": _not,
    "known": _known,
    "unknown": _unknown,
    "eq": _binary(operator.eq),
    "ne": _binary(operator.ne),
    "lt": _binary(operator.lt),
    "le": _binary(operator.le),
    "gt": _binary(operator.gt),
    "ge": _binary(operator.ge),
    "in": _in,
    "add": _fold(sum),
    "sub": _fold(_subtract),
    "mul": _fold(_multiply),
    "div": _binary(_divide),
    "max": _fold(max),
    "min": _fold(min),
    "round": _round,
    "if": _if,
    "lit": _lit,
    "any_member": _any_member,
    "count_members": _count_members,
    "sum_members": _sum_members,
    "status": _status,
    "missing": _missing,
}
