"""Fixtures of the use-case tests: every one runs on SQLite and on the real PostgreSQL
(the backend tests' fixtures), with ``Services`` around that backend."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from backend.models import OutboxMessage
from backend.routing import STAFF_SINKS
from backend.service import Backend
from services.container import Services
from tests.backend.conftest import (  # noqa: F401 - fixtures
    backend,
    backend_settings,
    database_url,
    pg_database,
    valid_id,
)

TOWNSHIP = "长春镇"
OTHER_TOWNSHIP = "沙头镇"


@pytest.fixture
def services(backend: Backend) -> Services:  # noqa: F811 - the fixture
    return Services.around(backend)


def household(size: int = 1, income: float = 300, age: int = 68) -> dict[str, Any]:
    from services.household import build_household

    values = {"household_size": size, "ages": [age] * size, "monthly_income": income}
    return build_household(values, "hunan-yiyang-ziyang")


def staff_rows(service: Backend) -> list[OutboxMessage]:
    with service.db.session() as session:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.sink.in_(STAFF_SINKS))  # type: ignore[attr-defined]
            .order_by(OutboxMessage.id)
        )
        return list(session.execute(query).scalars())


def import_roster(service: Backend, *rows: tuple[str, str, str, str, str, str]) -> None:
    lines = ["姓名,身份证号,手机号,项目,乡镇街道,村社区", *(",".join(row) for row in rows)]
    result = service.import_recipients(("\n".join(lines) + "\n").encode(), "roster.csv")
    assert not result.errors, result.errors
