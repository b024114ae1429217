"""Provisional keyword interpreter, replaced by the trained classifier (issue 4)."""

from __future__ import annotations

from bot.settings import Settings
from nlu.types import ParseResult

_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("human_handoff", ("人工", "真人")),
    ("help", ("帮助", "菜单", "能做什么")),
    ("greet", ("你好", "您好", "在吗")),
    ("thanks", ("谢谢", "多谢")),
    ("goodbye", ("再见", "拜拜")),
)


class KeywordInterpreter:
    def parse(self, text: str) -> ParseResult:
        for intent, words in _KEYWORDS:
            if any(word in text for word in words):
                return ParseResult(text=text, intent=intent, confidence=0.9, normalized=text)
        return ParseResult(text=text, intent="out_of_scope", confidence=0.3, normalized=text)


def load_interpreter(settings: Settings) -> KeywordInterpreter:
    return KeywordInterpreter()
