"""Phone numbers, 身份证号 and names, as people type and say them. Words in
``identity.yml``.

Digits may be typed, full-width, or said one by one in Chinese ("一五八 二二三四
五六七八", "幺八六…"), in groups with spaces or dashes, with +86 in front. Names are
read from the characters as typed, so numerals in a name stay ("卫三百", "王二").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlu.finders._words import words
from nlu.finders.members import member_words
from nlu.finders.negation import negated_before
from nlu.finders.text import segments
from nlu.normalize import simplify
from nlu.validators import id_number_problem, phone_problem

PHONE = re.compile(r"1[3-9]\d{9}")
ID_NUMBER = re.compile(r"\d{17}[\dX]")


@lru_cache(maxsize=1)
def _spoken() -> dict[str, str]:
    return {str(key): str(value) for key, value in words("identity")["spoken_digits"].items()}


@lru_cache(maxsize=1)
def _formal() -> dict[str, str]:
    return {str(key): str(value) for key, value in words("identity")["formal_digits"].items()}


def digit_runs(text: str) -> list[str]:
    """Runs of digits (and a final X) as the person meant them: spoken digits turned into
    digits, separators inside a run dropped, a +86 / 0086 in front removed."""
    spoken = _spoken()
    separators = str(words("identity")["separators"])
    plain = simplify(text)
    formal = _formal()
    chars = [spoken.get(char, spoken.get(char.lower(), char)) for char in plain]
    for at, char in enumerate(plain):
        # A spoken digit that starts a word, with no digit said before it, is that word:
        # "13986254713 幺爸耳朵不好" (幺爸 is the uncle), "…1234 一个人住" — no 12th digit.
        before, after = plain[at - 1 : at] if at else "", plain[at + 1 : at + 2]
        starts_word = "\u4e00" <= after <= "\u9fff" and after not in spoken and after not in formal
        after_digit = before.isdigit() or before in spoken
        if char in spoken and not char.isdigit() and starts_word and not after_digit:
            chars[at] = char
    for at, char in enumerate(plain):
        if char in formal:
            near = plain[max(0, at - 1) : at] + plain[at + 1 : at + 2]
            if any(c.isdigit() or c in formal or c in spoken for c in near):
                chars[at] = formal[char]
    runs: list[str] = []
    pieces: list[str] = []  # the groups of the current run, between separators
    pending_separator = False
    for char in chars:
        if char.isdigit() or (char == "X" and pieces):
            if pending_separator or not pieces:
                pieces.append("")
            pieces[-1] += char
            pending_separator = False
        elif char in separators and pieces:
            pending_separator = True
        elif char == "+":
            runs.extend(_split_run(pieces))
            pieces = []
        else:
            runs.extend(_split_run(pieces))
            pieces = []
            pending_separator = False
    runs.extend(_split_run(pieces))
    cleaned: list[str] = []
    for run in runs:
        for prefix in ("0086", "86"):
            if run.startswith(prefix) and len(run) - len(prefix) == 11:
                run = run[len(prefix) :]
        cleaned.append(run)
    return cleaned


_NUMBER_LENGTHS = (11, 15, 18)  # a mobile number, an old and a new 身份证号


def _split_run(pieces: list[str]) -> list[str]:
    """The groups of one run joined, unless they are no number's length and their last
    groups are one: "…是6不是8，13908473156" is a digit said, then the number."""
    if not pieces:
        return []
    whole = "".join(pieces)
    if len(whole) in _NUMBER_LENGTHS or len(pieces) == 1 or whole.startswith(("0086", "86")):
        return [whole]  # "+86 139 …": the prefix is dropped below
    for index in range(1, len(pieces)):
        tail = "".join(pieces[index:])
        if len(tail) in _NUMBER_LENGTHS:
            return ["".join(pieces[:index]), tail]
    for index in range(len(pieces) - 1, 0, -1):
        head = "".join(pieces[:index])
        if len(head) in _NUMBER_LENGTHS:  # "身份证4309…4012 一个月就…": the number, then words
            return [head, "".join(pieces[index:])]
    return [whole]


def phones_of(text: str) -> list[str]:
    """Every valid mobile number in ``text``, in order."""
    return [run for run in digit_runs(text) if PHONE.fullmatch(run) and phone_problem(run) is None]


@dataclass(frozen=True)
class Callback:
    """A number left for staff to call, and whose it is ("女儿"; "" for the writer's own)."""

    phone: str
    who: str = ""


def callback_of(text: str) -> Callback | None:
    """A mobile number left in passing for staff to call back ("有事打我女儿电话 139…",
    "你们打我儿子电话吧 他懂这些 136…"): a valid number and a call-back cue in the same
    message (``identity.yml``). None for a number said without one (an answer to the
    phone question is read by the phone reader)."""
    phones = phones_of(text)
    if not phones:
        return None
    plain = simplify(text).replace(" ", "")
    data = words("identity")
    cues = sorted((str(c) for c in data["callback_cues"]), key=len, reverse=True)
    found = [(plain.find(cue), cue) for cue in cues if cue in plain]
    if not found:
        return None
    at, cue = min(found)
    after = plain[at + len(cue) : at + len(cue) + 8]
    who_words = sorted((str(w) for w in data["callback_who"]), key=len, reverse=True)
    hits = [(after.find(w), w) for w in who_words if w in after]
    who = min(hits)[1] if hits else ""
    return Callback(phones[0], who.removeprefix("我"))


_TAIL = re.compile(
    r"最后(?:一位|两位|二位|三位|四位|五位|六位|几位|\d位)?(?:数字|数|号码)?(?:是|系|係|为|改成|改为|应该是|应是)?"
)


def tail_corrected(text: str, length: int) -> str | None:
    """ "…四五六六 不对 最后是四五六七", "…0318 打错了，最后一位是X": the number typed
    before (``length`` characters), its last characters replaced by those said after."""
    plain = simplify(text)
    matches = list(_TAIL.finditer(plain))
    if not matches:
        return None
    match = matches[-1]
    before = [run.upper() for run in digit_runs(plain[: match.start()]) if len(run) == length]
    after = [run.upper() for run in digit_runs(plain[match.end() :])]
    tail = plain[match.end() :].strip().upper()[:1]
    if not after and tail == "X":
        after = ["X"]  # "最后一位是X": a lone X is no digit run
    if not before or not after or len(after[0]) >= length:
        return None
    return before[-1][: length - len(after[0])] + after[0]


def id_numbers_of(text: str) -> tuple[list[str], str | None]:
    """Valid 身份证号 in ``text`` (GB 11643 checksum), and the problem of the first
    candidate that failed, if any."""
    found: list[str] = []
    problem = None
    for run in digit_runs(text):
        run = run.upper()
        if len(run) < 15 or len(run) > 19:
            continue
        if ID_NUMBER.fullmatch(run):
            reason = id_number_problem(run)
            if reason is None:
                found.append(run)
                continue
            problem = problem or reason
        else:
            problem = problem or id_number_problem(run)
    return found, problem


# -- case numbers and the last 6 characters of a 身份证号 (looking up a case) ------------
_CASE_NO = re.compile(r"JZ\s*-?\s*(\d{8})\s*-?\s*(\d{4,})", re.IGNORECASE)


def case_numbers_of(text: str) -> list[str]:
    """Case numbers ("JZ20261123-0007", typed with spaces, lower case or full-width)."""
    plain = simplify(text)
    return [f"JZ{m.group(1)}-{m.group(2)}" for m in _CASE_NO.finditer(plain)]


# -- names -------------------------------------------------------------------------
@dataclass(frozen=True)
class NameReading:
    name: str | None
    hint: str | None  # "王大爷": what the person is called, not their name


def _names() -> dict[str, object]:
    return words("identity")["names"]


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _surname_at(text: str, start: int, known_only: bool) -> int:
    """Length of the surname starting at ``start`` (2 for 欧阳), 0 when none."""
    data = _names()
    for compound in data["compound_surnames"]:  # type: ignore[union-attr]
        if text.startswith(str(compound), start):
            return len(str(compound))
    known = start < len(text) and text[start] in str(data["surnames"])
    if start < len(text) and _is_cjk(text[start]) and (known or not known_only):
        return 1
    return 0


def is_surname(text: str) -> bool:
    """Whether ``text`` is a known surname alone ("张", "欧阳"): "邻居张奶奶"."""
    return bool(text) and _surname_at(text, 0, True) == len(text)


def _name_at(text: str, start: int, known_only: bool) -> NameReading | None:
    """The name starting at ``start``: a surname and one or two more characters, ended
    by a particle, punctuation or an explanation of the characters ("耳东陈")."""
    data = _names()
    stops = str(data["stops"])
    if text[start : start + 1] in ("老", "小") and _surname_at(text, start + 1, True):
        return NameReading(None, text[start : start + 2])  # "老王", "小李": what they are called
    surname = _surname_at(text, start, known_only)
    if not surname:
        return None
    for title in sorted(data["titles"], key=len, reverse=True):  # type: ignore[arg-type]
        if text.startswith(str(title), start + surname):
            return NameReading(None, text[start : start + surname + len(str(title))])
    end = start + surname
    while end < len(text) and end - start - surname < 2 and _is_cjk(text[end]):
        if text[end] in stops:
            break
        if any(text.startswith(str(word), end) for word in data["explain"]):  # type: ignore[union-attr]
            break
        end += 1
    name = text[start:end]
    if end - start - surname < 1 or _not_a_name(name):
        return None
    if name[0] in _NEVER_FIRST or any(name.startswith(word) for word in _owner_words()):
        return None  # "不是我", "奶奶不": words of the sentence, not a name
    return NameReading(name, None)


_NEVER_FIRST = "不没是我你他她的了就都也还本叫这那哪啥有在和跟说"
_BARE_CUES = ("名字", "名")


def _not_an_answer(whole: str) -> bool:
    """A whole answer that is small talk or a word of the sentence ("你好", "晓得了"),
    not a name with a rare surname ("卫三百")."""
    words = {str(w) for w in _names()["not_answers"]}  # type: ignore[union-attr]
    return (
        whole in words
        or whole.rstrip("了啊呀哦吧呢嘛") in words
        or whole[0] in _NEVER_FIRST
        or whole[-1] in "的了吗呢吧啊呀嘛哦噢哈"
    )


def _not_a_name(name: str) -> bool:
    """Words that start with a surname but are not names (高血压, 白马山, 马上)."""
    for word in (str(w) for w in _names()["not_names"]):  # type: ignore[union-attr]
        if (
            name == word
            or (len(word) >= 3 and name.startswith(word))
            or (name[:2] == word and len(name) == 2)
        ):
            return True
    return False


def _clean(text: str) -> str:
    body = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", simplify(text).strip())
    body = re.sub(r"(?<=[人上])系", "是", body)  # 粤 "申请人係…", "身份證上係…"
    for old, new in (("俺", "我"), ("嗯", ""), ("那个", ""), ("就是", "")):
        body = body.replace(old, new)
    said: list[str] = _names()["already_said"]  # type: ignore[assignment]
    for word in sorted(said, key=len, reverse=True):  # "刚说了 吴春生": said again
        body = body.replace(word, ",")
    return body.strip(",")


def _after_cue(body: str, start: int) -> int:
    """Skip what stands between a cue and the name: punctuation, whose name it is and
    a second cue ("申请人是我妈，叫刘翠花")."""
    data = _names()
    owners = sorted(_owner_words(), key=len, reverse=True)
    cues = [str(c) for c in data["cues"] if str(c) not in ("是", "为")]  # type: ignore[union-attr]
    skips = sorted((*owners, *cues), key=len, reverse=True)
    moved = True
    while moved and start < len(body):
        moved = False
        while start < len(body) and body[start] in ",.:;!?~ ":
            start += 1
            moved = True
        for word in skips:
            if body.startswith(word, start) and len(body) > start + len(word):
                start += len(word)
                moved = True
                break
    return start


@lru_cache(maxsize=1)
def _owner_words() -> tuple[str, ...]:
    """Whose the name is, skipped before it: the owners of ``identity.yml`` and every
    relation word ("申请人是奶奶…", "申请人係我阿爸，黄金水")."""
    relations = {*member_words("self"), *member_words("father"), *member_words("grandmother")}
    relations -= {"他", "她"}
    return tuple(dict.fromkeys([*(str(o) for o in _names()["owners"]), *relations]))  # type: ignore[union-attr]


_GIVEN_APART = re.compile(
    r"姓([\u4e00-\u9fff]{1,2})[,.]?名(?:字)?(?:叫|是)?([\u4e00-\u9fff]{1,2})(?![\u4e00-\u9fff])"
)


def names_in(text: str, asked: bool = False) -> NameReading:
    """The name in ``text``, kept in the characters typed (黃麗珍 stays 黃麗珍); a name
    corrected later in the text ("李春华不对不对是李春花") is the corrected one."""
    found = NameReading(None, None)
    hint: str | None = None
    named = any(word in _clean(text) for word in ("名字", "名子", "姓名", "申请人", "叫"))
    for part in segments(text):
        reading = _names_in(part, asked, named)
        if reading.name:
            found = reading
        hint = hint or reading.hint
    if found.name is None:
        return NameReading(None, hint)
    return NameReading(_as_typed(text, found.name), None)


def _as_typed(text: str, name: str) -> str:
    """The name in the characters the person typed (names are not converted 繁→简)."""
    plain = simplify(text)
    at = plain.find(name)
    if len(plain) == len(text) and at >= 0:
        return text[at : at + len(name)]
    return name


def _names_in(text: str, asked: bool = False, named: bool = False) -> NameReading:
    """The applicant's name in ``text``.

    Rules: a name after a cue (我叫, 名字是, 申请人为, 老人叫), skipping whose it is
    (a relative's, "奶奶叫周桂兰", only when asked and no other name is said)
    ("申请人是我爸，王德福"), never after a negated cue ("不是周建华"); the weak cues
    是/为/应为 count only at the name question or after 名字/姓名/申请人/叫. When the
    question was asked, also a whole answer of 2–4 characters ("李四", "卫三百") or a
    name it starts with; otherwise the surname must be a common one. A title
    ("王大爷", "老王") is a hint, not a name.
    """
    body = _clean(text)
    data = _names()
    cues = sorted((str(c) for c in data["cues"]), key=len, reverse=True)  # type: ignore[union-attr]
    named_context = named or any(word in body for word in ("名字", "姓名", "申请人", "叫"))
    apart = _GIVEN_APART.search(body)
    if apart and _surname_at(apart.group(1), 0, True):
        return NameReading(apart.group(1) + apart.group(2), None)  # "姓陈，名建国"
    hint: str | None = None
    relative: NameReading | None = None  # a relative's name: the applicant's when asked, alone
    position = 0
    while position < len(body):
        cue = next((c for c in cues if body.startswith(c, position)), None)
        if cue is None:
            position += 1
            continue
        weak = cue in ("是", "为", "应为", "应该是")
        if (weak and not (asked or named_context)) or negated_before(body, position):
            position += len(cue)
            continue
        if _relative_before(body, position):
            if asked and relative is None:  # "奶奶叫周桂兰" answering 申请人的姓名
                found = _name_at(body, _after_cue(body, position + len(cue)), known_only=True)
                relative = found if found is not None and found.name else None
            position += len(cue)
            continue
        start = _after_cue(body, position + len(cue))
        bare = cue in _BARE_CUES  # "名字 王二": only a common surname after it
        reading = _name_at(body, start, known_only=not asked or weak or bare)
        if reading is not None and reading.name:
            return reading
        if reading is not None and reading.hint:
            hint = hint or reading.hint
        position += len(cue)
    reading = _after_owner(body) or _leading(body) or _labelled(text) or relative
    if reading is not None:
        return reading
    spelled = _spelled(text) if asked else None
    if spelled:
        return NameReading(spelled, None)
    if asked:
        for clause in reversed(re.split(r"[,.;!?:~ ]+", body)):
            # "户主姓陈，名建国，陈建国": a clause that is a name with a common surname
            if 2 <= len(clause) <= 4 and all(_is_cjk(char) for char in clause):
                reading = _name_at(clause, 0, known_only=True)
                if reading is not None and reading.name == clause and clause != body:
                    return reading
        whole = body.strip(",.!?;:~ ")
        starts_as_speech = whole[:1] in ("我", "他", "她") or any(
            c in whole for c in cues if len(c) > 1
        )
        if 2 <= len(whole) <= 4 and all(_is_cjk(char) for char in whole) and not starts_as_speech:
            reading = _name_at(whole, 0, known_only=False)
            if reading is not None and reading.hint:
                return reading
            if not (_not_a_name(whole) or _not_an_answer(whole)):
                return NameReading(whole, None)
        reading = _name_at(whole, 0, known_only=True)
        if reading is not None:
            return reading
    return NameReading(None, hint or _title_hint(body))


_FILLER_TOKENS = ("那个", "这个", "就是", "嗯", "啊", "呃", "额", "是", "叫", "我叫", "名字")


def _spelled(text: str) -> str | None:
    """A name said one character at a time, each explained ("张 弓长张 德 道德的德 明
    明天的明" → 张德明): the single characters, when the first is a common surname."""
    tokens = [token for token in re.split(r"[\s,.;:!?~，。、]+", simplify(text)) if token]
    chars: list[str] = []
    for token in tokens:
        if token in _FILLER_TOKENS:
            continue
        if len(token) == 1 and _is_cjk(token):
            chars.append(token)
        elif not (chars and token.endswith(chars[-1])):
            return None  # something else than a character and its explanation
    if not 2 <= len(chars) <= 4 or not _surname_at(chars[0], 0, True):
        return None
    name = "".join(chars)
    return None if _not_a_name(name) else name


def _after_owner(body: str) -> NameReading | None:
    """Staff write the name right after whose it is: "户主刘桂兰", "申请人李四"."""
    for owner in ("户主", "申请人", "老人", "该户户主"):
        at = body.find(owner)
        while at >= 0:
            reading = _name_at(body, at + len(owner), known_only=True)
            if reading is not None and reading.name:
                return reading
            at = body.find(owner, at + 1)
    return None


def _relative_before(body: str, position: int) -> bool:
    """ "老伴叫曾冬梅", "儿子叫罗军": the name after the cue is a relative's, not the
    applicant's (whose words are the owners: "我妈叫…" names the applicant)."""
    before = body[max(0, position - 5) : position].rstrip(" ,:")
    owners = {str(o) for o in _names()["owners"]}  # type: ignore[union-attr]
    return any(
        before.endswith(word) and not before.endswith(tuple(owners)) and not _titled(before, word)
        for word in member_words("self")
        if word not in ("他", "她", "我", "自己", "本人", "我自己")
    )


def _titled(before: str, word: str) -> bool:
    """ "汤老倌 大名汤福生": 老倌 after a surname is a way of calling the man himself,
    not a relative of the applicant."""
    at = len(before) - len(word)
    return word.startswith("老") and at >= 1 and _surname_at(before, at - 1, True) == 1


# A staff account's way of naming the applicant: the name as a word of its own, then
# the age, 男/女 or 今年 ("符爱民 77岁", "陈秀英 女"), or right before 身份证/今年
# ("刘建华身份证…", "刘建华今年70了").
_LABELLED = re.compile(
    r"(?:^|(?<=[\s,，.。;；:：]))([\u4e00-\u9fff]{2,3})"
    r"(?:[\s,，]+(?=[\d零一二两三四五六七八九十]+岁|\d|男|女|今年)|(?=身份证|今年))"
)


def _labelled(text: str) -> NameReading | None:
    for match in _LABELLED.finditer(simplify(text)):
        word = match.group(1)
        reading = _name_at(word, 0, known_only=True)
        if reading is not None and reading.name == word:
            return reading
    return None


_LEADING = re.compile(
    r"^(?:申请人|居民|村民|户主)?[:：\s]*([\u4e00-\u9fff]{2,4}?)(?=[,，、(（\d男女]|$)"
)


def _leading(body: str) -> NameReading | None:
    """An account that starts with the name ("李桂英，73岁，…", staff's way of writing):
    a common surname and one or two characters, then a comma, a digit or 男/女."""
    match = _LEADING.match(body)
    if match is None or len(match.group(1)) > 3:
        return None
    reading = _name_at(match.group(1), 0, known_only=True)
    if reading is None or reading.name != match.group(1):
        return None
    return reading


def _title_hint(body: str) -> str | None:
    """ "老王", "小李", "王大爷" named anywhere: how the person is called."""
    surnames = str(_names()["surnames"])
    for match in re.finditer(
        r"(?:^|(?<=[,.!?;: 叫是找问]))[老小]([\u4e00-\u9fff])(?=$|[,.!?;: 说家的头])", body
    ):
        if match.group(1) in surnames:
            return match.group()
    for index in range(len(body)):
        if body[index] in "老小":
            continue  # 老/小 + surname only where the pattern above allows it (not 养老金)
        reading = _name_at(body, index, known_only=True)
        if reading is not None and reading.hint:
            return reading.hint
    return None


_AFTER_FULL_NAME = "的了是在说和跟要也今年岁家住,.;!?:~ /0123456789"


# 口述办's first line names the resident after their place ("二港村五组的彭桂生 男的 七十六岁"):
# only there is a name right after 村的/组的 one, ended by a space, a comma or 男/女 (read
# everywhere, 的 after a place finds "周围邻…" in "村里的周围邻居").
_PLACED_NAME = re.compile(
    r"(?:村|组|社区|屯|队|居委会)的([\u4e00-\u9fff]{2,4}?)(?=\s|[,，。、;；:：]|男|女|$)"
)


def placed_name(text: str) -> str | None:
    """The resident's full name after their village or group (``_PLACED_NAME``), or None."""
    for match in _PLACED_NAME.finditer(simplify(text)):
        said = match.group(1)
        surname = _surname_at(said, 0, known_only=True)
        reading = _name_at(said, 0, known_only=True)
        if surname and reading is not None and reading.name == said and len(said) == surname + 2:
            return _as_typed(text, said)
    return None


def full_names(text: str) -> list[str]:
    """Full names said without a cue ("同村的王福生，68岁", "陈桂英奶奶的特困被驳回了"):
    a common surname and two more characters, ended by a particle, a title, a digit or
    punctuation. Used where several residents are told of in one chat (口述办), so a
    name given in the text is not asked again and another resident's name is noticed."""
    body = _clean(text)
    titles = tuple(str(t) for t in _names()["titles"])  # type: ignore[union-attr]
    found: list[str] = []
    for start in range(len(body)):
        surname = _surname_at(body, start, known_only=True)
        if not surname or (
            start and _is_cjk(body[start - 1]) and body[start - 1] not in "的是给帮为替叫和跟"
        ):
            continue
        reading = _name_at(body, start, known_only=True)
        if reading is None or not reading.name or len(reading.name) != surname + 2:
            continue
        end = start + len(reading.name)
        rest = body[end:]
        if rest and rest[0] not in _AFTER_FULL_NAME and not rest.startswith(titles):
            continue
        if reading.name not in found:
            found.append(_as_typed(text, reading.name))
    return found
