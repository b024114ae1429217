"""The use-case layer points one way: it knows no flow, channel, adapter or runtime, and
the console reaches the system through it, not through the flows."""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("base", "nlu", "policies", "backend", "services", "flows", "channels", "actions",
            "console", "api", "bot")  # fmt: skip


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, include_external_packages=False)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        *(
            ("services", other)
            for other in ("flows", "channels", "actions", "console", "api", "bot")
        ),
        ("console", "flows"),
    ],
)
def test_no_import_path(graph: grimp.ImportGraph, importer: str, imported: str) -> None:
    chains = graph.find_shortest_chains(importer=importer, imported=imported)
    assert not chains, f"{importer} imports {imported}: {sorted(chains)[:3]}"
