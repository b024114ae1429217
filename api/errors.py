"""Turning backend errors into HTTP answers with their Chinese message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, status

from backend.errors import BackendError, InvalidInput, InvalidTransition, NotFound
from services.access import NotAllowed


@contextmanager
def http_errors() -> Iterator[None]:
    try:
        yield
    except NotAllowed as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, exc.message) from exc
    except NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, exc.message) from exc
    except InvalidTransition as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, exc.message) from exc
    except InvalidInput as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.message) from exc
    except BackendError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, exc.message) from exc
