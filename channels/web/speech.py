"""Replies read aloud ("朗读") with offline speech: Debian's ``espeak-ng``.

The voice is ``cmn-latn-pinyin``: espeak-ng 1.51's plain ``cmn`` voice turns the
characters into pinyin with tone numbers and then reads that pinyin with English rules
("nin2 de5 …" comes out as English syllables), while ``cmn-latn-pinyin`` reads the same
pinyin as Mandarin. Without espeak-ng (or that voice) the page shows text only.
"""

from __future__ import annotations

import array
import io
import logging
import re
import shutil
import struct
import subprocess
import sys
import wave
from functools import cached_property

import anyio

log = logging.getLogger(__name__)

VOICE = "cmn-latn-pinyin"
MAX_CHARS = 600  # one reply; longer text is cut at this length
TIMEOUT = 20.0  # seconds for one synthesis
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]")


def speakable(text: str) -> str:
    """The text as espeak-ng should read it: no emoji, no markup characters, short."""
    text = _EMOJI.sub("", text)
    text = re.sub(r"[*_#`>|]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_CHARS]


def fix_wav_sizes(data: bytes) -> bytes:
    """espeak-ng writes a streaming header (sizes 0x7ffff…); put the real sizes in, so
    every browser knows the length of the sound."""
    at = data.find(b"data", 12)
    if not data.startswith(b"RIFF") or at < 0:
        return data
    fixed = bytearray(data)
    struct.pack_into("<I", fixed, 4, len(data) - 8)
    struct.pack_into("<I", fixed, at + 4, len(data) - at - 8)
    return bytes(fixed)


def halve_rate(data: bytes) -> bytes:
    """The WAV at half its sample rate (pairs of samples averaged): espeak-ng's 22 kHz
    is more than its voice needs, and a phone on mobile data downloads half as much."""
    with wave.open(io.BytesIO(data)) as source:
        if source.getsampwidth() != 2 or source.getnchannels() != 1:
            return data
        rate = source.getframerate()
        samples = array.array("h", source.readframes(source.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    halved = array.array(
        "h", ((a + b) // 2 for a, b in zip(samples[::2], samples[1::2], strict=False))
    )
    if sys.byteorder == "big":
        halved.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(rate // 2)
        target.writeframes(halved.tobytes())
    return out.getvalue()


class Speech:
    def __init__(self, program: str | None = None, voice: str = VOICE) -> None:
        self.program = program if program is not None else shutil.which("espeak-ng")
        self.voice = voice
        self._limiter = anyio.CapacityLimiter(2)  # synthesis is CPU work: two at a time

    @cached_property
    def available(self) -> bool:
        """espeak-ng is installed and has the Mandarin pinyin voice."""
        if not self.program:
            return False
        try:
            listing = subprocess.run(
                [self.program, "--voices=cmn"], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("espeak-ng did not answer: %s", exc)
            return False
        voices = {line.split()[1] for line in listing.stdout.splitlines()[1:] if line.split()}
        if self.voice not in voices:
            log.warning("espeak-ng has no %s voice; replies are shown as text only", self.voice)
            return False
        return True

    def synthesize(self, text: str) -> bytes:
        """A WAV file of ``text`` read aloud (raises ``RuntimeError`` when it fails)."""
        if not self.available or not self.program:
            raise RuntimeError("speech is not installed")
        words = speakable(text)
        if not words:
            raise ValueError("nothing to read")
        try:
            result = subprocess.run(
                [self.program, "-v", self.voice, "-s", "150", "--stdout", words],
                capture_output=True,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise RuntimeError(f"espeak-ng failed: {exc}") from exc
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise RuntimeError(f"espeak-ng failed: {result.stderr[:200]!r}")
        return halve_rate(fix_wav_sizes(result.stdout))

    async def wav(self, text: str) -> bytes:
        async with self._limiter:
            return await anyio.to_thread.run_sync(self.synthesize, text)
