"""A private ``jieba.Tokenizer`` with the domain dictionary (no global jieba state).

jieba's prefix-dictionary cache goes to the system temp directory (or
``JIUZHU_JIEBA_CACHE_DIR``); its start-up chatter is silenced.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterable

import jieba

_lock = threading.Lock()


class DomainTokenizer:
    """Word segmentation for Chinese with domain words added to a private dictionary."""

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.tmp_dir = os.environ.get("JIUZHU_JIEBA_CACHE_DIR", tempfile.gettempdir())
        logger = logging.getLogger("jieba")
        with _lock:
            level = logger.level
            logger.setLevel(logging.WARNING)
            try:
                self._tokenizer.initialize()
            finally:
                logger.setLevel(level)
        for word in sorted(set(words)):
            if len(word) >= 2:
                self._tokenizer.add_word(word, freq=20000)

    def cut(self, text: str) -> list[str]:
        """Tokens without whitespace tokens (jieba's precise mode, HMM on)."""
        return [token for token in self._tokenizer.lcut(text) if not token.isspace()]
