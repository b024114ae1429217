"""The places of the configured region the console offers to choose from."""

from __future__ import annotations

from typing import Any


def region_places(region_id: str) -> list[Any]:
    """The shipped townships (with their villages) of the configured region."""
    from policies.regions import UnknownRegionError, load_region

    try:
        return list(load_region(region_id).places)
    except UnknownRegionError:
        return []
