from tests.backend.conftest import database_url, pg_database  # noqa: F401 - fixtures
