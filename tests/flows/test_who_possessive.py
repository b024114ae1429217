"""At 「重病的是哪一位」, the 我 of 我男人 / 我妈 says whose, not who (probeI H4)."""

from flows.screening import _named_members, _others_blanked
from nlu.finders.text import prepare


def test_the_we_of_my_husband_is_no_choice_of_the_applicant() -> None:
    text = prepare("2 我男人尿毒症 每个礼拜要透析").text
    assert "我" not in _others_blanked(text, "self")
    assert [m.relation for m in _named_members(text, "self")] == ["spouse"]


def test_the_applicant_said_alone_is_still_named() -> None:
    text = prepare("我和我男人都有病").text
    assert [m.relation for m in _named_members(text, "self")] == ["self", "spouse"]
