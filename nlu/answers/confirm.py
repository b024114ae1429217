"""Confirmation at a summary, the two consents, and plain yes/no questions.

These answers decide what is submitted and what is recorded as agreed, so they say
"yes" only when the message says nothing but yes. Words in ``confirm.yml``.
"""

from __future__ import annotations

import re

from nlu.answers.reading import Reading, other_facts
from nlu.finders._words import word_list
from nlu.finders.members import find_mentions
from nlu.finders.text import (
    find_all,
    is_unknown,
    joined_slowly_typed,
    prepare,
    strip_fillers,
    terms,
)
from nlu.finders.values import UNKNOWN

CONFIRM_YES, CONFIRM_NO, CANCEL = "yes", "no", "cancel"
AGREE, REFUSE, UNSURE = "agree", "refuse", "unsure"
# Any of these characters before an agreement word blocks it (only idioms are masked).
NEGATOR_CHARS = "不没无未非别莫甭勿否冇唔"
_PUNCT = re.compile(r"[\s,.;!?:~/\-\"'()\[\]<>…]+")
_CLAUSES = re.compile(r"[,.;!?:~\n]+")


def _list(key: str, section: str | None = None) -> tuple[str, ...]:
    """A list of ``confirm.yml`` (in ``section`` when given), normalised, longest first."""
    return terms("confirm", section, key) if section else terms("confirm", key)


def _mask(text: str, phrases: tuple[str, ...]) -> str:
    for phrase in phrases:
        text = text.replace(phrase, "_" * len(phrase))
    return text


def _mask_loose(text: str, phrases: tuple[str, ...]) -> str:
    """``_mask`` that also finds a phrase typed slowly, a space (a comma) between its
    words ("我,没有,什么,查得出来的")."""
    for phrase in phrases:
        pattern = ",?".join(map(re.escape, phrase))
        text = re.sub(pattern, lambda match: "_" * len(match.group()), text)
    return text


def only_words(text: str, allowed: tuple[str, ...]) -> bool:
    """Is ``text`` made of nothing but ``allowed`` words, fillers and punctuation?"""
    rest = _PUNCT.sub("", text)
    for word in sorted((*allowed, *word_list("text", "fillers")), key=len, reverse=True):
        rest = rest.replace(word, "")
    return not rest.replace("_", "")


def _cancels(text: str) -> bool:
    """A cancel word ("不办了", "取消", "算了") that is not itself negated ("不取消")."""
    for start, end, word in find_all(text, _list("cancel", "confirm")):
        if text[max(0, start - 1) : start] in ("不", "别"):
            continue
        if word in _REMOVERS and _removes_an_item(text, end):
            continue  # "取消残疾那一项": take one item out, a correction
        return True
    return False


_REMOVERS = ("取消", "撤销", "撤回", "去掉")


def _removes_an_item(text: str, end: int) -> bool:
    """What follows 取消 in its clause names something other than the application."""
    rest = text[end:]
    for mark in ",.;!?:~\n":
        at = rest.find(mark)
        if at >= 0:
            rest = rest[:at]
    rest = rest.strip("吧了啊呀啦嘛哦")
    return bool(rest) and not any(word in rest for word in ("申请", "办理", "不办", "算了", "掉吧"))


def confirm_value(text: str, facts: dict[str, object]) -> str:
    """The rule for a summary: yes only for an explicit confirmation.

    "yes" needs a yes word, no negator (the idioms 没问题 / 没错 masked), no change or
    hedge word, no other fact (a village or a phone typed there is a correction), and
    nothing else said: the message must be made only of yes words, particles and who
    is speaking ("老人说信息都对，确认提交"). "cancel" needs a cancel word. All else is
    "no": the resident wants something changed.
    """
    if _cancels(text):
        return CANCEL
    text = _without_next_step_question(text)
    text = _without_plea(text)
    plain = _mask(text, (*_list("idioms", "consent"), *_list("impairments")))
    plain = _mask(plain, _list("cannot_read"))
    if any(char in plain for char in NEGATOR_CHARS):
        return CONFIRM_NO
    if any(word in plain for word in (*_list("change", "confirm"), *_list("hedge", "confirm"))):
        return CONFIRM_NO
    if "?" in plain:
        return CONFIRM_NO  # "嗯？", "对？": a question, not a confirmation
    if _CONCESSION.search(plain) or _YES_CONCESSION.search(plain):
        return CONFIRM_NO  # "对是对，…": a concession, something is still to say
    if facts:
        return CONFIRM_NO
    yes = _list("confirms", "confirm")
    if not any(word in text for word in yes):
        return CONFIRM_NO
    allowed = (*yes, *_list("frame"), *_list("particles"))
    if only_words(text, allowed):
        return CONFIRM_YES
    return CONFIRM_YES if _aside_then_confirm(text, allowed) else CONFIRM_NO


def _without_plea(text: str) -> str:
    """ "对的 你们快点来人啊 伢子都瘦得不成样子了": a first clause that is only a yes, and
    after it clauses that only plead for haste (``pleas``, at least one) or say how bad
    it is — no negator (``plea_idioms`` masked), change, hedge, cancel word, question or
    ``aside_blockers`` word (not yet, a condition, a place, a sum):
    the yes alone is read. Anything else keeps the whole text (a "no")."""
    clauses = [clause for clause in _CLAUSES.split(text) if _PUNCT.sub("", clause)]
    if len(clauses) < 2 or "?" in text or _cancels(text):
        return text
    yes = _list("confirms", "confirm")
    allowed = (*yes, *_list("frame"), *_list("particles"))
    first, rest = clauses[0], ",".join(clauses[1:])
    if not any(word in first for word in yes) or not only_words(first, allowed):
        return text
    if not any(word in rest for word in _list("pleas", "confirm")):
        return text
    plain = _mask(rest, _list("plea_idioms", "confirm"))
    if any(char in plain for char in NEGATOR_CHARS):
        return text
    blockers = (*_list("change", "confirm"), *_list("hedge", "confirm"))
    blockers = (*blockers, *_list("aside_blockers", "confirm"), *_list("plea_blockers", "confirm"))
    if any(word in plain for word in blockers):
        return text  # not yet, a condition, something more (a place, a sum): a "no"
    return first


def _without_next_step_question(text: str) -> str:
    """ "确认提交。请问大概多久能有结果？": a last sentence that only asks what happens next
    (``next_steps``; no negator, no change word) is no part of the confirmation."""
    cut = max(text.rfind("."), text.rfind("!"))
    if cut <= 0:
        return text
    asked = text[cut + 1 :].strip(" ,")
    if not asked.endswith(("?", "吗")) or "?" in asked[:-1]:
        return text  # one question, and nothing said after it
    hedges = [w for w in _list("hedge", "confirm") if w not in ("吗", "大概")]
    if any(word in asked for word in hedges):
        return text
    if not any(word in asked for word in _list("next_steps", "confirm")):
        return text
    if any(char in NEGATOR_CHARS for char in asked) or any(
        word in asked for word in _list("change", "confirm")
    ):
        return text
    return text[:cut]


def _aside_then_confirm(text: str, allowed: tuple[str, ...]) -> bool:
    """ "已与户主逐条核对，信息无误，确认": the last clause a strong confirmation and the
    clauses before it only what was done to check (no blocker: not yet, a condition, a
    question, a change). Called after every "no" rule has passed on the whole text."""
    clauses = [clause for clause in _CLAUSES.split(text) if _PUNCT.sub("", clause)]
    if len(clauses) < 2:
        return False
    last = clauses[-1]
    if not any(word in last for word in _list("strong", "confirm")):
        return False
    if not only_words(last, allowed):
        return False
    asides = "".join(clauses[:-1])
    verbs = "|".join(map(re.escape, _list("recheck_verbs", "confirm")))
    for match in re.finditer(f"(?:再|又|重新)(?:{verbs})了?(?:一遍|一下|一次|下|遍)", asides):
        if any(word in asides[match.end() :] for word in _list("verdicts", "confirm")):
            asides = asides.replace(match.group(), "_" * len(match.group()), 1)  # done since
    asides = _mask(asides, _list("verdicts", "confirm"))
    return not any(word in asides for word in _list("aside_blockers", "confirm"))


def read_confirm(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """At a summary: "yes" (submit), "no" (a correction or anything else) or "cancel".

    Never None: what is not an explicit confirmation is "no", and the facts of a
    correction ("电话错了是139…") come back in ``facts`` to be applied. A "no" is
    ``sure`` when it says what is wrong (a negation, a change word or a fact); an
    unsure "no" ("我再看看", a question) means: ask what to change.
    """
    prepared = prepare(text)
    facts = other_facts(text, "confirm", ("confirm",), region=region, applicant=applicant)
    value = confirm_value(prepared.text, facts)
    return Reading(
        value, sure=value != CONFIRM_NO or bool(facts) or _says_no(prepared.text), facts=facts
    )


def _says_no(text: str) -> bool:
    return any(char in text for char in NEGATOR_CHARS) or any(
        word in text for word in _list("change", "confirm")
    )


def consent_value(text: str, applicant: str = "self") -> str:
    """The rule for a consent: "agree" only for an explicit, un-negated, un-hedged yes.

    - refuse: an agreement word with a negator just before it ("不同意", "没同意",
      "不太同意", "先不同意吧", "不能同意") or a refusal said outright (拒绝, 不行, 要不得);
    - agree: an agreement word and NO negator anywhere before any agreement word
      (only the idioms 没问题 / 没意见 are masked), no hedge or question anywhere
      ("我考虑一下", "要问问儿子", "同意什么"), nothing asked after it and no contrast
      after it ("同意，但是…"); the weak words (好, 行, 可以, 没问题) agree only when they
      are all that is said; someone else agreeing ("我老伴同意了") is not agreement;
    - unsure: everything else, and always a concession ("好是好，就是…", "同意是同意，
      但…") or a consent for a part only ("只查收入可以，存款就不要查了").
    """
    text = _after_self_correction(text)
    plain = _mask_loose(
        _mask(text, _list("idioms", "consent")), _list("nothing_to_hide", "consent")
    )
    agree_words = _list("agree", "consent")
    hits = _agreement_hits(text, plain, agree_words)
    if hits:  # said of themself before the agreement, not after it ("同意，不识字")
        plain = _mask(plain[: hits[-1][0]], _list("impairments")) + plain[hits[-1][0] :]
    plain = _indefinite_what(plain)
    if _CONCESSION.search(plain):
        return UNSURE  # "好是好，就是我那点养老钱不想让别个晓得"
    # "可不可以", "同不同意": asking, never a refusal (they stay in ``plain`` as hedges).
    unasked = _mask(plain, _list("a_not_a", "consent"))
    refused = _refuses(unasked, [hit for hit in hits if unasked[hit[0] : hit[1]] == hit[2]])
    if refused and _for_a_part(unasked, hits):
        return UNSURE  # a condition, not a refusal of the whole
    if refused and not _only_hesitates(text, unasked, hits, applicant):
        return REFUSE
    if _PUNCT.sub("", text) in _list("bare_refusals", "consent"):
        return REFUSE
    if not refused and _settled_at_the_end(text, plain, hits, applicant):
        return AGREE
    if not refused and _check_then_little(text, plain, hits, applicant):
        return AGREE  # "查吧，我存折上就几百块"
    if _negated_weak_word(text, plain):
        return UNSURE  # "同意，不好说": a doubt said after the agreement
    if not hits:
        return UNSURE
    last_start = hits[-1][0]
    if any(char in NEGATOR_CHARS for char in plain[:last_start]):
        return UNSURE
    if any(word in plain for word in _list("hedge", "consent")):
        return UNSURE
    for _start, end, _word in hits:
        after = plain[end : end + 3]
        if after and any(after.startswith(word) for word in _list("asks_about", "consent")):
            return UNSURE
    if "?" in plain[last_start:]:
        return UNSURE
    sentence = re.split(r"[.!]", plain[hits[0][1] :])[0]
    clause = re.split(r"[,.;!?:~\n]", plain[: hits[0][0]])[-1]
    if any(word in sentence + "," + clause for word in _list("asked_not_doubted", "consent")):
        return UNSURE  # "同意了什么", "什么同意": asked in the agreement's own sentence
    if any(word in plain[hits[0][1] :] for word in _list("contrasts", "consent")):
        return UNSURE
    if _someone_else_agrees(text, hits[0][0], applicant):
        return UNSURE
    strong = [hit for hit in hits if hit[2] not in _list("weak", "consent")]
    if strong:
        return AGREE
    allowed = (*agree_words, *_list("frame"), *_list("particles"), *_list("truthful"), *_HOME)
    return AGREE if only_words(plain, allowed) else UNSURE


def _indefinite_what(plain: str) -> str:
    """什么 after a negator in its clause is "anything", no question ("我也没存什么钱",
    "不缺什么"): masked, so it asks nothing. 什么意思, 为什么, 干什么, 是什么 stay."""

    def masked(match: re.Match[str]) -> str:
        return match.group()[:-2] + "__"

    return re.sub(
        f"[{NEGATOR_CHARS}][^{_CLAUSE_MARKS}]{{0,4}}?(?<![为干是])什么(?!意思)", masked, plain
    )


_CLAUSE_MARKS = re.escape(",.;!?:~\n")
_HOME = ("我们家", "我家", "家里", "又", "也")  # "查呗，我家什么也没有": whose nothing


def _after_self_correction(text: str) -> str:
    """What follows the last "我是说" (a slip taken back), its slip words blanked."""
    for marker in _list("self_corrections", "consent"):
        at = text.rfind(marker)
        if at >= 0:
            text = text[at + len(marker) :]
            break
    return _mask(text, _list("slips", "consent"))


def _settled_at_the_end(
    text: str, plain: str, hits: list[tuple[int, int, str]], applicant: str
) -> bool:
    """The answer ends with a clean agreement of the applicant's, and nothing before it
    refuses, negates an agreement or leaves it undecided: what came before was a
    question, a fact ("眼睛看不见，我念给他听了，他说同意") or a doubt explained away.
    Or: a clean agreement is a sentence of its own, and what follows only asks what
    happens next ("同意。以后情况有变化，要怎么更新？")."""
    if not hits:
        return False
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,.;!?:~\n]+", plain)]
    clauses = [(low, high) for low, high in clauses if _PUNCT.sub("", plain[low:high]).strip("_")]
    if not clauses:
        return False
    allowed = (*_list("agree", "consent"), *_list("frame"), *_list("particles"))
    allowed = (*allowed, *_list("truthful"), *_HOME, "嗯", "那", "就")
    return (
        _last_clause_settles(text, plain, hits, applicant, clauses, allowed)
        or _agreed_then_asked(plain, hits, allowed)
        or _agreed_then_went_on(text, plain, hits, applicant, clauses, allowed)
    )


def _check_then_little(
    text: str, plain: str, hits: list[tuple[int, int, str]], applicant: str
) -> bool:
    """The first clause is only the applicant's plain "check" (``check_words``: 查吧,
    可以查), and every clause after it only says how little money there is, where
    (``little`` and ``places``: "我存折上就几百块", "卡上也没几个子儿"): nothing asked,
    hedged, refused, limited or said of someone else's money."""
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,.;!?:~\n]+", plain)]
    clauses = [(low, high) for low, high in clauses if _PUNCT.sub("", plain[low:high]).strip("_")]
    if len(clauses) < 2 or "?" in plain:
        return False
    low, high = clauses[0]
    allowed = (*_list("agree", "consent"), *_list("frame"), *_list("particles"), "嗯", "那")
    plain = _applicant_says_masked(plain, low, high, applicant)  # "外婆说可以查"
    first = _clean_agreement(plain, low, high, hits, allowed)
    checks = _list("check_words", "consent")
    if not first or not all(word in checks for _start, _end, word in first):
        return False
    return all(_says_little(plain[low:high]) for low, high in clauses[1:])


def _applicant_says_masked(plain: str, low: int, high: int, applicant: str) -> str:
    """ "外婆说可以查" typed for the grandmother: the applicant named, then 说, masked."""
    for mention in find_mentions(plain[low:high], applicant):
        said = plain[low + mention.end : low + mention.end + 1] == "说"
        if mention.start == 0 and mention.relation == "self" and said:
            cut = low + mention.end + 1
            return plain[:low] + "_" * (cut - low) + plain[cut:]
        break
    return plain


def _says_little(clause: str) -> bool:
    """ "我存折上就几百块", "她就一张存折", "卡上也没几个子儿": how little, and where."""
    if any(word in clause for word in _list("little_blockers", "consent")):
        return False
    if any(word in clause for word in (*_list("hedge", "consent"), *_list("refuse", "consent"))):
        return False
    if not any(word in clause for word in _list("places", "consent")):
        return False
    little = find_all(clause, _list("little", "consent"))
    if not little:
        return False
    rest = clause
    for start, end, _word in little:
        rest = rest[:start] + "_" * (end - start) + rest[end:]
    return not any(char in NEGATOR_CHARS for char in rest)


def _explained(text: str) -> bool:
    """An explanation said, not negated ("我解释了一遍", not "我还没解释")."""
    return any(
        not any(char in NEGATOR_CHARS for char in text[max(0, start - 2) : start])
        for start, _end, _word in find_all(text, _list("explained", "consent"))
    )


def _agreed_then_went_on(
    text: str,
    plain: str,
    hits: list[tuple[int, int, str]],
    applicant: str,
    clauses: list[tuple[int, int]],
    allowed: tuple[str, ...],
) -> bool:
    """The first clause is the applicant's clean, strong agreement, and what follows
    only goes on to something else: a question to us ("同意，但是我想问一下…": from the
    ask marker on, all is the question), a wish ("就是快一点好吗"), a fact said with 没
    ("孩子下学期的学费还没着落"). Nothing after it may refuse, negate (but for 没),
    limit, contrast, hedge (but for a question word) or say it is not understood."""
    if len(clauses) < 2:
        return False
    low, high = clauses[0]
    first = _clean_agreement(plain, low, high, hits, allowed)
    strong = [hit for hit in first if hit[2] not in _list("weak", "consent")]
    if not strong or _someone_else_agrees(text, strong[0][0], applicant):
        return False
    rest = plain[high:]
    asked = find_all(rest, _list("ask_markers", "consent"))
    question = ""
    if asked:
        question = rest[asked[0][1] :]
        rest = re.sub(r"(但是|但|不过|可是|就是)[,我]*$", "", rest[: asked[0][0]])
        if any(
            word in question
            for word in (*_list("refuse", "consent"), *_list("deciding", "consent"))
        ):
            return False
        if any(char in NEGATOR_CHARS for char in _mask(question, _list("a_not_a", "consent"))):
            return False  # "我想问一下能不能不查存款": a doubt asked
    blockers = (*_list("refuse", "consent"), *_list("limits", "consent"))
    blockers = (*blockers, *_list("not_understood", "consent"))
    if any(word in rest for word in blockers):
        return False
    for _start, _end, word in find_all(rest, _list("hedge", "consent")):
        if word not in _list("asked_not_doubted", "consent"):
            return False
    for clause in _CLAUSES.split(rest + "," + question):
        asks = "?" in clause or any(w in clause for w in _list("asked_not_doubted", "consent"))
        if asks and any(word in clause for word in _list("consent_topics", "consent")):
            return False  # "我同意…儿子的也要查吗": what is agreed to, still asked
    rest = _mask(rest, _list("a_not_a", "consent"))
    later = [start - high for start, _end, _word in hits if start >= high]
    if later and any(char in NEGATOR_CHARS for char in rest[: later[-1]]):
        return False  # "认可。没有。。同意": an agreement said again after a negator
    rest = rest.replace("没", "_")
    return not any(char in NEGATOR_CHARS for char in rest)


def _clean_agreement(
    plain: str, low: int, high: int, hits: list[tuple[int, int, str]], allowed: tuple[str, ...]
) -> list[tuple[int, int, str]]:
    """The agreement words of ``plain[low:high]`` when that stretch is nothing but an
    agreement (no negator, no hedge, no question)."""
    inside = [hit for hit in hits if low <= hit[0] and hit[1] <= high]
    part = plain[low:high]
    if not inside or any(char in NEGATOR_CHARS for char in part.replace("_", "")):
        return []
    if "?" in part or any(word in part for word in _list("hedge", "consent")):
        return []
    return inside if only_words(part, allowed) else []


def _last_clause_settles(
    text: str,
    plain: str,
    hits: list[tuple[int, int, str]],
    applicant: str,
    clauses: list[tuple[int, int]],
    allowed: tuple[str, ...],
) -> bool:
    low, high = clauses[-1]
    if low == 0:
        return False  # one clause: the ordinary rules have read it
    last = _clean_agreement(plain, low, high, hits, allowed)
    if not last or "?" in plain[high:]:
        return False
    strong = [hit for hit in last if hit[2] not in _list("weak", "consent")]
    if not strong or _someone_else_agrees(text, strong[0][0], applicant):
        return False
    before = plain[:low]
    if any(word in before for word in _list("refuse", "consent")):
        return False
    if any(_negator_before(plain, hit[0]) is not None for hit in hits if hit[1] <= low):
        return False  # "不同意……同意吧": said both ways
    not_understood = _list("not_understood", "consent")
    for start, end, word in find_all(before, (*_list("hedge", "consent"), *not_understood)):
        if word in _list("asked_not_doubted", "consent"):
            continue
        explained = _explained(before[end:])
        if word not in not_understood or not explained:
            return False  # undecided ("回头再", "问问儿子"), or not understood
        before = before[:start] + "_" * (end - start) + before[end:]  # explained since
    # The legal record: a negator before an agreement never agrees, even in a fact
    # ("那个老板都没给我发过工资单 嗯 同意吧" stays unsure: a person confirms it), but for
    # what the person says of themself (``impairments``: "不识字") and a not-understood
    # that was explained since ("老人一开始听不明白，我解释了一遍，他说让查").
    return not any(char in NEGATOR_CHARS for char in before)


def _agreed_then_asked(
    plain: str, hits: list[tuple[int, int, str]], allowed: tuple[str, ...]
) -> bool:
    end = min((at for mark in ".!" if (at := plain.find(mark)) > 0), default=-1)
    if end < 0 or not _clean_agreement(plain, 0, end, hits, allowed):
        return False
    asked = plain[end + 1 :].replace("不过", "__")
    if "?" not in asked and "吗" not in asked:
        return False
    if any(word in asked for word in _list("consent_topics", "consent")):
        return False
    hedges = find_all(asked, _list("hedge", "consent"))
    if any(word not in _list("asked_not_doubted", "consent") for _s, _e, word in hedges):
        return False
    return not any(char in NEGATOR_CHARS for char in asked)


_PARTICLE_AFTER = "的了吧啊呀啦嘞哦咯噻嘛哈滴得呗"


def _agreement_hits(
    text: str, plain: str, agree_words: tuple[str, ...]
) -> list[tuple[int, int, str]]:
    """The agreement words of ``text``. 好 and 行 inside another word (银行, 好像) or
    before a verb ("没什么好隐瞒的": worth hiding) agree to nothing."""
    masked = _mask(text, _list("not_agreement", "consent"))
    hits = []
    for start, end, word in find_all(text, agree_words):
        if masked[start:end] != word:
            continue
        following = text[end : end + 1]
        if word in ("中", "得") and (_is_cjk(following) or (start and _is_cjk(text[start - 1]))):
            continue  # 中 (Henan "OK"), 得 (粤 "OK") only as a clause of their own, never 中风
        if (
            word in ("好", "行")
            and following
            and _is_cjk(following)
            and following not in _PARTICLE_AFTER
        ):
            continue
        hits.append((start, end, word))
    return hits


def _negated_weak_word(text: str, plain: str) -> bool:
    """好/行 before a verb, negated right before ("不好说", "不太好讲"): not an
    agreement word, but a doubt said — never read past as agreement."""
    for start, end, _word in find_all(plain, ("好", "行")):
        following = text[end : end + 1]
        if not (following and _is_cjk(following) and following not in _PARTICLE_AFTER):
            continue
        if any(char in NEGATOR_CHARS for char in plain[max(0, start - 2) : start]):
            return True
    return False


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _only_hesitates(
    text: str, plain: str, hits: list[tuple[int, int, str]], applicant: str
) -> bool:
    """A negated agreement that is not the applicant's refusal, so "unsure":

    - "不是不同意" (two negators): not a refusal, and not agreement either;
    - "其配偶不同意": someone else's refusal;
    - "同意，但…不在授权之列": a clean agreement, then a part taken back after a contrast;
    - "我先不点同意，问清楚再说": not yet, with a hesitation said after it.
    A refusal said outright (拒绝, 不行, 不要查) is always a refusal.
    """
    negated = [hit for hit in hits if _negator_before(plain, hit[0]) is not None]
    if not negated:
        return False
    rest = plain
    for start, end, _word in negated:  # "不同意" is judged below, other refusals here
        at = _negator_before(plain, start) or start
        rest = rest[:at] + "_" * (end - at) + rest[end:]
    if any(word in rest for word in _list("refuse", "consent")):
        return False
    hedges = [
        (low, high)
        for low, high, word in find_all(plain, _list("hedge", "consent"))
        if any(char in NEGATOR_CHARS for char in word)
    ]
    for start, end, _word in negated:
        at = _negator_before(plain, start)
        assert at is not None
        if any(low <= at < high for low, high in hedges):
            continue  # "听不懂承诺内容": not understanding it, not refusing it
        lead = plain[max(0, at - 6) : at]
        if re.search(r"不是.{0,2}$", lead):
            continue
        if _someone_else_agrees(text, at, applicant):
            continue
        clean = [hit for hit in hits if hit[1] <= at and _negator_before(plain, hit[0]) is None]
        if clean and any(word in plain[clean[0][1] : at] for word in _list("contrasts", "consent")):
            continue
        clause_end = min(
            (mark_at for mark in ",.;!?:~\n" if (mark_at := plain.find(mark, end)) >= 0),
            default=len(plain),
        )
        if "?" in plain[clause_end : clause_end + 1] or "吗" in plain[end:clause_end]:
            continue  # "可以不授权吗？": asking whether, not refusing
        later = plain[end:]
        if plain[max(0, at - 1) : at] in ("先", "暂") and any(
            word in later for word in _list("hedge", "consent")
        ):
            continue  # "先不点同意，问清楚再说": not yet
        return False
    return True


_CONCESSION = re.compile(r"(同意|可以|好|行|愿意)是\1")
_YES_CONCESSION = re.compile(r"(对|没错|确认)是\1")


def _for_a_part(plain: str, hits: list[tuple[int, int, str]]) -> bool:
    """An agreement, un-negated, in a clause of its own, and a limit said (只, 但, 其他):
    "只查收入可以，存款就不要查了" consents to a part."""
    if not any(word in plain for word in _list("limits", "consent")):
        return False
    for start, end, _word in hits:
        low = max(plain.rfind(mark, 0, start) for mark in ",.;!?:~\n") + 1
        ends = [mark_at for mark in ",.;!?:~\n" if (mark_at := plain.find(mark, end)) >= 0]
        clause = plain[low : min(ends, default=len(plain))]
        if not any(char in NEGATOR_CHARS for char in clause) and min(ends, default=-1) >= 0:
            return True
    return False


def _negator_before(text: str, start: int) -> int | None:
    """Where a negator stands in the three characters before an agreement word."""
    for index in range(start - 1, max(-1, start - 4), -1):
        if text[index] in NEGATOR_CHARS:
            return index
    return None


def _someone_else_agrees(text: str, position: int, applicant: str) -> bool:
    """ "我老伴同意了": the person agreeing is not the applicant, so nothing is agreed
    ("户主及其妻均表示同意": the applicant is one of them, so it is agreed)."""
    before = [m for m in find_mentions(text[:position], applicant) if m.end <= position]
    if not before or position - before[-1].end > 3:
        return False
    person = before[-1]  # the one who types ("我") answers the form, whoever the applicant is
    if person.relation == "self" or person.word in ("我", "我自己", "我们", "本人"):
        return False
    clause_from = max(text.rfind(mark, 0, person.start) for mark in ",.;!?:~\n") + 1
    listed = [m for m in before[:-1] if m.start >= clause_from and m.relation == "self"]
    return not any(
        text[m.end : person.start] in ("和", "及", "与", "跟", "同", "/", "及其", "和其", "与其")
        for m in listed
    )


def _refuses(text: str, hits: list[tuple[int, int, str]]) -> bool:
    """A refusal word, or a negator within three characters before an agreement word,
    or an agreement word followed by 不了 ("同意不了")."""
    if any(word in text for word in _list("refuse", "consent")):
        return True
    for start, end, _word in hits:
        if any(char in NEGATOR_CHARS for char in text[max(0, start - 3) : start]):
            return True
        if text[end : end + 2] in ("不了", "不得"):
            return True
    return False


def read_consent(text: str, *, region: str | None = None, applicant: str = "self") -> Reading:
    """At the 告知承诺 or the 核对授权: "agree", "refuse" or "unsure"."""
    prepared = prepare(text)
    value = consent_value(prepared.text, applicant)
    joined = joined_slowly_typed(text)
    if joined != text:
        # "同 意", "不 同 意", "肯 不肯" (asked): typed letter by letter, read as words;
        # never an agreement where the letters as typed refuse
        as_words = consent_value(prepare(joined).text, applicant)
        value = REFUSE if value == REFUSE and as_words == AGREE else as_words
    facts = other_facts(text, "consent", ("consent",), region=region, applicant=applicant)
    return Reading(value, sure=value != UNSURE, facts=facts)


_YES = (
    "有的",
    "有",
    "是的",
    "是",
    "对的",
    "对",
    "会",
    "要",
    "需要",
    "嗯",
    "好的",
    "好",
    "可以",
    "能",
    "在",
)
_NO = ("没有", "没", "无", "不是", "不会", "不要", "不用", "不需要", "不能", "不在", "不", "否")


_SUBJECT = re.compile(r"^(?:我们家|我家|我们|我|他们|他|她|家里|老人|户主|该户|都|也|还|就|倒是)+")


def yes_no_value(text: str) -> bool | str | None:
    """True / False / "unknown" / None: the answer's first word decides, after fillers
    and a subject ("没有，儿子不在了" → False; "我们有的" → True); "不知道" is unknown;
    an answer that starts otherwise answers something else (None)."""
    if is_unknown(text):
        return UNKNOWN
    body = _SUBJECT.sub("", _PUNCT.sub("", strip_fillers(text)))
    for word in _NO:
        if body.startswith(word):
            return False
    for word in _YES:
        if body.startswith(word):
            return True
    return None


def read_yes_no(
    text: str, *, slot: str | None = None, region: str | None = None, applicant: str = "self"
) -> Reading:
    """A yes/no question: True, False, "unknown" (不知道) or None (no answer to it)."""
    prepared = prepare(text)
    value = yes_no_value(prepared.text)
    facts = other_facts(text, slot, (), region=region, applicant=applicant)
    return Reading(value, sure=value is not None, facts=facts)
