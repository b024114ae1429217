"""The household of domain.md from a form's answers: ``services.household`` builds it (the
application and 口述办 use-cases need it too); the flows keep importing it from here."""

from __future__ import annotations

from services.household import CONDITIONS, UNKNOWN, applicant_without_labour, build_household

__all__ = ["CONDITIONS", "UNKNOWN", "applicant_without_labour", "build_household"]
