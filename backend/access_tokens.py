"""An API access token shared by every process (WeChat's ``access_token``).

WeChat allows about 2000 token fetches a day and a new token replaces the old one
(which stays valid for a few minutes), so processes must not each fetch their own:
the token lives in the database, and ``refresh`` fetches under a lock on its row, so
when several processes find it expired together, one fetches and the others use it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from backend.clock import utcnow
from backend.db import Database
from backend.models import AccessToken
from backend.sqlhelp import dialect_insert, is_postgres

MARGIN = timedelta(seconds=300)  # a token this close to its end is fetched again


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class TokenCache:
    def __init__(self, database: Database, name: str) -> None:
        self.database = database
        self.name = name

    def get(self) -> str | None:
        """The stored token while it is good for more than ``MARGIN``."""
        with self.database.session() as session:
            row = session.get(AccessToken, self.name)
            if row is None or not row.token:
                return None
            if _aware(row.expires_at) - MARGIN <= utcnow():
                return None
            return row.token

    def set(self, token: str, expires_in: int) -> None:
        now = utcnow()
        with self.database.session() as session:
            self._upsert(session, token, now + timedelta(seconds=expires_in), now)

    def refresh(self, fetch: Callable[[], tuple[str, int]], failed: str | None = None) -> str:
        """A fresh token: ``fetch()`` → (token, expires_in) runs under the row's lock,
        unless another process stored a good one meanwhile (one that is not ``failed``,
        the token the caller just saw refused)."""
        table = AccessToken.__table__  # type: ignore[attr-defined]
        with self.database.session() as session:
            # Make sure the row exists, then hold it (SQLite: the transaction's write lock).
            session.execute(
                dialect_insert(session, table)
                .values(name=self.name, token="", expires_at=utcnow(), fetched_at=utcnow())
                .on_conflict_do_nothing(index_elements=[table.c.name])
            )
            query = select(AccessToken).where(AccessToken.name == self.name)
            if is_postgres(session):
                query = query.with_for_update()
            row = session.execute(query).scalar_one()
            now = utcnow()
            if row.token and row.token != failed and _aware(row.expires_at) - MARGIN > now:
                return row.token
            token, expires_in = fetch()
            self._upsert(session, token, now + timedelta(seconds=expires_in), now)
            return token

    def _upsert(self, session: object, token: str, expires_at: datetime, now: datetime) -> None:
        table = AccessToken.__table__  # type: ignore[attr-defined]
        session.execute(  # type: ignore[attr-defined]
            dialect_insert(session, table)  # type: ignore[arg-type]
            .values(name=self.name, token=token, expires_at=expires_at, fetched_at=now)
            .on_conflict_do_update(
                index_elements=[table.c.name],
                set_={"token": token, "expires_at": expires_at, "fetched_at": now},
            )
        )

    def forget(self) -> None:
        with self.database.session() as session:
            session.execute(
                update(AccessToken).where(AccessToken.name == self.name).values(token="")
            )
