"""Money read by its role and period. Words in ``money.yml``.

Every amount in the answer is read with the role the words around it give it
(income, medical, education, one_off, deposits, debt, loss) and the period it is
stated for (month, year, week, day, once). The reader then returns the amount for
the role asked: a monthly figure for income, medical and education (a yearly one
÷ 12), a total for deposits, debt and one-off bills.

Approximations, each a named rule:
- ``more`` — "八千多", "八千来块", "三千几", "一百多点": the number said (8000);
- ``pair`` — two neighbouring numerals, "两三百", "五六千": their middle (250, 5500),
  done by ``nlu.normalize``;
- ``unit`` — "千把块", "百来块", "万把": one of the unit (1000);
- ``range`` — "几百", "几千", "几万" (and "十几万"): a ``Range`` (几千 → 1000–9000),
  kept as a range, never averaged;
- ``about`` — "左右", "大概", "约": the number said;
- ``span`` — "一千到两千", "有时候一千有时候两千": a ``Range`` from one to the other;
- ``below`` — "不到一千", "一千都不到", "没有一万": a ``Range`` from 0 to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from nlu.finders._words import words
from nlu.finders.members import find_mentions
from nlu.finders.negation import masked, negated_after, negated_before
from nlu.finders.text import (
    CLAUSE_END,
    MESSAGE_BREAK,
    clause_start,
    cn_int,
    is_unknown,
    segments,
    spoken_pairs,
    terms,
)
from nlu.finders.values import UNKNOWN, Range

ROLES = ("income", "medical", "education", "one_off", "deposits", "debt", "received")
MONTHLY_ROLES = ("income", "medical", "education")
FACT_KEY = {
    "income": "monthly_income",
    "medical": "medical",
    "education": "education",
    "one_off": "one_off_cost",
    "deposits": "deposits",
    "debt": "debt",
    "received": "one_off_income",
}
PERIODIC = ("month", "year", "term", "week", "day")
PER_MONTH = {"month": 1.0, "year": 1 / 12, "term": 1 / 6, "week": 52 / 12, "day": 30.0}

_NUMBER = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:(?:来|多)(?=万|千|百|w|k))?(万|千|百|w|k)?(\d)?(?!\d|\.\d)"
    r"|(十)?几(十|百|千|万)(万)?"
    r"|(?<![\d一二两三四五六七八九])([百千万])(把|来)"
)
_PAIR = re.compile("[一二两三四五六七八][二两三四五六七八九][十百千万]")
# "三五千", "一两万" that normalize did not turn into one number: two numerals, one unit.
_LOOSE_PAIR = re.compile("([一二两三四五六七八])([二两三四五六七八九])([十百千万])")
_SCALE = {"万": 10000, "w": 10000, "千": 1000, "k": 1000, "百": 100}
SPENT_MIN = 10  # "花了 两千" is a bill; "花了 3" is not money said
AFTER_WINDOW = 7  # how far after an amount its role word may stand ("七八百块钱吧看病")


@dataclass(frozen=True)
class Amount:
    value: int | Range | str  # "unknown" when the speaker says they do not know it
    start: int
    end: int  # after the unit ("3000块钱")
    role: str | None
    period: str | None
    approx: str | None
    total: bool = False  # said as the sum or average of the others ("加起来六千二")
    net: bool = False  # the own share after a reimbursement ("报了一些，自己出了一万")
    who: int = 0  # how many persons were named before it: another person, another bill
    named: bool = False  # a role word of its own stands in its clause ("资料费一年三四百")
    # the amount it is said against ("不是两千七 全家一个月就一千二", "是一年两万 不是一个月
    # 两万"): (value, period) of the one taken back — an earlier amount equal to it, or the
    # earlier ones summing to it, are replaced by this one
    denied: tuple[int, str | None] | None = None
    parts: frozenset[str] = frozenset()  # the income parts its clause names (wage, pension …)


def _value(match: re.Match[str]) -> tuple[int | Range, str | None]:
    if match.group(1):
        number = float(match.group(1))
        unit = (match.group(2) or "").lower()
        scale = _SCALE.get(unit, 1)
        value = number * scale
        if match.group(3):  # "2万4" = 24000, "3千5" = 3500
            value += int(match.group(3)) * scale / 10
        return round(value), None
    if match.group(5):
        unit = {"十": 10, "百": 100, "千": 1000, "万": 10000}[match.group(5)]
        if match.group(6):
            unit *= 10000
        if match.group(4):  # 十几万 → 110000–190000
            return Range(11 * unit, 19 * unit), "range"
        return Range(unit, 9 * unit), "range"
    return {"百": 100, "千": 1000, "万": 10000}[match.group(7)], "unit"


def _unit_after(text: str, end: int) -> tuple[int, bool, bool]:
    """(end of the unit, is money, is another unit): "3000块钱" → money; "3口人" → not."""
    rest = text[end:]
    skip = 0
    for word in terms("money", "approx", "more"):
        if rest.startswith(word) and word not in ("几",):
            skip = len(word)
            break
    if rest.startswith("几"):
        skip = 1
    tail = rest[skip:]
    for unit in terms("money", "money_units"):
        if tail.startswith(unit):
            return end + skip + len(unit), True, False
    for unit in terms("money", "not_money_units"):
        if tail.startswith(unit):
            return end, False, True
    return end + skip, False, False


def _approx(text: str, simple: str, start: int, end: int, rule: str | None) -> str | None:
    if rule:
        return rule
    after = text[end : end + 3]
    if any(after.startswith(word) for word in terms("money", "approx", "more")):
        return "more"
    around = text[max(0, start - 3) : end + 4]
    if any(word in around for word in terms("money", "approx", "about")):
        return "about"
    if _PAIR.search(spoken_pairs(simple)):
        return "pair"
    return None


def _last_role(stretch: str) -> str | None:
    """The role of the role word that ends nearest the end of ``stretch``."""
    best: tuple[int, int, str | None] = (-1, 0, None)
    for role in (*ROLES, "loss", "rent"):
        for word in terms("money", "roles", role):
            at = stretch.rfind(word)
            if at >= 0:
                best = max(best, (at + len(word), len(word), role))
    return best[2]


def _first_role(stretch: str) -> str | None:
    """The role of the role word that starts nearest the start of ``stretch``."""
    best: tuple[int, int, str | None] = (len(stretch) + 1, 0, None)
    for role in (*ROLES, "loss", "rent"):
        for word in terms("money", "roles", role):
            at = stretch.find(word)
            if at >= 0:
                best = min(best, (at, -len(word), role))
    return best[2]


def _without_not_periods(text: str) -> str:
    """``text`` with the words that hold 年/月 but name no period (年龄, 过年) blanked."""
    for word in terms("money", "not_periods"):
        text = text.replace(word, "_" * len(word))
    return _STAY.sub(lambda found: "_" * len(found.group()), text)


def _totals_only(stretch: str) -> bool:
    """The once words of ``stretch`` are all total words ("总共", "一共"): they sum a
    period's money said with them, they say nothing of it being paid once."""
    once = [word for word in terms("money", "periods", "once") if word in stretch]
    return bool(once) and all(word in terms("money", "total_words") for word in once)


# How long a stay lasted ("住了12天", "在icu待了半个月"): a duration, not how often a cost is.
_STAY = re.compile(
    r"(?:住院?了?|待了?|呆了?|躺了)(?:\d+|[一二两三四五六七八九十半几]+)(?:多)?(?:个)?(?:天|星期|礼拜|周|月)"
)


def _period(stretch: str, after: str) -> str | None:
    """The period word nearest before the amount (in its stretch), else just after it."""
    plain, after = _without_not_periods(stretch), _without_not_periods(after)
    best: tuple[str | None, int] = (None, -1)
    periodic: str | None = None
    for period in ("month", "year", "term", "week", "day", "once"):
        for word in terms("money", "periods", period):
            at = plain.rfind(word)
            if at >= 0 and at + len(word) > best[1]:
                best = (period, at + len(word))
                if period != "once":
                    periodic = period
    if best[0] == "once" and periodic and _totals_only(plain):
        return periodic  # "全年总共两万块": the year's total, not a sum paid once
    if best[0] is not None:
        return best[0]
    head = after[:4]
    if head[:1] in CLAUSE_END:
        head = head[:1]  # "儿子春节给两千四，平时…": the next clause's period is its own
    for period in ("year", "month", "week", "day"):
        if any(
            head.startswith(word) or head[1:].startswith(word)
            for word in terms("money", "periods", period)
        ):
            return period
    return None


def role_of(
    clause: str, after: str, earlier: str, default: str | None, lead: str = ""
) -> str | None:
    """Rules for an amount's role, in order:

    1. the role word nearest before it in its clause (since the amount before);
    2. else the first role word just after it in its clause ("七八百块钱吧看病");
    3. else the role word nearest before it in the clauses before;
    4. else the one of the text before a correction ("医疗自付应为1200元": 应为 cuts);
    5. else the role of the question asked (``default``).
    """
    return (
        _last_role(clause)
        or _first_role(after)
        or _last_role(earlier)
        or _last_role(lead)
        or default
    )


def _one_off_rule(
    role: str | None, clause: str, earlier: str, period: str | None, default: str | None
) -> str | None:
    """A medical cost is a one-off bill when a one-off word (住院, 手术, 押金) stands in
    its clause ("住院自付了2.5万"), or when no period is said and it was paid once
    ("花了", "交了"), follows an event (车祸, 住院) or answers the event question.
    住院 and 手术 are paid once; 吃药 every month."""
    if role not in ("medical", "one_off", None):
        return role
    if any(word in clause for word in terms("money", "one_off_strong")):
        return "one_off"
    paid = any(word in clause for word in terms("money", "paid_once"))
    if role is None and period in (None, "once") and default is None and paid:
        return "one_off"  # a story's "前前后后花了十几万": spent once
    if role == "medical" and period in (None, "once"):
        paid = any(word in clause for word in terms("money", "paid_once"))
        event = any(word in earlier + clause for word in terms("money", "roles", "one_off"))
        if paid or event or default == "one_off":
            return "one_off"
    return role


@dataclass(frozen=True)
class _Token:
    value: int | Range
    start: int
    end: int  # end of the number itself
    rule: str | None
    scaled: bool  # had its own 万/千/百 ("2万", "1.5k"), so no unit is needed


_SPAN = re.compile(
    r"(\d+(?:\.\d+)?|[一二两三四五六七八九十])\s*(?:块钱|块|元)?\s*(?:到|至|~|-)\s*"
    r"(\d+(?:\.\d+)?)\s*(万|千|百|w|k)?(?!\d|\.\d)"
)
_BELOW_BEFORE = re.compile(r"(?:不到|不足|不够|没有|没|还不到)$")
# "五百没有" is below 500 when the clause ends there; "寄五百没有存款" starts a new one.
_BELOW_AFTER = re.compile(
    r"^(?:块钱|块|元)?(?:(?:都|也|还)?(?:不到|不足|不够|那么多都没有)|(?:都|也|还)没有"
    r"|没有(?=$|[,.;!?~]|吧|呢|啊|哦|的样子))"
)
_SOMETIMES = "有时"


def _tokens(text: str) -> list[_Token]:
    """The numbers of ``text`` that may be money, a span "一千到两千" as one range."""
    tokens: list[_Token] = []
    taken: list[tuple[int, int]] = []
    for match in _SPAN.finditer(text):
        high = float(match.group(2)) * _SCALE.get((match.group(3) or "").lower(), 1)
        low = (
            float(match.group(1))
            if match.group(1)[0].isdigit()
            else float(cn_int(match.group(1)) or 0)
        )
        if 0 < low < high / 10:  # "三到5000", "1到2000": the low end takes the high end's unit
            low *= 10 ** (len(str(int(high))) - len(str(int(low))))
        if 0 < low < high:
            tokens.append(
                _Token(Range(round(low), round(high)), *match.span(), "span", bool(match.group(3)))
            )
            taken.append(match.span())
    for match in _LOOSE_PAIR.finditer(text):
        low, high = cn_int(match.group(1)) or 0, cn_int(match.group(2)) or 0
        unit = {"十": 10, "百": 100, "千": 1000, "万": 10000}[match.group(3)]
        if 0 < low < high:
            tokens.append(_Token(Range(low * unit, high * unit), *match.span(), "span", True))
            taken.append(match.span())
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        if match.group(1) and len(match.group(1).split(".")[0]) > 7:
            continue  # a phone or ID number
        value, rule = _value(match)
        tokens.append(_Token(value, start, end, rule, bool(match.group(2) or match.group(5))))
    tokens.sort(key=lambda token: token.start)
    return _sometimes(text, tokens)


def _sometimes(text: str, tokens: list[_Token]) -> list[_Token]:
    """ "有时候一千有时候两千": two amounts that alternate are one range."""
    merged: list[_Token] = []
    for token in tokens:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and _SOMETIMES in text[previous.end : token.start]
            and _SOMETIMES in text[max(0, previous.start - 4) : previous.start]
            and isinstance(previous.value, int)
            and isinstance(token.value, int)
        ):
            low, high = sorted((previous.value, token.value))
            merged[-1] = _Token(Range(low, high), previous.start, token.end, "span", True)
            continue
        merged.append(token)
    return merged


def _below(text: str, token: _Token, unit_end: int) -> bool:
    """ "不到一千", "一千都不到", "没有一万": less than the amount said."""
    before = text[max(0, token.start - 4) : token.start]
    return bool(_BELOW_BEFORE.search(before) or _BELOW_AFTER.match(text[token.end : token.end + 8]))


def find_amounts(
    text: str, simple: str = "", default: str | None = None, lead: str = ""
) -> list[Amount]:
    """Every amount of money in one segment of prepared text, with role and period.

    A number is money when a yuan unit follows it, or it has its own scale ("2万"), or
    a role word or a period places it; never when another unit follows ("3口人",
    "1套", "2个月"). "不是两千" is taken back; "不到一千" is a range below it
    (rule ``below``)."""
    amounts: list[Amount] = []
    previous_end = 0
    carried: str | None = None  # the role of an amount taken back ("不是三千，是两千五")
    # the amount taken back, not yet placed: value, period, where, the parts its clause names
    denial: tuple[int, str | None, int, frozenset[str]] | None = None
    mentions = find_mentions(text)
    people = [m.end for m in mentions]
    # The persons a cost may be of: "自己出了一万" names the payer, not another person.
    others = [m.end for m in mentions if m.word not in ("我", "自己", "我自己", "本人", "我们")]
    for token in _tokens(text):
        start, end = token.start, token.end
        unit_end, is_money, other_unit = _unit_after(text, end)
        if other_unit and not token.scaled:
            continue
        if not is_money and not token.scaled and in_age_list(text, start, end):
            continue  # "不是2个人 是5个人 46、48、20、14、78": ages, never a bill
        if (
            not is_money
            and not token.scaled
            and not token.rule
            and text[end : end + 1] not in ("多", "来", "几")
            # the other money may be named before a correction ("存款不对,是三千多,还有我哥其实46了")
            and (default is None or _other_money(lead + text, start + len(lead)))
            and _is_age(text, start, end, people)
        ):
            continue  # "老伴50", "小儿子28，": a person's age, not money
        if (
            not is_money
            and not token.scaled
            and (
                _age_said_loosely(text, start, end, people)  # "还有个婆婆七十几了" (probeL 14)
                or _age_remark(text, token.end, start, people)  # "我都四十几了读啥子书"
            )
        ):
            continue  # years said of a person, never a bill
        value, rule = token.value, token.rule
        if _below(text, token, unit_end) and isinstance(value, int):
            value, rule = Range(0, value), "below"
        elif _short_negation(text, start):
            said = masked(text[max(previous_end, clause_start(text, start)) : start])
            carried = role_of(
                said,
                "",
                masked(text[previous_end:start]),  # "存款 不是 五千。 三千。"
                None,
                lead,
            )
            if carried is None and isinstance(value, int):
                carried = _role_said_back(amounts, value)  # "不是两千七": the income said back
            amounts = _settle(text, amounts, denial)
            denial = (
                (value, _period(said, text[unit_end:]), start, _parts_of(said))
                if isinstance(value, int)
                else None
            )
            previous_end = unit_end
            continue  # "是两千五不是两千"
        clause_from = max(previous_end, clause_start(text, start))
        clause = masked(text[clause_from:start])
        # The clauses before, in its sentence: a role said in an earlier sentence is another
        # thing's ("吃药三百多。…一年一万多" is income, not medicine).
        sentence_from = max(text.rfind(mark, 0, clause_from) for mark in ".!?;") + 1
        earlier = masked(text[max(previous_end, sentence_from) : clause_from])
        after = text[unit_end : _clause_end(text, unit_end, AFTER_WINDOW)]
        role = role_of(clause, after, earlier, None, lead) or carried or default
        if default and not _last_role(clause) and _remaining(clause):
            role = default  # "存款基本没有了，看病花光了，可能就几千块": what is left of it
        if role == "rent" and any(word in text for word in terms("money", "rented_out")):
            role = "income"  # "地租给别人了，一年租金一千二": rent received
        if role == "rent" and any(word in clause for word in terms("money", "roles", "education")):
            role = "education"  # "读高中一年学费住宿要三千多": boarding at school (probeL 14)
        if (
            role == "income"
            and not _last_role(clause)
            and not _first_role(after)
            and any(word in clause for word in terms("money", "paid_once"))
        ):
            role = carried or default  # "…让车给刮了，花了七千": money spent is no income
        if lead and not text[:start].strip(",是就为应该 ") and _last_role(lead):
            role = _last_role(lead)  # "五万不对四万我上个月取了一万": 四万 corrects 五万
        if role == "rent" and _school_lodging(clause):
            role = "education"  # "一年学费住宿六千": boarding at school, a school cost
        gross = _net_of_costs(role, clause, amounts)
        if gross is not None:
            role = "income"  # "卖粮两万出头 除掉化肥农药剩个一万二": the net income
        period = (
            _period(clause, text[unit_end:])
            or _period(earlier, "")
            or (gross.period if gross is not None else None)
            or _period_explained(text[unit_end:])
        )
        since = max(previous_end, sentence_from)
        if period is None and role == "income" and _yearly_occasion(text[since:start]):
            period = "year"  # "女儿 过年 给 一千": once a year
        role = _one_off_rule(role, clause, earlier, period, default)
        if role == "received" and _spent_after(text, unit_end):
            role = "one_off"  # "厂里赔了三万，已经花在医院了": the sum went on the event
        if role == "received" and _period(clause, text[unit_end:]) in PERIODIC:
            role = "income"  # "抚恤金一个月三百": paid every month, an income
        if role == "debt" and any(word in clause for word in terms("money", "repaid")):
            role = "one_off"  # "还了医院欠的八万": paid, owed no more
        if role is None and amounts and _added_to(text, previous_end, start):
            role = amounts[-1].role  # "一个月就一千 再加一百五": more of the same money
        if role is None and amounts and _said_as_total(text, previous_end, start):
            # "少的时候一千多…平均也就一千五": the same money's average; said for a period
            # ("全年加起来也就两万"), of money that has one (not the deposits said last)
            timed = [a for a in amounts if (a.role in MONTHLY_ROLES) == (period in PERIODIC)]
            role = (timed or amounts)[-1].role
        if (
            role is None
            and amounts
            and amounts[-1].role in ("education", "medical")
            and sum(1 for person in others if person <= start) > amounts[-1].who
            and text[amounts[-1].end : start].count(",") <= 1
        ):
            role = amounts[-1].role  # "大娃学费三千多 小娃一年几百块": the next child's too
        if role is None and default is None and (is_money or period) and not _spent(clause):
            role = "income"  # a story's bare "一个月两千块": what the household lives on
        if role is None and default is None and _spent_just_before(text, start, end):
            role = "one_off"  # "修 花了 两千": a bill paid once
        if role is None:
            previous_end = unit_end
            continue
        if role in ("income", "deposits") and (
            _in_the_past(text, start) or _said_past(text, unit_end)
        ):
            previous_end = unit_end
            continue  # "原来…一个月两千五", "本来五六万，现在剩三万": before, not now
        approx = _approx(text, simple, start, end, rule)
        if role == "deposits" and _not_known(text, start, unit_end):
            value, approx = UNKNOWN, None  # "那几万块还剩好多我也不晓得"
        if amounts and _restated(text, amounts[-1], value, role, start):
            previous_end = unit_end
            continue  # "三万来块 就是 嗯 三万左右": the same amount said again
        near = text[max(previous_end, start - 6) : start]
        # "平均下来一个月也就一千二", "全家一个月就一千二": a total word in its clause
        total = gross is not None or any(
            word in near or word in clause for word in terms("money", "total_words")
        )
        net = any(word in clause for word in terms("money", "own_share")) and any(
            word in text[:start] for word in terms("money", "reimbursed")
        )
        if (
            net
            and role in ("medical", "income")  # "自己要畀一萬二": a share paid, never earned
            and period is None
            and any(amount.role == "one_off" for amount in amounts)
        ):
            role = "one_off"  # "住院花了三万多 报销完还要自己出一万二": that bill's own share
        who = sum(1 for person in others if person <= start)
        if role == "income" and _sent_home(text, clause_from, start, who, amounts):
            previous_end = unit_end
            continue  # "工资五六千 寄回家三千": part of the wage, not more
        if isinstance(value, int) and not total and _for_each_of_two(text, sentence_from, start):
            value = value * 2  # "我跟老伴每人每月有一百五": 300 for the two
        named = _last_role(clause) is not None
        denied = None
        parts = _parts_of(text[clause_start(text, start) : unit_end])
        if denial is not None and _same_sentence(text, denial[2], start):
            # "不是两千七 全家一个月就一千二", "我工资不是两千 是两千五"
            denied, parts, denial = denial[:2], parts | denial[3], None
        else:
            amounts = _settle(text, amounts, denial)
            denial = None
        amounts.append(
            Amount(
                value, start, unit_end, role, period, approx, total, net, who, named, denied, parts
            )
        )
        previous_end = unit_end
    return _settle(text, amounts, denial)


def _role_said_back(amounts: list[Amount], value: int) -> str | None:
    """The role of the amounts said before that are ``value``, one of them or together
    ("不是两千七" after 一千五 and 一千二 of income)."""
    for amount in reversed(amounts):
        if amount.value == value:
            return amount.role
    for role in MONTHLY_ROLES:
        said = [_monthly(a, role) for a in amounts if a.role == role]
        if len(said) > 1 and None not in said and abs(sum(filter(None, said)) - value) < 1:
            return role
    return None


def _same_sentence(text: str, start: int, end: int) -> bool:
    return not any(mark in text[start:end] for mark in ".!?;")


def _settle(
    text: str, amounts: list[Amount], denial: tuple[int, str | None, int, frozenset[str]] | None
) -> list[Amount]:
    """An amount taken back with no amount after it in its sentence ("全年总共两万块 不是
    两万四", "是一年两万 不是一个月两万") is said against the amount just before it."""
    if denial is None or not amounts:
        return amounts
    last = amounts[-1]
    if last.denied is not None or not _same_sentence(text, last.start, denial[2]):
        return amounts
    return [*amounts[:-1], replace(last, denied=denial[:2], parts=last.parts | denial[3])]


def _parts_of(clause: str) -> frozenset[str]:
    """The income parts named in ``clause`` (``income_parts``: wage, pension …) and the
    persons other than the writer it names ("儿子给的" → support, 'son')."""
    table: dict[str, list[str]] = words("money")["income_parts"]
    kinds = {part for part, said in table.items() if any(str(word) in clause for word in said)}
    persons = {f"@{m.relation}" for m in find_mentions(clause) if m.relation != "self"}
    return frozenset(kinds | persons)


def _school_lodging(clause: str) -> bool:
    """A lodging word ("住宿") said with a school cost in the clause ("学费住宿", "住校伙食"):
    the school's boarding, not a rent."""
    lodging = any(word in clause for word in terms("money", "school_lodging"))
    return lodging and any(word in clause for word in terms("money", "roles", "education"))


def _spent(clause: str) -> bool:
    """A paying word in the amount's clause ("花费一个月两百"): money spent, never income."""
    return any(word in clause for word in terms("money", "paid_once"))


def _spent_just_before(text: str, start: int, end: int) -> bool:
    """A paying word ends right before a bare number ("修,花了,2000", a voice message's
    spaces): the number is the money spent — unless another unit follows past the spaces
    ("盖 花了 20 年") or it is too small to be a bill ("花了 3")."""
    before = text[:start].rstrip(", ")
    if not any(before.endswith(word) for word in terms("money", "paid_once")):
        return False
    squeezed = text[:end] + text[end:].lstrip(", ")
    _unit_end, _money, other_unit = _unit_after(squeezed, end)
    number = text[start:end]
    return not other_unit and (not number.isdigit() or int(number) >= SPENT_MIN)


def _remaining(clause: str) -> bool:
    """ "可能就几千块", "只剩几百": what is left of the money asked about."""
    return any(word in clause for word in terms("money", "remaining"))


def _net_of_costs(role: str | None, clause: str, amounts: list[Amount]) -> Amount | None:
    """ "一年卖粮两万出头 除掉化肥农药剩个一万二": what is left (剩) after costs are taken
    off (``deducted``) an income said before is that income, net — the income amount
    it nets (its period is the net's), or None when the amount is no such net."""
    if role != "deposits" or "剩" not in clause:
        return None
    if not any(word in clause for word in terms("money", "deducted")):
        return None
    incomes = [amount for amount in amounts if amount.role == "income"]
    return incomes[-1] if incomes else None


_EXPLAINED = re.compile(r"^(?:块钱|块|元)?(?:是|那是|这是|就是)")


def _period_explained(after: str) -> str | None:
    """ "那一万二是种田一年落下的钱": an amount explained by the clause after it (是…的钱)
    takes the period that clause names."""
    if not _EXPLAINED.match(after):
        return None
    clause = after[: next((i for i, c in enumerate(after) if c in CLAUSE_END), len(after))]
    plain = _without_not_periods(clause)
    for period in ("year", "month", "week", "day"):
        if any(word in plain for word in terms("money", "periods", period)):
            return period
    return None


def _yearly_occasion(stretch: str) -> bool:
    """A once-a-year occasion (过年, 春节) since the amount before, in its sentence."""
    return any(word in stretch for word in terms("money", "yearly_occasions"))


def _sent_home(text: str, clause_from: int, start: int, who: int, amounts: list[Amount]) -> bool:
    """Someone sends this home (寄回家, 寄回来) whose own income was said before (the one
    typing, or the husband named: "我老公…一个月五千左右 寄回来三千"): part of it."""
    if not any(word in text[clause_from:start] for word in terms("money", "sent_home")):
        return False
    return any(amount.role == "income" and amount.who == who for amount in amounts)


def _for_each_of_two(text: str, sentence_from: int, start: int) -> bool:
    """ "我跟老伴每人每月有一百五": an amount said for each of two people."""
    before = text[max(sentence_from, start - 8) : start]
    if not any(word in before for word in terms("money", "each")):
        return False
    sentence = text[sentence_from:start]
    return any(word in sentence for word in terms("money", "two_people"))


def _spent_after(text: str, end: int) -> bool:
    """The clause after a sum received says it was spent ("已经花在医院了")."""
    rest = text[end:]
    if rest[:1] in CLAUSE_END:
        rest = rest[1:]
    clause = rest[: next((i for i, c in enumerate(rest) if c in CLAUSE_END), len(rest))]
    return any(word in clause for word in terms("money", "spent_after"))


def _added_to(text: str, previous_end: int, start: int) -> bool:
    near = text[max(previous_end, start - 4) : start]
    return any(word in near for word in terms("money", "adding"))


def _said_as_total(text: str, previous_end: int, start: int) -> bool:
    near = text[max(previous_end, start - 6) : start]
    return any(word in near for word in terms("money", "total_words"))


_RESTATE_GAP = re.compile(
    r"^(?:[,.;!?:~ ]|就是|也就是|嗯|啊|那个|大概|大约|差不多|约|应该|可能|吧)*$"
)


def _restated(text: str, previous: Amount, value: Any, role: str | None, start: int) -> bool:
    """The amount just before, of the same role, said again with nothing but fillers and
    hedges between ("三万来块 就是 嗯 三万左右"): one amount, not two."""
    if previous.role != role or not isinstance(value, int) or not isinstance(previous.value, int):
        return False
    if not _RESTATE_GAP.match(text[previous.end : start]):
        return False
    return abs(previous.value - value) <= 0.2 * max(previous.value, value)


def _other_money(text: str, start: int) -> bool:
    """Another amount of the text is plainly money (a unit or a role word with it): then a
    bare number after a person is their age ("我52，老伴50，一个月收入三千")."""
    for token in _tokens(text):
        if token.start == start:
            continue
        _, is_money, _ = _unit_after(text, token.end)
        if (
            is_money
            or token.scaled
            or _last_role(masked(text[max(0, token.start - 6) : token.start]))
        ):
            return True
    return False


# "是5个人 46/48/20/14/78", "46 48 20 14 78岁": three or more bare numbers up to 120,
# listed with nothing but separators between, standing apart from any money word or unit
# ("花了20/30/40块", "每月,50,60,80" stay money), are the household's ages.
_AGE_LIST = re.compile(r"(?<![\d.])\d{1,3}(?:[/, ]+\d{1,3}){2,}(?![\d.])")
AGE_LIST_MIN = 3


def in_age_list(text: str, start: int, end: int) -> bool:
    """The number at ``start:end`` is one of a listed run of ages (``_AGE_LIST``)."""
    for match in _AGE_LIST.finditer(text):
        if not match.start() <= start < end <= match.end():
            continue
        before = text[: match.start()].rstrip(" ")
        after = text[match.end() :].lstrip(" ")
        if (before and before[-1] not in CLAUSE_END) or (
            after and after[0] not in CLAUSE_END and not after.startswith("岁")
        ):
            return False  # a word or unit joins the run to something else
        clause = before[clause_start(before, len(before.rstrip(CLAUSE_END))) :]
        if _last_role(clause) or _period(clause, "") or _unit_after(text, match.end())[1]:
            return False  # "每月,50,60,80", "药费,20/30/40": amounts of that money
        numbers = re.split(r"[/, ]+", match.group())
        return len(numbers) >= AGE_LIST_MIN and all(int(number) <= 120 for number in numbers)
    return False


_AGE_GAP = re.compile(r"(?:其实|实际|实际上|今年|已经|都|是|有|也|才|快|满)*")


def age_before_none(text: str, start: int, end: int) -> bool:
    """A number from 50 to 120 that is a clause of its own, right before a clause saying
    there is no income ("她一个人在城里住,65,退休金都没有"): an age — the money is none."""
    number = text[start:end]
    if not number.isdigit() or not 50 <= int(number) <= 120:
        return False
    if (start > 0 and text[start - 1] not in CLAUSE_END) or text[end : end + 1] not in CLAUSE_END:
        return False
    rest = text[end + 1 :]
    following = rest[: next((i for i, c in enumerate(rest) if c in CLAUSE_END), len(rest))]
    return bool(following) and "income" in zero_roles(following, None, bare=False)


def _is_age(text: str, start: int, end: int, people: list[int]) -> bool:
    """A bare number up to 120 said right after a person and ending its clause ("我52 老伴50",
    "小儿子28，"), or before 岁, is an age."""
    if text[end : end + 1] == "岁" or age_before_none(text, start, end):
        return True
    number = text[start:end]
    if not number.isdigit() or int(number) > 120:
        return False
    if text[end : end + 2] == "好几" and text[end + 2 : end + 3] not in "十百千万块元":
        return True  # "都七十好几哒": said of years, never of money
    if text[max(0, start - 2) : start] == "今年":
        return True  # "刘建华今年70了": an age, whoever says it
    close = [person for person in people if 0 <= start - person <= 1]
    if not close and text[end : end + 1] == "了":
        # "我哥其实46了": a person, a word or two, and the number ending in 了
        close = [
            person
            for person in people
            if 0 <= start - person <= 4 and _AGE_GAP.fullmatch(text[person:start])
        ]
    if not close:
        return False
    # "一个月给孩子50": a period said before the person makes it money
    return _period(text[max(0, close[-1] - 8) : close[-1]], "") is None


def _age_said_loosely(text: str, start: int, end: int, people: list[int]) -> bool:
    """ "婆婆七十几了", "我都四十几了", "七十多岁": a number up to 120 with 多/几/来, then 岁,
    or 了 after a person named just before it — an age, never money."""
    number = text[start:end]
    if not number.isdigit() or int(number) > 120 or text[end : end + 1] not in ("多", "几", "来"):
        return False
    after = text[end + 1 : end + 2]
    if after == "岁":
        return True
    if after != "了":
        return False
    return any(
        0 <= start - person <= 4 and _AGE_GAP.fullmatch(text[person:start]) for person in people
    )


# "四十几了", "五十多的人了", "七十来岁了": an about-number of years ending the remark
_YEARS_REMARK = re.compile(r"^(?:几|多|来|好几)?岁?(?:了|的人了|的人)")


def _age_remark(text: str, end: int, start: int, people: list[int]) -> bool:
    """An about-number right after a person (and 都/已经 …) and ending in 了 / 的人了
    ("我都四十几了", "我四十几的人了"): how old they are, not money."""
    match = _YEARS_REMARK.match(text[end:])
    if match is None:
        return False
    number = re.sub(r"\D", "", text[start:end])
    if not number or int(number) > 120:
        return False
    return any(
        0 <= start - person <= 4 and _AGE_GAP.fullmatch(text[person:start]) for person in people
    )


def _not_known(text: str, start: int, end: int) -> bool:
    """The amount's clause (or the next few characters) says the speaker does not know it."""
    around = text[clause_start(text, start) : min(len(text), end + 14)]
    if any(word in around[end - clause_start(text, start) :] for word in terms("money", "exact")):
        return False  # "大概两三万，具体数说不准", "一万几千啦，我唔知实数": only the exact figure
    return is_unknown(around)


_SAID_PAST = re.compile(r"^(?:块钱|块|元)?(?:是|那是|都是)(?:以前|原来|过去|之前|早先)(?:的|了)?")


def _said_past(text: str, end: int) -> bool:
    """ "一千八是以前的，现在只有一千五": the amount is said to be the old one."""
    return _SAID_PAST.match(text[end : end + 8]) is not None


def _in_the_past(text: str, start: int) -> bool:
    """A past word ("原来", "以前") in the amount's clause or the one before it, with no
    "now" word after it ("原来在超市上班，一个月两千五")."""
    sentence = text[:start]
    cut = clause_start(text, start)
    before = clause_start(text, max(0, cut - 1)) if cut > 0 else 0
    sentence = sentence[before:]
    past = max((sentence.rfind(w) for w in terms("money", "past")), default=-1)
    if past < 0:
        return False
    return not any(word in sentence[past:] for word in terms("money", "present"))


def _short_negation(text: str, start: int) -> bool:
    """A negator just before an amount ("不是两千", "没有三千", "哪有四十多万") negates it."""
    window = text[max(0, start - 3) : start]
    if any(word in window for word in terms("money", "denied")):
        return True
    before = text[:start]  # "不是一个月两万", "不是每年两万": the period said between
    periods = (word for period in PERIODIC for word in terms("money", "periods", period))
    said = next((word for word in periods if before.endswith(word)), None)
    if said is None:
        return False
    before = before[: -len(said)]
    return any(before.endswith(word) for word in terms("money", "denied"))


def _clause_end(text: str, start: int, width: int) -> int:
    end = start
    while end < len(text) and end - start < width and text[end] not in CLAUSE_END:
        if text[end].isdigit():
            break
        end += 1
    return end


# "不要低保", "不申请低保": a program refused, not an income of 0.
_REFUSALS = ("不要", "不申请", "不办", "不想要", "不想申请", "不用")


def zero_roles(text: str, default: str | None, bare: bool = True) -> set[str]:
    """Roles the answer says are 0 ("没有收入", "存款早就花光了", "一分钱都没有").

    Rules: a zero phrase of a role (``zero.<role>``); a role noun negated before or
    after it ("没别的收入", "存款没有"); a zero phrase of no role ("一分钱都没有",
    "没钱") or a bare "没有" clause for the role of the question. "没有好多钱" is
    "not much", not zero.
    """
    plain = text
    # "不清楚其存折余额" does not know the deposits, it does not say there are none;
    # typed slowly too: "没 算过", "有 一 阵 没 一 阵".
    for word in (*terms("money", "not_zero"), *terms("text", "unknown")):
        pattern = ",?".join(map(re.escape, word))
        plain = re.sub(pattern, lambda match: "_" * len(match.group()), plain)
    roles: set[str] = set()
    for role in ROLES:
        if role in ("one_off", "received"):
            continue
        key = role if role in ("deposits", "medical", "income", "debt") else None
        if key and any(word in plain for word in terms("money", "zero", key)):
            roles.add(role)
        for word in terms("money", "zero_nouns", role) if role != "one_off" else ():
            at = plain.find(word)
            while at >= 0:
                refused = plain[max(0, at - 4) : at].endswith(_REFUSALS)
                if not refused and (
                    negated_before(plain, at) or negated_after(plain, at + len(word))
                ):
                    roles.add(role)
                at = plain.find(word, at + 1)
    if (
        default
        and bare
        and (any(word in plain for word in terms("money", "zero", "any")) or _bare_no(plain))
    ):
        roles.add(default)
    return roles


_BARE_NO = re.compile(
    r"(?:^|[,.;!?:~])(?:现在|目前|早就|早|也|都|就|是|那个|那可|那|可|嗯|啊|真的|确实|基本上|基本|几乎|差不多)*"
    r"(?:没有|没|无|木有)"
    r"(?:了|的|啊|呀|咯|哦|呢|嘛|噻)*(?=$|[,.;!?:~])"
)


def _bare_no(text: str) -> bool:
    """A clause that is only "没有" (with fillers): "没有", "现在没有", "没有没有"."""
    return _BARE_NO.search(text) is not None or text.strip(CLAUSE_END) in ("没有没有", "没没")


@dataclass(frozen=True)
class MoneyFacts:
    totals: dict[str, Any]  # role → int | Range | "unknown"
    periods: dict[str, str]
    approx: dict[str, str]


def _monthly(amount: Amount, role: str) -> float | None:
    if not isinstance(amount.value, int):
        return None
    factor = PER_MONTH.get(amount.period or "month", 1.0) if role in MONTHLY_ROLES else 1.0
    return amount.value * factor


def _combine(amounts: list[Amount], role: str) -> tuple[Any, str | None, str | None, list[Amount]]:
    """One role's amounts as one figure (and the amounts it is made of): a monthly sum for the monthly roles (a yearly
    figure ÷ 12), a plain sum for the others. Rules before the sum:

    - a total said ("加起来六千二", "平均下来五千多") is the figure: the last one said;
    - an own share after a reimbursement ("报了一些，自己出了一万") replaces the bill;
    - a range an exact amount falls in is refined by it ("不到一千，大概九百几" → 900);
    - the same amount said again for another period is said once ("一年六千，一个月五百");
    - a yearly figure said with a term's is the year's total ("一学期一百多，一年三四百"),
      unless it names a cost of its own ("学费一学期八百 资料费一年三四百": added up).
    """
    mine = [amount for amount in amounts if amount.role == role]
    if role == "debt":  # "每个月还房贷1600" is a repayment, not what is owed
        mine = [amount for amount in mine if amount.period in (None, "once")]
    if not mine:
        return None, None, None, []
    if any(amount.value == UNKNOWN for amount in mine):
        return UNKNOWN, None, None, []
    if any(amount.period == "year" and not amount.named for amount in mine):
        # "一学期一百多，一年三四百": the year's total of the same cost; "学费一学期八百
        # 资料费一年三四百" names another cost for its year, and both are added
        mine = [amount for amount in mine if amount.period != "term"]
    exact = [amount for amount in mine if isinstance(amount.value, int)]
    mine = [  # refined by an exact amount of the same person ("崽有时候给几百" is more money)
        amount
        for amount in mine
        if not (
            isinstance(amount.value, Range)
            and any(
                amount.value.low <= int(other.value) <= amount.value.high
                and other.who == amount.who
                for other in exact
            )
        )
    ]
    mine = _said_once(_denials(mine, role), role)
    totals = [amount for amount in mine if amount.total or _sums_up(mine, amount)]
    if totals:  # the last total said, and what is said after it ("另外我每月给一千")
        mine = [totals[-1], *(amount for amount in mine if amount.start > totals[-1].start)]
    net = [amount for amount in mine if amount.net]
    if net:
        # The own share replaces the bill said before it for the same person; a cost said
        # after it ("另外两百") or of someone named between ("老头子那边…") is another one.
        mine = [
            amount
            for amount in mine
            if amount.net
            or amount.start > net[-1].start
            or all(amount.who != other.who for other in net)
        ]
    mine = _said_once(mine, role)
    total: int | float | Range = 0
    for amount in mine:
        factor = PER_MONTH.get(amount.period or "month", 1.0) if role in MONTHLY_ROLES else 1.0
        value = amount.value
        total = total + (value.scaled(factor) if isinstance(value, Range) else value * factor)
    if not isinstance(total, Range):
        total = round(total)
    approx = ",".join(dict.fromkeys(a.approx for a in mine if a.approx)) or None
    return total, mine[0].period, approx, mine


def _denials(mine: list[Amount], role: str) -> list[Amount]:
    """An amount said against one taken back replaces what that one was: the earlier amount
    equal to it ("是一年两万 不是一个月两万": the 两万 read as a month's), else the earlier
    amounts that sum to it ("不是两千七 全家一个月就一千二": the 1500 + 1200 said back)."""
    for amount in [a for a in mine if a.denied is not None]:
        if amount not in mine or amount.denied is None:
            continue
        value, period = amount.denied
        said = value * PER_MONTH.get(period or "month", 1.0) if role in MONTHLY_ROLES else value
        before = [a for a in mine if a.start < amount.start and isinstance(a.value, int)]
        same = [a for a in before if a.value == value or abs((_monthly(a, role) or -9) - said) < 1]
        if same:
            mine = [a for a in mine if a is not same[-1]]
        elif (before and abs(sum(_monthly(a, role) or 0 for a in before) - said) < 1) or (
            not amount.parts and not any(a.denied for a in before)
        ):
            # the sum said back, or a figure said against one nobody said ("是一年两万 不是
            # 一个月两万"): it is the whole figure, unless it names a part of its own
            mine = [a for a in mine if a not in before]
    return mine


def _said_once(mine: list[Amount], role: str) -> list[Amount]:
    """The same amount said again for another period ("一年一万二 一个月就一千") once."""
    kept: list[Amount] = []
    for amount in mine:
        value = _monthly(amount, role)
        if value is not None and any(
            other.period != amount.period and abs((_monthly(other, role) or -9) - value) < 1
            for other in kept
        ):
            continue
        kept.append(amount)
    return kept


SUM_TOLERANCE = 0.15  # "八百多加一百来块 一个月九百多": 900 is 800 + 100, said again


def _sums_up(mine: list[Amount], amount: Amount) -> bool:
    """The last amount is about the sum of the two or more said before it ("养老金八百多
    加老伴一百来块 一个月九百多"): their total said in one figure."""
    before = mine[:-1]
    if amount is not mine[-1] or len(before) < 2 or not isinstance(amount.value, int):
        return False
    if not all(isinstance(other.value, int) for other in before):
        return False
    parts = sum(_monthly(other, amount.role or "") or 0 for other in before)
    value = _monthly(amount, amount.role or "") or 0
    return parts > 0 and abs(parts - value) <= SUM_TOLERANCE * parts


# A date's numbers are never money ("2026年12月4日交的 收入写错了" read 4元, "2026-12-04"
# 2042元); case numbers, phones and 身份证号 are masked by ``prepare`` already.
_DATE = re.compile(
    r"(?<!\d)(?:\d{4}[年/.-]\d{1,2}[月/.-]\d{1,2}[日号]?"
    r"|\d{4}年\d{1,2}月(?:份)?|\d{1,2}月\d{1,2}(?:日|号)|\d{1,2}月份?(?=\d{1,2}(?:日|号)))(?!\d)"
)


def without_dates(text: str) -> str:
    """``text`` with every date's characters blanked (same length: positions hold)."""
    return _DATE.sub(lambda found: "_" * len(found.group()), text)


def _part_corrected(
    before: list[Amount], now: list[Amount], role: str, named: frozenset[str], total: Any
) -> tuple[Any, list[Amount]]:
    """A correction of one part of an income of several ("还有保洁工资说错了 现在涨到
    一千三了" after 保洁一千二 and the son's 500): that part changes, the others stay.
    Otherwise (a total, no part named, or several parts alike) the correction is the figure."""
    if len(before) < 2 or len(now) != 1 or now[0].total or role not in MONTHLY_ROLES:
        return total, now
    [amount] = now
    said = amount.parts | named
    alike = [other for other in before if other.parts & said]
    if len(alike) > 1:  # "我工资说多了": the kind of income first, then the person
        kinds = {part for part in said if not part.startswith("@")}
        alike = [other for other in alike if other.parts & kinds] or alike
    if len(alike) != 1 or not all(isinstance(a.value, int) for a in (*before, amount)):
        return total, now
    parts = [*(other for other in before if other is not alike[0]), amount]
    return round(sum(_monthly(a, role) or 0 for a in parts)), parts


_AGE_NOT_MONEY = re.compile(r"不是(\d+)(?:块钱|块|元),?是\1岁")
# "医药费没有70,我是讲我2个都70好几岁了": the 70 taken back is an age said again.
_NO_SUCH_AMOUNT = re.compile(r"(?:没有|不是)(\d+)(?=[,.;!?]).{0,14}?(?<!\d)\1(?:好几|多|几)?岁")


def money_of(
    prepared_text: str, simple: str = "", default: str | None = None, bare_zero: bool = True
) -> MoneyFacts:
    """Every role's figure in the answer; a corrected segment replaces a role it names.

    ``default`` is the role of the question asked; ``bare_zero`` says whether a bare
    "没有" answers it (yes at a money question, not at the event question, where
    "没有" means no event)."""
    totals: dict[str, Any] = {}
    periods: dict[str, str] = {}
    approx: dict[str, str] = {}
    lead = ""
    kept: dict[str, list[Amount]] = {}  # each role's amounts of the segment that set it
    pieces = [
        piece
        for part in segments(without_dates(prepared_text))
        for piece in part.split(MESSAGE_BREAK)
    ]
    for part in [piece for piece in pieces if piece.strip(CLAUSE_END + " /")]:
        # "不是65块,是65岁": the amount read before was an age — withdrawn
        withdrawn = {int(said.group(1)) for said in _AGE_NOT_MONEY.finditer(part)}
        part = _AGE_NOT_MONEY.sub(lambda found: "_" * len(found.group()), part)
        for said in _NO_SUCH_AMOUNT.finditer(part):
            withdrawn.add(int(said.group(1)))  # "没有70…70好几岁": no money at all
            low, high = said.span(1)
            part = f"{part[:low]}{'_' * (high - low)}{part[high:]}"
        amounts = find_amounts(part, simple, default, lead)
        named = _parts_of(lead)  # "还有保洁工资说错了": the part the correction is about
        lead = part[clause_start(part, len(part)) :] if part else ""
        zeros = zero_roles(part, default, bare_zero)
        for role in ROLES:
            total, period, rule, mine = _combine(amounts, role)
            if mine and role in kept:
                total, mine = _part_corrected(kept[role], mine, role, named, total)
            if mine:
                kept[role] = mine
            if total is None and role in zeros:
                total = 0
            if total is None:
                continue
            totals[role] = total
            if period:
                periods[role] = period
            if rule:
                approx[role] = rule
        for role in [r for r, v in totals.items() if v in withdrawn]:
            if role in zeros:
                totals[role] = 0  # "…是65岁,她1分钱收入都没有"
            else:
                del totals[role]
                approx.pop(role, None)
    if default and bare_zero and default not in totals and is_unknown(prepared_text):
        totals[default] = UNKNOWN
    return MoneyFacts(totals, periods, approx)
