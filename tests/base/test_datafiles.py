"""The one YAML loader: every data file loads, and a key written twice is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from base.datafiles import DataFileError, load_yaml_uncached

REPO = Path(__file__).resolve().parents[2]


def test_a_key_written_twice_names_the_file_and_the_key(tmp_path: Path) -> None:
    data = tmp_path / "labels.yml"
    data.write_text("actions:\n  note: 居民补充\n  note: 内部备注\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate key 'note'") as raised:
        load_yaml_uncached(data)
    assert str(data) in str(raised.value)


def test_the_same_key_in_two_mappings_and_merge_keys_are_fine(tmp_path: Path) -> None:
    data = tmp_path / "ok.yml"
    data.write_text(
        "base: &b {note: a}\none: {note: b}\ntwo:\n  <<: *b\n  other: c\n", encoding="utf-8"
    )
    loaded = load_yaml_uncached(data)
    assert loaded["one"] == {"note": "b"} and loaded["two"] == {"note": "a", "other": "c"}


def test_every_data_file_of_the_project_loads() -> None:
    files = [
        path
        for pattern in ("*.yml", "*.yaml")
        for path in REPO.rglob(pattern)
        if not {".venv", "var", ".git", "node_modules"} & set(path.relative_to(REPO).parts)
    ]
    assert len(files) > 50
    for path in files:
        load_yaml_uncached(path)  # raises DataFileError naming the file


def test_a_residents_correction_and_a_staff_note_have_their_own_labels() -> None:
    labels = load_yaml_uncached(REPO / "console" / "labels.yml")["actions"]
    assert labels["resident_note"] == "居民补充" and labels["note"] == "内部备注"
