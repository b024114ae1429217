"""Make any incoming text safe to handle: no control or zero-width characters, bounded length."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000  # longer messages are cut; the user is told

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str | None) -> tuple[str, bool]:
    """Return the cleaned text and whether it had to be shortened."""
    if not text:
        return "", False
    text = _INVISIBLE.sub("", text)
    # Drop control characters (category C*) but keep ordinary whitespace as a space.
    text = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or not unicodedata.category(ch).startswith("C")
    )
    text = _SPACES.sub(" ", text).strip()
    if len(text) > MAX_CHARS:
        return text[:MAX_CHARS], True
    return text, False
