"""The NLU's word lists: program names (policy catalog + colloquial aliases), illnesses,
disability words, dialect, and a region's place names."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from base.datafiles import load_yaml

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lexicon:
    programs: tuple[tuple[str, str], ...]  # (phrase, program id)
    illnesses: tuple[str, ...]
    disability: tuple[str, ...]
    dialect: tuple[tuple[str, str], ...]  # (dialect word, standard word)
    short_fuzzy: tuple[str, ...] = ()  # two-character program names matched by pinyin too
    confusable: tuple[tuple[str, str], ...] = ()  # (typed by mistake, character meant)
    numeral_followers: str = ""  # what may follow "五包" read as 五保
    keywords: tuple[str, ...] = ()  # request words also recognised as homophones
    questions: tuple[str, ...] = ()  # what makes a clause a question

    def words(self) -> list[str]:
        """Every word for the tokenizer's dictionary."""
        words = [phrase for phrase, _ in self.programs]
        words += list(self.illnesses) + list(self.disability)
        words += [word for word, _ in self.dialect]
        return words


def _catalog_programs() -> list[tuple[str, str]]:
    """Names and synonyms from the policy catalog (empty when it cannot be loaded)."""
    try:
        from policies.catalog import load_catalog

        catalog = load_catalog()
    except Exception as exc:  # the NLU still works on its own aliases
        log.warning("policy catalog unavailable for NLU program names: %s", exc)
        return []
    phrases: list[tuple[str, str]] = []
    for program_id, program in catalog.programs.items():
        names = [getattr(program, "name", ""), getattr(program, "short_name", "")]
        names += list(getattr(program, "synonyms", ()) or ())
        phrases += [(str(name).strip(), str(program_id)) for name in names if name]
    return phrases


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    aliases = load_yaml(LEXICON_DIR / "program_aliases.yml") or {}
    programs = _catalog_programs()
    programs += [(phrase, pid) for pid, phrases in aliases.items() for phrase in phrases]
    seen: set[str] = set()
    unique: list[tuple[str, str]] = []
    for phrase, pid in programs:
        if phrase and phrase not in seen:
            seen.add(phrase)
            unique.append((phrase, pid))
    dialect = load_yaml(LEXICON_DIR / "dialect.yml") or {}
    fuzzy = load_yaml(LEXICON_DIR / "fuzzy.yml") or {}
    return Lexicon(
        programs=tuple(unique),
        illnesses=tuple(load_yaml(LEXICON_DIR / "illnesses.yml") or ()),
        disability=tuple(load_yaml(LEXICON_DIR / "disability.yml") or ()),
        dialect=tuple((str(k), str(v)) for k, v in dialect.items()),
        short_fuzzy=tuple(fuzzy.get("short_fuzzy", ())),
        confusable=tuple((str(k), str(v)) for k, v in (fuzzy.get("confusable") or {}).items()),
        numeral_followers=str(fuzzy.get("numeral_name_followers", "")),
        keywords=tuple(str(word) for word in load_yaml(LEXICON_DIR / "keywords.yml") or ()),
        questions=tuple(str(word) for word in load_yaml(LEXICON_DIR / "questions.yml") or ()),
    )


@dataclass(frozen=True)
class Place:
    township: str
    village: str | None  # None: the township itself


@lru_cache(maxsize=8)
def load_places(region_id: str) -> tuple[Place, ...]:
    """A region's townships and villages from the policy region file (empty if none)."""
    try:
        from policies.regions import load_region

        region = load_region(region_id)
    except Exception as exc:
        log.warning("region %s unavailable for NLU place names: %s", region_id, exc)
        return ()
    places: list[Place] = []
    for township in getattr(region, "places", ()) or ():
        name = str(getattr(township, "name", township))
        places.append(Place(name, None))
        for village in getattr(township, "villages", ()) or ():
            places.append(Place(name, str(getattr(village, "name", village))))
    return tuple(places)
