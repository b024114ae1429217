"""Mask personal data in free text before it is logged, stored in a case or shown.

A 身份证号 or a mobile number is masked in every form a person may type it: plain
digits, with spaces, dashes or dots between groups, full-width digits, with a +86 /
0086 prefix, and read out as Chinese digits ("一五八 二二三四 五六七八"). A run of
digit-like characters (separators allowed between them) is read as one number:
11 digits starting 13–19 (after an optional 86 prefix) is a phone, 15 or more digits
(an 18-character ID ends in a digit or X) is an ID. Shorter runs — amounts, dates,
case numbers — are left as they are.
"""

from __future__ import annotations

import re

# Digits as typed: ASCII, full-width, Chinese digit characters (幺 is "one" read out in phone numbers).
_DIGIT_VALUES = {
    **{str(d): str(d) for d in range(10)},
    **{chr(0xFF10 + d): str(d) for d in range(10)},
    **dict(zip("零〇一二三四五六七八九", "0012345678" + "9", strict=True)),
    "幺": "1",
}
_DIGIT = "[0-9０-９零〇一二三四五六七八九幺]"
_SEP = r"[ \u3000\-－—–‐.·・]"
# One number: digits with at most two separators between neighbours, an optional final X.
_RUN = re.compile(
    rf"(?<![0-9０-９])(?:[+＋]\s*)?{_DIGIT}(?:{_SEP}{{0,2}}{_DIGIT})*(?:{_SEP}?[XxＸｘ])?(?![0-9０-９])"
)


def mask_id(id_number: str) -> str:
    """``430102199001011234`` → ``4301**********1234``."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(phone) != 11:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def digits_of(text: str) -> str:
    """The digits of a number however it was typed (X kept as the ID's check character)."""
    out = []
    for char in text:
        if char in _DIGIT_VALUES:
            out.append(_DIGIT_VALUES[char])
        elif char in "XxＸｘ":
            out.append("X")
    return "".join(out)


def _masked(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = digits_of(run)
    if digits.count("X") > 1 or ("X" in digits and not digits.endswith("X")):
        return run
    if (
        not any((c.isascii() and c.isdigit()) or "０" <= c <= "９" for c in run)
        and len(digits) < 11
    ):
        return run  # Chinese numerals in ordinary text ("一二三")
    phone = digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
    phone = phone[2:] if len(phone) == 13 and phone.startswith("00") else phone
    if len(digits) == 15 and digits.startswith("0086"):
        phone = digits[4:]
    if len(phone) == 11 and phone[0] == "1" and phone[1] in "3456789" and "X" not in phone:
        return mask_phone(phone)
    if len(digits) >= 15:
        return mask_id(digits)
    return run


def mask_text(text: str) -> str:
    """The text with every 身份证号 and mobile number in it masked."""
    return _RUN.sub(_masked, text)
