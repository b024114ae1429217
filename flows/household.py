"""The household of domain.md from a form's answers: ``services.household`` builds it,
member by member (the application and 口述办 use-cases need it too); the flows keep
importing it from here."""

from __future__ import annotations

from services.household import (
    CONDITIONS,
    KIND_OF,
    KINDS,
    UNKNOWN,
    applicant_without_labour,
    base_members,
    build_household,
    fitting_members,
    has_range,
    is_range,
    members,
    minors_without_parents,
    needs_grade,
    needs_kind,
    place,
    placements,
    screen_values,
)

__all__ = [
    "CONDITIONS",
    "KINDS",
    "KIND_OF",
    "UNKNOWN",
    "applicant_without_labour",
    "base_members",
    "build_household",
    "fitting_members",
    "has_range",
    "is_range",
    "members",
    "minors_without_parents",
    "needs_grade",
    "needs_kind",
    "place",
    "placements",
    "screen_values",
]
