"""The texts an applicant agrees to before an application is filed (告知承诺, 核对授权).

Configuration of the application use-case (``services/consents.yml``): the chat reads
them out, the console shows them, and the case keeps which version was agreed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from base.datafiles import load_yaml

CONSENTS_FILE = Path(__file__).with_name("consents.yml")
# Both are needed for every application, whoever files it.
APPLICATION_CONSENTS: tuple[str, ...] = ("commitment", "authorisation")


@dataclass(frozen=True)
class ConsentText:
    id: str
    version: str
    title: str
    text: str


@lru_cache(maxsize=1)
def _all() -> dict[str, ConsentText]:
    data = load_yaml(CONSENTS_FILE)
    return {
        kind: ConsentText(str(item["id"]), str(item["version"]), item["title"], item["text"])
        for kind, item in data.items()
    }


def consent(kind: str) -> ConsentText:
    """The current wording of ``commitment`` or ``authorisation``."""
    return _all()[kind]


def application_consents() -> list[ConsentText]:
    return [consent(kind) for kind in APPLICATION_CONSENTS]
