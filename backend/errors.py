"""Errors the backend raises; each carries a message fit to show a person (Chinese)."""

from __future__ import annotations


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
