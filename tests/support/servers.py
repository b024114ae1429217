"""Reach the real Redis and PostgreSQL servers of this machine.

A test that needs one may skip only where no server answers and ``CI`` is unset;
in CI a missing server is a failure, so a broken CI machine cannot pass green.
"""

from __future__ import annotations

import os
import socket

import pytest

REDIS_URL = os.environ.get("JIUZHU_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_HOST, POSTGRES_PORT = "127.0.0.1", 5432


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    if _answers(host, port):
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} on {host}:{port} does not answer, and CI needs it")
    pytest.skip(f"{name} on {host}:{port} does not answer (allowed outside CI only)")


def require_redis() -> str:
    require_server("Redis", "127.0.0.1", 6379)
    return REDIS_URL


def require_postgres() -> None:
    require_server("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
