"""The household per member: who is named, and who is ill, disabled, at school or out
of work. Words in ``members.yml`` and ``conditions.yml``.

``applicant`` says who the applicant is to the person typing: "self" (default), or
"father"/"mother" when a child types for a parent ("我爸中风了" is then the applicant).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nlu.finders._words import words
from nlu.finders.negation import is_negated, says_none_at_all
from nlu.finders.text import CLAUSE_END, clause_spans, cn_int, find_all, segments

KINDS = ("ill", "disabled", "students", "unemployed")
# A count said in digits needs its measure word: "大的12小的8岁" is an age before 小的.
_COUNT_BEFORE = re.compile(r"(?:(\d+)\s*(?:个|位|名)|([一二两三四五六七八九])\s*(?:个|位|名)?)$")
_COUNT_AFTER = re.compile(r"(?:们)?(\d+|[两二三四五六七八九])个(?=都|均|全|在|是|也)")
_GRADE = re.compile(r"([1-4一二三四])\s*级")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    relation: str
    word: str
    count: int = 1


@lru_cache(maxsize=4)
def _relation_words(applicant: str) -> tuple[tuple[str, str], ...]:
    """(word, relation) pairs, longest word first; a child's view overrides for a parent."""
    data = words("members")
    table: dict[str, str] = {}
    if applicant in data["as_child_of"]:
        for relation, items in data["as_child_of"][applicant].items():
            for word in items:
                table.setdefault(str(word), relation)
    for relation, items in data["relations"].items():
        for word in items:
            table.setdefault(str(word), relation)
    return tuple(sorted(table.items(), key=lambda item: len(item[0]), reverse=True))


def member_words(applicant: str = "self") -> tuple[str, ...]:
    return tuple(word for word, _ in _relation_words(applicant))


_SPEAKER = ("我", "我自己", "自己", "我们", "本人", "俺")
SPEAKER_WORDS = _SPEAKER  # the one who writes ("老人" may be the applicant, not the writer)


def find_mentions(text: str, applicant: str = "self", orphans: bool = False) -> list[Mention]:
    """Every person named in ``text``, in order; a pronoun right after a person is that
    person; "两个儿子" / "二子" is one mention that counts two. With ``orphans``, a
    pronoun nobody was named before ("她尿毒症") is someone other than the applicant."""
    table = dict(_relation_words(applicant))
    mentions: list[Mention] = []
    pronouns = tuple(str(word) for word in words("members")["pronouns"])
    counted = tuple(str(word) for word in words("members")["count_nouns"])
    pairs = tuple(str(word) for word in words("members")["pairs"])
    ranked = {str(word) for word in words("members")["ranked"]}
    speakers = _speakers(text)
    for start, end, word in find_all(text, (*table, *pronouns)):
        if word in pronouns and text[max(0, start - 1) : start] == "其":
            continue  # "其他重病": any other, nobody named
        # 他/她 is never the one who speaks: the last other person named. For a child
        # typing, 他 may name the parent (in the table), but only when nobody else
        # was named before ("我和我弟都在上学，他读高二": the brother).
        others = [m for m in mentions if m.relation != "self" or m.word not in speakers]
        if word in pronouns and word in table and others:
            if start - others[-1].end <= 2 and not any(
                mark in text[others[-1].end : start] for mark in CLAUSE_END
            ):
                continue
            referred = _last_speaker(text, start, end, others) or others[-1]
            mentions.append(Mention(start, end, referred.relation, referred.word))
            continue
        if word not in table:  # a pronoun: the person named just before, if any
            previous = others[-1] if others else None
            previous = _last_speaker(text, start, end, others) or previous
            if previous is None and orphans and word in ("他", "她"):
                mentions.append(Mention(start, end, "other", word))
                continue
            if previous is None or (
                start - previous.end <= 2
                and not any(mark in text[previous.end : start] for mark in CLAUSE_END)
            ):
                continue  # nobody yet, or "我老婆她…": the same person again
            mentions.append(Mention(start, end, previous.relation, previous.word))
            continue
        count = 1
        match = _COUNT_BEFORE.search(text[max(0, start - 3) : start])
        if match and word in counted:
            count = cn_int(match.group(1) or match.group(2)) or 1
        after = _COUNT_AFTER.match(text, end)
        if after and word in counted and count == 1:
            count = cn_int(after.group(1)) or 1  # "孩子两个都在上学"
        relation = table[word]
        if (
            relation == "child"
            and word in ranked
            and "grandchild" in {m.relation for m in mentions}
        ):
            relation = "grandchild"  # "大孙子13 孙女10 小的6岁": the youngest grandchild
        if applicant == "self" and _addressed(text, start, word):
            relation = "self"  # "孙爹84岁": the applicant, by surname and title
        if word in pairs:
            count = 2  # "户主夫妇", "老两口": the applicant and the spouse
        if word == "自己" and text[max(0, start - 1) : start] in ("他", "她"):
            # "奶奶说她自己…": herself, the person the pronoun is
            others = [m for m in mentions if m.word not in _SPEAKER]
            if others:
                mentions.append(Mention(start, end, others[-1].relation, others[-1].word))
                continue
        mentions.append(Mention(start, end, relation, word, max(1, min(count, 10))))
    return _composed(text, mentions, pronouns)


def _last_speaker(text: str, start: int, end: int, others: list[Mention]) -> Mention | None:
    """ "外婆说我妈不一定愿意，她说先不同意": 他/她 saying something, at the start of its
    clause, is the one who said something before (the subject), not the last named."""
    if text[end : end + 1] != "说" or text[max(0, start - 1) : start] not in ("", *CLAUSE_END):
        return None
    said = [m for m in others if text[m.end : m.end + 1] == "说" and m.end <= start]
    return said[-1] if said else None


def _speakers(text: str) -> tuple[str, ...]:
    """The words that name the one who types. 本人 is one of them only when the message
    speaks in the first person: in a note of staff ("本人说自己没病…但他持有残疾证") it
    names the applicant, whom 他 then refers to."""
    if any(word in text for word in _FIRST_PERSON):
        return _SPEAKER
    return tuple(word for word in _SPEAKER if word != "本人")


_FIRST_PERSON = ("我", "俺", "咱")


def _addressed(text: str, start: int, word: str) -> bool:
    """An elder's title right after a surname that follows no pronoun or 的 ("汤爹",
    not "我爹", "他奶奶")."""
    if word not in words("members")["addressed_titles"] or start == 0:
        return False
    surname = text[start - 1]
    if surname not in str(words("identity")["names"]["surnames"]) or surname in "外家公老大小阿":
        return False
    return text[max(0, start - 2) : start - 1] not in ("我", "你", "他", "她", "的", "俺")


def _composed(text: str, mentions: list[Mention], pronouns: tuple[str, ...]) -> list[Mention]:
    """ "我女儿的孩子", "老伴的妈妈": a relative of a relative, joined by 的, is one
    person whose relation is the two composed (``members.yml`` ``composed``)."""
    table = words("members")["composed"]
    result: list[Mention] = []
    for mention in mentions:
        last = result[-1] if result else None
        if (
            last is not None
            and text[last.end : mention.start] == "的"
            and last.word not in (*_SPEAKER, *pronouns)
            and mention.word not in pronouns
            and last.relation != "self"
        ):
            relation = str(table.get(last.relation, {}).get(mention.relation, "other"))
            word = last.word + "的" + mention.word
            result[-1] = Mention(last.start, mention.end, relation, word, mention.count)
            continue
        result.append(mention)
    return result


@dataclass(frozen=True)
class _Term:
    start: int
    end: int
    kind: str  # ill, disabled, students, unemployed, or "" for a word that sets nothing
    word: str
    generic: bool


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[str, str, bool], ...]:
    data = words("conditions")
    generic = set(data["generic_ill"])
    terms: dict[str, tuple[str, bool]] = {}
    for word in (*data["not_serious"], *data["not_student"]):
        terms[str(word)] = ("", False)
    for kind in KINDS:
        for word in data[kind]:
            terms.setdefault(str(word), (kind, str(word) in generic))
    return tuple((word, kind, is_generic) for word, (kind, is_generic) in terms.items())


def _find_terms(text: str) -> list[_Term]:
    table = {word: (kind, generic) for word, kind, generic in _terms()}
    found = find_all(text, tuple(table))
    return [_Term(start, end, *table[word][:1], word, table[word][1]) for start, end, word in found]


# Before a person, these make them the object, not the subject: "照顾孩子", "随户主生活".
_CARED_FOR = re.compile(
    r"(?:照顾|要顾|顾|陪着|陪|带着|带|守着|看着|管|送|接|伺候|护理|随|跟随|随同|跟着)$"
)
_SENTENCE_END = ".;!?\n"


def outside(
    text: str, mention: Mention, mentions: tuple[Mention, ...] | list[Mention] = ()
) -> bool:
    """ "她自己两个伢子读书", "他家孩子": someone of another household (a relative's);
    "细佬…但他不同我们住": the person named last before "not living with us"."""
    for at, _end, _word in find_all(text, tuple(words("members")["not_in_household"])):
        named = [m for m in mentions if m.end <= at]
        if named and (named[-1].relation, named[-1].word) == (mention.relation, mention.word):
            return True
    if _deceased(text, mention, mentions):
        return True
    before = text[max(0, mention.start - 6) : mention.start]
    return bool(
        re.search(
            r"(?:他自己|她自己|他家|她家|他们家|她们家|人家|别人家|他的|她的)(?:的)?(?:\d|[一两二三四五])?(?:个)?$",
            before,
        )
    )


_DESCRIBES = re.compile(r"[^\W\d_]{1,6}的")


def _described(text: str, position: int, clause_to: int, mentions: list[Mention]) -> Mention | None:
    """The person a condition describes ("瘫痪的老伴", "得癌症的老婆"): named right after
    the condition and 的, in its clause."""
    after = [m for m in mentions if position < m.start < clause_to]
    if after and _DESCRIBES.fullmatch(text[position : after[0].start]):
        return after[0]
    return None


DEATH_REACH = 12  # characters after a person (or an illness) where a death word is theirs


def _deceased(
    text: str, mention: Mention, mentions: tuple[Mention, ...] | list[Mention] = ()
) -> bool:
    """ "我老伴去年脑溢血走了": the words right after the person, up to the next person
    named or the clause's end, say they died (``deceased``)."""
    if mention.relation == "self" and mention.word in _SPEAKER:
        return False
    end = min(clause_end_of(text, mention.end), mention.end + DEATH_REACH)
    for other in mentions:
        if mention.end <= other.start < end:
            end = other.start
    return _tells_a_death(text[mention.end : end])


def _said_of_the_dead(text: str, start: int, end: int) -> bool:
    """An illness word a death word follows closely ("老伴去年脑溢血走了")."""
    return _tells_a_death(text[end : min(clause_end_of(text, end), end + 4)])


def _tells_a_death(clause: str) -> bool:
    """A death word in the clause, not after a thing lost ("腿没了", "工作没了")."""
    lost = tuple(str(word) for word in words("members")["deceased_not_after"])
    for start, _end, _word in find_all(clause, tuple(words("members")["deceased"])):
        if not clause[:start].endswith(lost):
            return True
    return False


_WHOSE_ALL = re.compile(r"[^,.;!?:~\n]{1,6}的(?:都是|全是|是)")


def _listed_before_whose(
    text: str, clause_from: int, clause_to: int, mentions: list[Mention]
) -> Mention | None:
    """ "中风,残疾的都是63岁的我老公": a clause that is one condition word alone, listed
    (a space typed) before a clause of another condition and 的(都)是 a person, is that
    person's too."""
    clause = text[clause_from:clause_to]
    alone = [t for t in _find_terms(clause) if t.kind and t.start == 0 and t.end == len(clause)]
    if not alone or clause_to >= len(text) or text[clause_to] != ",":
        return None
    following = clause_to + 1
    found = _WHOSE_ALL.match(text, following)
    if not found or not any(t.kind and t.start == 0 for t in _find_terms(text[following:])):
        return None
    after = [m for m in mentions if found.end() <= m.start < found.end() + 8]
    return next((m for m in after if m.relation != "self"), None)


def who_at(text: str, position: int, mentions: list[Mention]) -> Mention | None:
    """Whom a condition at ``position`` is about: the person named last before it in its
    clause, else the first named after it in its clause ("化疗的是我爸"), else the
    person named last before (the sentence goes on about them), else nobody (self)."""
    clause_from = position
    while clause_from > 0 and text[clause_from - 1] not in CLAUSE_END:
        clause_from -= 1
    clause_to = position
    while clause_to < len(text) and text[clause_to] not in CLAUSE_END:
        clause_to += 1
    described = _described(text, position, clause_to, mentions)
    if described is not None:
        return described  # "照顾瘫痪的老伴": the condition names the person after 的
    listed = _listed_before_whose(text, clause_from, clause_to, mentions)
    if listed is not None:
        return listed  # "中风 残疾的都是我老公": 中风 is his too
    before = [m for m in mentions if clause_from <= m.start and m.end <= position]
    # "妈妈为了照顾孩子没法上班": the one cared for is not whom it is about.
    subjects = [
        m for m in before if not _CARED_FOR.search(text[max(clause_from, m.start - 3) : m.start])
    ]
    if subjects:
        return subjects[-1]
    if before:
        # "我自己,为了照顾老公把工作辞了": everyone in the clause is cared for; the one
        # named before it does the caring.
        earlier = [m for m in mentions if m.end <= clause_from]
        carers = [m for m in earlier if not _CARED_FOR.search(text[max(0, m.start - 3) : m.start])]
        return carers[-1] if carers else before[-1]
    after = [m for m in mentions if position <= m.start < clause_to]
    # "…的那个是我爱人": 我 right before a relative is whose, not who.
    after = [
        m
        for index, m in enumerate(after)
        if not (m.word in _SPEAKER and index + 1 < len(after) and after[index + 1].start == m.end)
    ]
    if after:
        return after[0]
    earlier = [m for m in mentions if m.end <= position]
    subjects = [m for m in earlier if not _CARED_FOR.search(text[max(0, m.start - 3) : m.start])]
    if subjects:
        return subjects[-1]
    return earlier[-1] if earlier else None


def _disability_details(text: str, start: int, end: int) -> dict[str, Any]:
    """Grade (1–4) and kind said in the clause of a disability, or in the (at most
    two) short clauses after it that name no other person ("我哥是智力残疾，三级的",
    "我 残疾 听力 一级")."""
    data = words("conditions")
    clause_from = start
    while clause_from > 0 and text[clause_from - 1] not in CLAUSE_END:
        clause_from -= 1
    clause_to = end
    while clause_to < len(text) and text[clause_to] not in CLAUSE_END:
        clause_to += 1
    window = text[clause_from:clause_to]
    details: dict[str, Any] = {}
    match = _GRADE.search(window)
    position = clause_to
    kinds = [word for kind_words in data["kinds"].values() for word in kind_words]
    for _ in range(2):  # "残疾,听力,一级", "智力残疾,有证,二级的", "残疾证,3级,肢体"
        has_kind = any(word in window for word in kinds)
        if (match is not None and has_kind) or position >= len(text):
            break
        nxt = text[position + 1 : clause_end_of(text, position + 1)]
        if len(nxt) > 6 or any(word in nxt for word in member_words()):
            break  # a new person, or more than a grade said
        if match is not None and not any(word in nxt for word in kinds):
            break  # the grade is said; a clause without the kind is about something else
        match = match or _GRADE.search(nxt)
        window += "," + nxt
        position += 1 + len(nxt)
    if match:
        details["grade"] = cn_int(match.group(1))
    for kind, kind_words in data["kinds"].items():
        if any(word in window for word in kind_words):
            details["kind"] = kind
            break
    return details


def read_conditions_text(
    text: str, applicant: str = "self", asked: bool = False
) -> dict[str, list[Any]]:
    """The per-member conditions of one segment of prepared text.

    Rules: a negated term is never set, and a negated term of a kind says "nobody"
    for that kind (an explicit empty list), as does "都没有" for every kind not set;
    a generic illness word ("病", "生病") sets nothing but its negation denies; one
    entry per person and kind, a counted mention ("两个儿子") giving that many.
    """
    return _conditions(text, applicant, asked)[0]


def _conditions(
    text: str, applicant: str, asked: bool, costs: bool = False
) -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    """``read_conditions_text`` and, per kind and entry, how it was said: the word that
    named the person ("大儿子"), the condition's word, and for a student the school."""
    mentions = find_mentions(text, applicant, orphans=True)
    stops = member_words(applicant)
    found: dict[str, list[Any]] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    denied: set[str] = set()
    seen: dict[str, set[tuple[str, int]]] = {kind: set() for kind in KINDS}
    past = _recovered_spans(text)
    if past:
        denied.add("ill")  # "开过刀…现在好了": an illness over is no illness
    denied.update(_asked_back(text))
    not_them = _denied_persons(text, mentions)
    placed_words: set[str] = set()
    for term in _find_terms(text):
        if not term.kind:
            continue
        if (
            term.kind == "ill"
            and term.word in placed_words
            and not _named_in_clause(text, term, mentions)
        ):
            continue  # "老婆…化疗…我一个月挣四千…化疗一次就要三千多": hers, said again
        if is_negated(text, term.start, term.end, stops):
            if _disputed(text, term.end):
                continue  # "本人说自己没病，不肯承认": a claim staff doubt, no denial
            subject = who_at(text, term.start, mentions)
            alone = subject is not None and any(
                m.relation == subject.relation for m in not_them
            )  # "不是我生病是我老婆我没病": his own denial
            if subject is not None and subject.relation == "self":
                alone = alone or _named_instead(text, term.kind, mentions)
            if (
                not alone
                and not _one_person_denied(text, term.start, mentions)
                and not _only_me(text, term, mentions)
            ):
                denied.add(term.kind)  # "家里没人残疾"; but "我老豆冇残疾证" is his alone
            continue
        if term.kind == "ill" and any(low <= term.start < high for low, high in past):
            continue
        if term.kind in ("unemployed", "students") and text[term.end : term.end + 1] == "过":
            continue  # "之前失业过", "上过学": once, not now
        if term.kind == "unemployed" and _cannot_work(text, term.start, term.end):
            continue  # "无劳动能力，一直没有工作": not able to work, not out of work
        if term.generic and not _said_of_someone(text, term, mentions):
            continue
        who = who_at(text, term.start, mentions)
        if who is not None and outside(text, who, mentions):
            continue  # about a relative's family, not this household
        if who is not None and any(m.start == who.start for m in not_them):
            continue  # "不是我上学": not this person
        placed_words.add(term.word)
        for listed in _listed_with(text, who, term.start, mentions):
            # "孙子孙女都在上学", "我和老伴都有病": each person of the list
            key = _person_key(listed)
            if key not in seen[term.kind]:
                seen[term.kind].add(key)
                said = {"who": listed.relation, "word": listed.word, "term": term.word}
                if term.kind == "students":
                    said["stage"] = school_of(text, term.start, term.end)
                entry: Any = listed.relation
                if term.kind == "disabled":
                    entry = {"who": listed.relation} | _disability_details(
                        text, term.start, term.end
                    )
                found.setdefault(term.kind, []).append(entry)
                details.setdefault(term.kind, []).append(said)
        if (
            who is not None
            and who.word in words("members")["ranked"]
            and any(key[0] == "count" for key in seen[term.kind])
        ):
            continue  # "三个都在上学 小的上幼儿园": the youngest is one of the three
        counted = _bare_count(text, term.start) if who is None else 0
        if counted and term.kind != "disabled":
            # "三个都在上学": that many persons, who they are still to be said
            if ("count", counted) not in seen[term.kind]:
                seen[term.kind].add(("count", counted))
                found.setdefault(term.kind, []).extend([None] * counted)
                details.setdefault(term.kind, []).extend(
                    {"who": None, "word": None, "term": term.word} for _ in range(counted)
                )
            continue
        relation = who.relation if who else "self"
        key = _person_key(who)
        if key in seen[term.kind]:
            if term.kind == "disabled":
                _merge_details(
                    found["disabled"], relation, _disability_details(text, term.start, term.end)
                )
            continue
        seen[term.kind].add(key)
        for person in _persons(relation, who.count if who else 1):
            said = {"who": person, "word": who.word if who else None, "term": term.word}
            if term.kind == "students":
                said["stage"] = school_of(text, term.start, term.end)
            if term.kind == "disabled":
                entry = {"who": person} | _disability_details(text, term.start, term.end)
                found.setdefault("disabled", []).append(entry)
            else:
                found.setdefault(term.kind, []).append(person)
            details.setdefault(term.kind, []).append(said)
    for kind, who in _has_it_instead(text, mentions):
        key = _person_key(who)
        if key in seen[kind] or outside(text, who, mentions):
            continue
        seen[kind].add(key)
        found.setdefault(kind, []).append(
            {"who": who.relation} if kind == "disabled" else who.relation
        )
        details.setdefault(kind, []).append({"who": who.relation, "word": who.word, "term": None})
    for who, word, at in _heavy_illnesses(text, mentions, stops, past, asked, costs):
        if who is not None and outside(text, who, mentions):
            continue
        group = [*_listed_with(text, who, at, mentions), who]
        for person in group:
            key = _person_key(person)
            if key in seen["ill"]:
                continue
            seen["ill"].add(key)
            relation = person.relation if person else "self"
            found.setdefault("ill", []).append(relation)
            said = {"who": relation, "word": person.word if person else None, "term": word}
            details.setdefault("ill", []).append(said)
    if asked:
        for kind, persons in _numbered_choices(text, applicant).items():
            if found.get(kind):
                continue  # whom it is about was said in words ("1 我爸脑溢血")
            for person in persons:
                key = _person_key(person)
                # "三是两个娃": a counted mention is that many persons
                relations = _persons(person.relation, person.count) if person else [None]
                for relation in relations:
                    entry: Any = {"who": relation} if kind == "disabled" else relation
                    if kind not in seen:
                        break
                    seen[kind].add(key)
                    found.setdefault(kind, []).append(entry)
                    said = {"who": relation, "term": None}
                    said["word"] = person.word if person else None
                    details.setdefault(kind, []).append(said)
                if kind not in seen:
                    for each in KINDS:  # "5": none of them
                        found.setdefault(each, [])
    for kind in denied:
        found.setdefault(kind, [])
    if "unemployed" not in found and any(
        not is_negated(text, start, end, stops)
        for start, end, _word in find_all(text, tuple(words("conditions")["employed"]))
    ):
        found["unemployed"] = []  # "我在东莞上班有工作的": at work, not out of it
    if says_none_at_all(text if asked else _without_choice_denials(text)) or (
        asked and _bare_no(text)
    ):
        for kind in KINDS:
            found.setdefault(kind, [])
    return found, details


# "三个都在上学", "两个都在读书": a count and 都 with nobody named, then the condition
_BARE_COUNT = re.compile(
    r"(?:^|[,.;!?])(\d+|[两二三四五六七八九仨俩])个?(?:人|娃)?(?:都|全|全都)(?:在|是)?$"
)


def _bare_count(text: str, position: int) -> int:
    """The number of persons a clause counts right before ``position`` without naming
    them ("三个都在上学" → 3); 0 when it names none that way. "仨"/"俩" are 3 and 2."""
    match = _BARE_COUNT.search(text[:position])
    if match is None:
        return 0
    said = match.group(1)
    number = {"仨": 3, "俩": 2}.get(said) or cn_int(said) or 0
    return number if 2 <= number <= 10 else 0


def _without_choice_denials(text: str) -> str:
    """ "都不是 是桃花仑社区" at the village question: "none of those" denies the choices
    shown, so it says nothing of illness or disability unless the conditions were asked."""
    for word in sorted(words("conditions")["choice_denials"], key=len, reverse=True):
        text = text.replace(word, "_" * len(word))
    return text


@lru_cache(maxsize=1)
def _chronic_words() -> tuple[str, ...]:
    data = words("conditions")
    named = (*data["not_serious"], *data["named_illness"], *data["injuries"])
    never = {"看病", "治病", "感冒", "小病", "吃药", "常年吃药", "毛病"}
    chronic = [str(word) for word in named if str(word) not in never]
    return tuple(dict.fromkeys([*chronic, "有病", "病了", "生病", "的病", "病"]))


def _heavy_illnesses(
    text: str,
    mentions: list[Mention],
    stops: tuple[str, ...],
    past: list[tuple[int, int]],
    asked: bool = False,
    costs: bool = False,
) -> list[tuple[Mention | None, str, int]]:
    """A chronic or unnamed illness of a member, said with its weight in the same
    sentence and not softened (``conditions.yml`` ``weighty``, ``softened``): "糖尿病
    天天打胰岛素", "老婆病了做不了事". The weight must be said before another person is.
    At the conditions question ("有没有人患重病"), an unnamed illness said of a member
    ("老头子生病") is the answer itself and needs no weight. At the medical-cost question
    (``costs``) the medicine said ("糖尿病 打胰岛素") is what the cost is for, no weight
    (``cost_weight``): a chronic illness is 重病 only when domain.md's list names it.
    Returns whom each is about (None: the one typing), the word and where it stands."""
    data = words("conditions")
    cost_weight = {str(word) for word in data["cost_weight"]} if costs else set()
    weighty = tuple(str(word) for word in data["weighty"] if str(word) not in cost_weight)
    softened = tuple(str(word) for word in data["softened"])
    found: list[tuple[Mention | None, str, int]] = []
    generic = ("有病", "病了", "生病", "的病", "病")
    for start, end, word in find_all(text, _chronic_words()):
        if is_negated(text, start, end, stops) or any(low <= start < high for low, high in past):
            continue
        if text[end : end + 1] == "人":
            continue  # 病人: a word of the question ("没有病人")
        who = who_at(text, start, mentions)
        low, high = _sentence_of(text, start, end)
        same = {who.relation if who else "self"}
        if who is not None:
            same |= {m.relation for m in _listed_with(text, who, end, mentions)}
        # The stretch about this person: up to another person named in the sentence.
        for mention in mentions:
            if mention.start >= end and mention.start < high and mention.relation not in same:
                high = mention.start
                break
        for mention in reversed(mentions):
            if mention.end <= start and mention.end > low and mention.relation not in same:
                low = mention.end
                break
        stretch = text[low:high]
        if any(w in stretch for w in softened):
            continue
        answer = asked and word in generic and who is not None and who.word not in _SPEAKER
        if not answer and not any(w in stretch for w in weighty):
            continue
        found.append((who, word, start))
    return found


# "外公才有", "她老伴倒是有": a clause of a person and 有 alone.
_HAS_IT = re.compile(r"(?:才|倒是|倒|就|是)?有(?:的|了|啊|呀|哦)?(?=$|[,.;!?:~\n])")


def _has_it_instead(text: str, mentions: list[Mention]) -> list[tuple[str, Mention]]:
    """ "外婆说她没残疾，外公才有": a clause that is only a person and 有, after a
    condition denied earlier in its sentence, says that person has that condition."""
    out: list[tuple[str, Mention]] = []
    for mention in mentions:
        if text[clause_start_of(text, mention.start) : mention.start].strip("但可而我俺他她的"):
            continue
        if not _HAS_IT.match(text, mention.end):
            continue
        low, _high = _sentence_of(text, mention.start, mention.end)
        before = [t for t in _find_terms(text[low : mention.start]) if t.kind]
        if before and is_negated(text, low + before[-1].start, low + before[-1].end):
            out.append((before[-1].kind, mention))
    return out


def _disputed(text: str, end: int) -> bool:
    """A denial the next words say is not admitted ("说自己没病，不肯承认")."""
    following = text[end : clause_end_of(text, clause_end_of(text, end) + 1)]
    return any(word in following for word in words("conditions")["disputed"])


def _cannot_work(text: str, start: int, end: int) -> bool:
    """The sentence of an unemployed word says the person cannot work at all."""
    low, high = _sentence_of(text, start, end)
    return any(word in text[low:high] for word in words("conditions")["no_labour_capacity"])


_NOT_THIS = re.compile(r"(?:不是|并不是|又不是|并非)$")


def _denied_persons(text: str, mentions: list[Mention]) -> list[Mention]:
    """The persons said not to be the one ("不是我上学", "不是我，是我老汉儿瘫起了",
    "生病的是他不是我"): a mention right after 不是."""
    return [m for m in mentions if _NOT_THIS.search(text[max(0, m.start - 3) : m.start])]


def _named_in_clause(text: str, term: _Term, mentions: list[Mention]) -> bool:
    """Whether a person is named right before the term, in a clause of a few characters
    ("我也化疗"): then a term said again may be another person's."""
    low = max(clause_start_of(text, term.start), term.start - 4)
    return any(low <= m.start and m.end <= term.start for m in mentions)


_IS_WHO = re.compile(r"^(?:的|的人|的那个)(?:都是|全是|是|就是|只有|只是)")


def _named_instead(text: str, kind: str, mentions: list[Mention]) -> bool:
    """Another than the speaker is named as the one ("我没有生病，生病的是我老婆",
    "重病的只有我老婆一个人"): a term of ``kind`` then 的是 and a relative."""
    for term in _find_terms(text):
        if term.kind != kind or not _IS_WHO.match(text[term.end : term.end + 4]):
            continue
        after = [m for m in mentions if term.end < m.start <= term.end + 6]
        after = [m for m in after if not (m.word in _SPEAKER and m.end in {n.start for n in after})]
        if after and after[0].relation != "self":
            return True
    return False


def _not_about(
    text: str, term: _Term, who: Mention | None, mentions: list[Mention]
) -> list[Mention]:
    """The persons a condition is said not to be about: one denied right before it in its
    clause ("不是我上学"), whom it is found to be about ("生病的是他不是我"), or, in its
    sentence, another than the one it is about ("不是我，是我老汉儿瘫起了")."""
    low, high = _sentence_of(text, term.start, term.end)
    clause = clause_start_of(text, term.start)
    found: list[Mention] = []
    for denied in _denied_persons(text, mentions):
        if not low <= denied.start < high:
            continue
        about = who is not None and denied.start == who.start  # found to be the one denied
        before = denied.start >= clause and denied.end <= term.start
        other = who is not None and who.relation != denied.relation
        if about or before or other:
            found.append(denied)
    return found


def _sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from the mark before to the mark after."""
    low = start
    while low > 0 and text[low - 1] not in _SENTENCE_END:
        low -= 1
    high = end
    while high < len(text) and text[high] not in _SENTENCE_END:
        high += 1
    return low, high


_OPTION = re.compile(
    r"(?<![\d.])([1-9])(?!\d|\.\d)|([一二三四五六七八九])(?=[一二三四五六七八九]|是|都)"
)
_OPTION_BEFORE = ",.;!?:~\n/(和跟与及选"
_UNITS = "岁级个口人年月日号块元万千百组套台间次位天周辆亩楼"
_JOINED_ONLY = re.compile(r"^[,.;!?:~\n/()和跟与及都是]*$")


def _numbered_choices(text: str, applicant: str) -> dict[str, list[Mention | None]]:
    """The question's numbered options picked with whom each is about: "1 我 糖尿病 3
    孙子", "2和3都是我女儿，4是我先生，1是公公", "一二三都有 一是老婆". A number is an
    option where it stands alone (not "3岁", "1级", "二年级"); the persons after it, up to
    the next option, are whom it is about (options joined by 和 share them). Empty unless
    one option names a person; an option nobody is named for is [None] (ask who)."""
    options = [str(kind) for kind in words("conditions")["numbered"]]
    picks: list[tuple[int, int, str]] = []
    for match in _OPTION.finditer(text):
        start, end = match.span()
        value = cn_int(match.group())
        if value is None or not 1 <= value <= len(options):
            continue
        if (
            start > 0
            and text[start - 1] not in _OPTION_BEFORE
            and not _OPTION.match(text, start - 1)
        ):
            continue
        rest = text[end:].lstrip(",")
        if rest[:1] and rest[0] in _UNITS:
            continue  # "5,岁": an age, not the fifth option
        picks.append((start, end, options[value - 1]))
    if not picks:
        return {}
    chosen: dict[str, list[Mention | None]] = {}
    waiting: list[str] = []  # options joined to the next ("2和3都是我女儿")
    named_any = False
    for index, (_start, end, kind) in enumerate(picks):
        stop = picks[index + 1][0] if index + 1 < len(picks) else len(text)
        chunk = text[end:stop]
        waiting.append(kind)
        if _JOINED_ONLY.match(chunk) and index + 1 < len(picks):
            continue
        persons = _first_persons(chunk, applicant)
        named_any = named_any or bool(persons)
        if _respectively(waiting, persons) and not any(word in chunk for word in _ALL):
            for each, person in zip(waiting, persons, strict=True):  # "1同2，老公同倪子"
                chosen.setdefault(each, []).append(person)
            waiting = []
            continue
        for each in _said_again_later(waiting, kind, picks[index + 1 :]):
            listed = chosen.setdefault(each, [])
            for person in persons:
                if all(_person_key(person) != _person_key(p) for p in listed if p is not None):
                    listed.append(person)
        waiting = []
    if not named_any:
        return {}  # numbers only, or numbers that are no options: the form reads those
    return {kind: persons or [None] for kind, persons in chosen.items()}


def _respectively(waiting: list[str], persons: list[Mention]) -> bool:
    """Options joined ("1同2") and as many persons joined after them, each one person
    ("老公同倪子"): the first option is the first person's, and so on (not when 都 says
    each has all: "老伴和儿子都有")."""
    return (
        len(waiting) >= 2
        and len(set(waiting)) == len(waiting)
        and len(persons) == len(waiting)
        and len({_person_key(person) for person in persons}) == len(persons)
        and all(person.count == 1 for person in persons)
    )


def _said_again_later(
    waiting: list[str], kind: str, later: list[tuple[int, int, str]]
) -> list[str]:
    """Of the options waiting for a person, those this person is for: an option listed
    first and said again later with its own person ("2 3 4 二是我媳妇 三是两个娃") is
    for that later person, not this one."""
    again = {each for _start, _end, each in later}
    return [each for each in waiting if each == kind or each not in again]


def _first_persons(chunk: str, applicant: str) -> list[Mention]:
    """The person an option's words name first ("是我女儿", "我,糖尿病", "他本人"), with
    those listed with them ("老伴和我"); 我/他 right before a relative is whose, not who.
    ("1和3 我爸脑溢血 我儿子上高中": the words themselves say who is which, and what
    the words say comes first.)"""
    found = find_mentions(chunk, applicant)
    mentions = [
        m
        for index, m in enumerate(found)
        if not (
            (m.word in _SPEAKER or m.word in ("他", "她"))
            and index + 1 < len(found)
            and found[index + 1].start == m.end
        )
    ]
    if not mentions:
        return []
    first = [mentions[0]]
    for mention in mentions[1:]:
        between = chunk[first[-1].end : mention.start].rstrip("我俺")  # "我爸和我儿子"
        if between not in ("和", "跟", "与", "及", "/", "还有", "同"):
            break
        first.append(mention)
    return first


def _asked_back(text: str) -> set[str]:
    """The kinds a rhetorical question denies: "都六十多了上啥学" (上学 with 什么 inside,
    "what schooling?") says nobody is at school; "上什么学校" asks which school."""
    return {kind for kind, _at in _asked_back_at(text)}


def _asked_back_at(text: str) -> list[tuple[str, int]]:
    """``_asked_back``'s kinds, each with where its question starts."""
    found: list[tuple[str, int]] = []
    for word, kind, _generic in _terms():
        if kind and len(word) == 2:
            at = text.find(word[0] + "什么" + word[1])
            if at >= 0 and text[at + 4 : at + 5] not in ("校", "的"):
                found.append((kind, at))
    return found


def _said_of_someone(text: str, term: _Term, mentions: list[Mention]) -> bool:
    """A generic word that still says 重病 (大病, 重病) when a person is named in its
    clause: "她是重病", "生重病的那个是我爱人"; "有没有大病" names nobody."""
    if term.word not in words("conditions")["serious_generic"]:
        return False
    low, high = clause_start_of(text, term.start), clause_end_of(text, term.end)
    return any(low <= m.start and m.end <= high for m in mentions)


def _recovered_spans(text: str) -> list[tuple[int, int]]:
    """Where an illness is said to be over: from the sentence start to a recovery word
    ("现在好了", "医生说没事了") that an illness or its treatment comes before."""
    data = words("conditions")
    illness = tuple(
        str(word) for word in (*data["ill"], *data["not_serious"], *data["treated"])
    ) + tuple(str(word) for word in data["named_illness"])
    spans: list[tuple[int, int]] = []
    said = find_all(text, tuple(str(w) for w in data["recovered"]))
    for low, high in clause_spans(text):  # "开了刀,好了": typed slowly, a clause of its own
        if text[low:high] in data["recovered_alone"]:
            said.append((low, high, text[low:high]))
    for start, _end, _word in said:
        low = start
        while low > 0 and text[low - 1] not in _SENTENCE_END:
            low -= 1
        if any(word in text[low:start] for word in illness):
            spans.append((low, start))
    return spans


_HOUSEHOLD_WORDS = (
    "我们",
    "我们家",
    "我家",
    "家里",
    "家中",
    "大家",
    "他们",
    "她们",
    "全家",
    "一家",
    "都",
)


def _one_person_denied(text: str, position: int, mentions: list[Mention]) -> bool:
    """The negation is said of one named member, not of the household: the subject of
    its clause is a relative named by relation ("我老豆…但冇残疾证"), with no "都"/"人"/"谁"."""
    clause_from = position
    while clause_from > 0 and text[clause_from - 1] not in CLAUSE_END:
        clause_from -= 1
    before = [m for m in mentions if clause_from <= m.start and m.end <= position]
    if not before:
        return False
    subject = before[-1]
    if subject.word in _HOUSEHOLD_WORDS or subject.count > 1:
        return False
    if subject.relation == "self" and subject.word in words("members")["relations"]["self"]:
        return False  # "我没残疾": the one who speaks may speak for the household
    if text[max(0, subject.start - 1) : subject.start] == "其":
        return False  # "其他" is no person
    between = text[subject.end : position]
    return not any(word in between for word in ("都", "人", "谁", "也"))


_ONLY_ME = ("我自己", "我本人", "我本身", "自己")  # the one who speaks, stressed


def _only_me(text: str, term: _Term, mentions: list[Mention]) -> bool:
    """ "我自己没病 我妈是高血压…": a denial the speaker stresses as their own, while the
    message says that kind (for illness: any illness named) of someone else — the
    speaker alone, not the household ("我自己没失业…老婆得了癌" still denies for all)."""
    before = [m for m in mentions if m.end <= term.start]
    if not before or before[-1].relation != "self":
        return False
    if before[-1].word not in _ONLY_ME:
        return term.kind == "ill" and _illness_elsewhere(text, term, before[-1], mentions)
    rest = text[term.end :]
    others = [m for m in mentions if m.start >= term.end and m.relation != "self"]
    if not others:
        return False
    if term.kind == "ill":  # "我自己没病…先生是肢体残障": a disability of another too
        return bool(illnesses_of(rest)) or any(
            t.kind in ("ill", "disabled") for t in _find_terms(rest) if not t.generic
        )
    return any(t.kind == term.kind for t in _find_terms(rest))


def _illness_elsewhere(text: str, term: _Term, speaker: Mention, mentions: list[Mention]) -> bool:
    """ "脑溢血是老伴的 我没得重病", "我没病 是我男人尿毒症": a plain 我 denying an illness
    in its own clause, while another clause gives an illness to another person — the
    speaker alone is denied, not the household."""
    low, high = clause_start_of(text, term.start), clause_end_of(text, term.end)
    if speaker.start < low:
        return False
    others = [m for m in mentions if m.relation != "self" and not low <= m.start < high]
    rest = text[:low] + "," + text[high:]
    return bool(others) and bool(
        illnesses_of(rest) or any(t.kind == "ill" for t in _find_terms(rest))
    )


_JOINERS = ("", "和", "跟", "与", "/", "还有", "及", "同")
_ALL = ("都", "均", "全")  # "孙子孙女都在上学", "均在读"


_AGE_JOINER = re.compile(r"\d{1,3}岁?[,、]?")


def _listed_with(
    text: str, who: Mention | None, position: int, mentions: list[Mention]
) -> list[Mention]:
    """The persons listed before ``who`` when 都 follows the list ("孙子孙女都在上学"):
    each joined to the next by nothing or 和/跟/、 (``who`` itself not included)."""
    if who is None or not any(word in text[who.end : position] for word in _ALL):
        return []
    before = [m for m in mentions if m.end <= who.start]
    listed: list[Mention] = []
    current = who
    for mention in reversed(before):
        joiner = text[mention.end : current.start]
        if _AGE_JOINER.fullmatch(joiner) and mention.relation == current.relation:
            joiner = ""  # "大的12小的8岁,都念书呢": each with an age, listed (the same kin)
        if joiner not in _JOINERS or (not joiner and mention.word in _SPEAKER):
            break  # "我儿子": my son, one person
        listed.append(mention)
        current = mention
    return listed[::-1]


def school_of(text: str, start: int, end: int) -> str | None:
    """The school a student term names in its clause ("读初三" → compulsory), or None."""
    window = text[clause_start_of(text, start) : clause_end_of(text, end)]
    for stage, stage_words in words("conditions")["school"].items():
        if any(str(word) in window for word in stage_words):
            return str(stage)
    grades = words("conditions")["school_grades"]
    for stage, stage_words in grades.items():
        if any(str(word) in window for word in stage_words):
            return str(stage)
    return None


def clause_start_of(text: str, position: int) -> int:
    while position > 0 and text[position - 1] not in CLAUSE_END:
        position -= 1
    return position


def clause_end_of(text: str, position: int) -> int:
    while position < len(text) and text[position] not in CLAUSE_END:
        position += 1
    return position


def _bare_no(text: str) -> bool:
    """At the question itself, "没有" / "无" / "没有没有" says none of the four."""
    body = text.strip(",.;!?:~ /的了啊呀咯哦")
    return bool(body) and not body.strip("没有无都冇") and len(body) <= 6


def _persons(relation: str, count: int) -> list[str]:
    """A counted mention as persons: "两个儿子" are two children; "两个老人" (counted
    applicants) are the applicant and the spouse."""
    if relation == "self" and count > 1:
        return ["self", "spouse", *["other"] * (count - 2)]
    return [relation] * count


def _person_key(who: Mention | None) -> tuple[str, int]:
    """One person per key: there is one "self" and one spouse, however named; other
    relations are told apart by the word (儿子 / 女儿) and a counted mention by place."""
    if who is None:
        return ("self", -1)
    if who.relation in ("self", "spouse"):
        return (who.relation, -1)
    return (who.relation + "/" + who.word, who.start if who.count > 1 else -1)


def _merge_details(entries: list[dict[str, Any]], relation: str, details: dict[str, Any]) -> None:
    for entry in reversed(entries):
        if entry["who"] == relation:
            for key, value in details.items():
                entry.setdefault(key, value)
            return


def cleared_of(prepared_text: str, applicant: str = "self") -> dict[str, list[str]]:
    """The members a message says a condition is not about, one by one ("老伴高血压不算
    重病", "我妈没残疾"): per kind, the relation of each, for a correction to take them
    off. A denial of the household ("家里没人残疾") is no such member (it empties the kind)."""
    cleared: dict[str, list[str]] = {}
    for part in segments(prepared_text):
        mentions = find_mentions(part, applicant, orphans=True)
        stops = member_words(applicant)
        for term in _find_terms(part):
            if term.kind and not is_negated(part, term.start, term.end, stops):
                who = who_at(part, term.start, mentions)
                for denied in _not_about(part, term, who, mentions):
                    if denied.relation not in cleared.get(term.kind, []):
                        cleared.setdefault(term.kind, []).append(denied.relation)
                continue
            if not term.kind:
                continue
            who = who_at(part, term.start, mentions)
            instead = (
                who is not None
                and who.relation == "self"
                and _named_instead(part, term.kind, mentions)
            )  # "我没有生病，生病的是我老婆": the speaker alone
            if (
                not instead
                and not _one_person_denied(part, term.start, mentions)
                and not _only_me(part, term, mentions)
            ):
                continue
            if who is not None and who.relation not in cleared.get(term.kind, []):
                cleared.setdefault(term.kind, []).append(who.relation)
        for kind, at in _asked_back_at(part):
            # "我四十几的人了还读什么书 上学的是两个孩子": the speaker's own "what schooling?",
            # while others are said to have it — the speaker alone is taken off
            who = who_at(part, at, mentions)
            others = [
                entry
                for entry in _conditions(part, applicant, False)[0].get(kind) or []
                if entry != "self"
            ]
            mine = who is not None and who.relation == "self"
            if mine and others and "self" not in cleared.get(kind, []):
                cleared.setdefault(kind, []).append("self")
    return cleared


def conditions_of(
    prepared_text: str, applicant: str = "self", asked: bool = False, costs: bool = False
) -> dict[str, list[Any]]:
    """Conditions over the whole answer; a corrected segment replaces a kind it names.
    ``costs``: the answer is to the medical-cost question (see ``_heavy_illnesses``)."""
    return conditions_detail(prepared_text, applicant, asked, costs)[0]


def conditions_detail(
    prepared_text: str, applicant: str = "self", asked: bool = False, costs: bool = False
) -> tuple[dict[str, list[Any]], dict[str, list[dict[str, Any]]]]:
    """``conditions_of`` and how each entry was said (see ``_conditions``)."""
    result: dict[str, list[Any]] = {}
    details: dict[str, list[dict[str, Any]]] = {}
    for part in segments(prepared_text):
        found, said = _conditions(part, applicant, asked, costs)
        result.update(found)
        for kind in found:
            details[kind] = said.get(kind, [])
    return result, details


def unnamed_kinds(prepared_text: str, applicant: str = "self") -> set[str]:
    """The kinds of condition the text sets without naming anyone ("是去年就开始洗肾了",
    "每月上学花销改成330") or with a bare pronoun ("他是去年开始透析的"): read alone they
    fall to the applicant (or "someone"); a correction says nothing of whose they are."""
    pronouns = {str(word) for word in words("members")["pronouns"]}
    found, details = conditions_detail(prepared_text, applicant)
    return {
        kind
        for kind, said in details.items()
        if found.get(kind) and all(entry.get("word") in (None, *pronouns) for entry in said)
    }


@lru_cache(maxsize=1)
def _illness_words() -> tuple[str, ...]:
    data = words("conditions")
    generic = {str(word) for word in data["generic_ill"]}
    named = [str(word) for word in data["ill"] if str(word) not in generic and len(str(word)) > 1]
    return tuple(dict.fromkeys([*named, *(str(word) for word in data["named_illness"])]))


def illnesses_of(prepared_text: str) -> list[str]:
    """The illnesses named outside a negation ("有高血压和糖尿病" → [高血压, 糖尿病]), in
    the order said; for staff, and to know medical costs are worth asking about."""
    found: list[str] = []
    for start, end, word in find_all(prepared_text, _illness_words()):
        if _said_of_the_dead(prepared_text, start, end):
            continue  # "老伴去年脑溢血走了": nobody of the household has it
        if not is_negated(prepared_text, start, end) and word not in found:
            found.append(word)
    return found
