"""A name said again ("刚说了 吴春生", "前面讲了 彭桂生") is read as the name (replayK)."""

import pytest

from nlu.answers import read_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("刚说了 吴春生", "吴春生"),
        ("前面说了 彭桂生", "彭桂生"),
        ("剛說了 吳春生", "吳春生"),
        ("上面讲了 彭桂生", "彭桂生"),
        ("不是说了吗 我叫吴春生", "吴春生"),
        ("头先讲咗 黄丽珍", "黄丽珍"),
        ("吴春生 刚才说了", "吴春生"),
    ],
)
def test_name_said_again(text: str, name: str) -> None:
    assert read_name(text).value == name
