"""Errors the backend raises; each carries a message fit to show a person (Chinese)."""

from __future__ import annotations

from datetime import date


class BackendError(Exception):
    """Base class; ``message`` is meant for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BackendError):
    pass


class InvalidInput(BackendError):
    pass


class InvalidTransition(BackendError):
    pass


class TooEarly(InvalidTransition):
    """A step not possible yet (approval during 公示); ``possible_from`` says when."""

    def __init__(self, message: str, possible_from: date) -> None:
        super().__init__(message)
        self.possible_from = possible_from
