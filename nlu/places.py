"""Township and village names of a region found in free text, typo-tolerant.

"金华坪" → 大码头街道 / 金花坪社区: exact names, names without their suffix
(街道, 镇, 乡, 社区, 村, …), and pinyin homophones of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from nlu.lexicon import Place, load_places
from nlu.lookup import PhraseMatcher
from nlu.normalize import Normalized, normalize

_SUFFIXES = ("街道办事处", "办事处", "居委会", "村委会", "街道", "社区", "镇", "乡", "村", "区")


@dataclass(frozen=True)
class PlaceMatch:
    township: str
    village: str | None
    start: int  # offsets into the text as given
    end: int
    fuzzy: bool

    @property
    def text(self) -> str:
        return self.township + (self.village or "")


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=8)
def _matcher(region_id: str) -> tuple[PhraseMatcher, tuple[Place, ...]]:
    places = load_places(region_id)
    phrases: list[tuple[str, str]] = []
    for index, place in enumerate(places):
        name = place.village or place.township
        for phrase in dict.fromkeys((name, _short(name))):
            phrases.append((phrase, str(index)))
    return PhraseMatcher(phrases, fuzzy_min=2), places


def match_place(text: str, region_id: str) -> PlaceMatch | None:
    """The best place named in ``text`` (a village wins over its township), or None."""
    return match_place_normalized(normalize(text), region_id)


def match_place_normalized(normalized: Normalized, region_id: str) -> PlaceMatch | None:
    """``match_place`` for text already normalised (offsets into its original)."""
    matcher, places = _matcher(region_id)
    if not places or not normalized.text:
        return None
    hits = matcher.find(normalized.text)
    if not hits:
        return None
    named_townships = {places[int(hit.value)].township for hit in hits}
    named_exactly = {
        places[int(hit.value)].township
        for hit in hits
        if not hit.fuzzy and places[int(hit.value)].village is None
    }

    def rank(hit: object) -> tuple[int, int, int, int]:
        place = places[int(hit.value)]  # type: ignore[attr-defined]
        # A misspelt village of a township named exactly ("新桥河镇紫微村") is as good as
        # exact: the township confirms it, and the village says more.
        confirmed = place.village is not None and place.township in named_exactly
        return (
            0 if hit.fuzzy and not confirmed else 1,  # type: ignore[attr-defined]
            1 if place.village else 0,
            1 if place.township in named_townships else 0,
            hit.end - hit.start,  # type: ignore[attr-defined]
        )

    best = max(hits, key=rank)
    if named_exactly and places[int(best.value)].township not in named_exactly:
        # "新桥河镇 白马山村" where 白马山村 is another township's: the township as
        # named is kept (staff of the wrong township would never see the case)
        best = max(
            (hit for hit in hits if places[int(hit.value)].township in named_exactly),
            key=rank,
        )
    place = places[int(best.value)]
    start, end = normalized.span(best.start, best.end)
    if place.village:  # widen the span to a township named just before the village
        for hit in hits:
            other = places[int(hit.value)]
            if other.village is None and other.township == place.township and hit.end <= best.start:
                start = normalized.span(hit.start, hit.end)[0]
    return PlaceMatch(place.township, place.village, start, end, best.fuzzy)
