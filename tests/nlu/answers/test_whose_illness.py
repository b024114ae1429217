"""A plain 我 denying an illness while the message gives an illness to another person
("脑溢血是老伴的 我没得重病") denies it of the speaker alone: 本人 is taken off, the
household is not emptied (replayK H6, I-H4)."""

import pytest

from nlu.facts import extract_facts


@pytest.mark.parametrize(
    "text",
    [
        "脑溢血是老伴的 我没得重病 就是腰不好",
        "我没病 是我男人尿毒症",
        "我冇得病 系我老公尿毒症",
        "我没得重病，老伴去年癌症走了",
    ],
)
def test_the_speaker_alone_is_cleared(text: str) -> None:
    facts = extract_facts(text)
    assert facts["cleared"]["ill"] == ["self"]
    assert facts.get("ill") != []  # no denial of the whole household


def test_a_denial_alone_still_speaks_for_the_household() -> None:
    assert extract_facts("我没有重病")["ill"] == []
