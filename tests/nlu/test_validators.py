from __future__ import annotations

from nlu.validators import (
    id_check_char,
    id_number_problem,
    mask_id,
    mask_phone,
    phone_problem,
)

VALID_ID = "430902195803121231"


def test_check_character_follows_gb11643() -> None:
    # Worked example: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 → "10X98765432"
    assert id_check_char("11010519491231002") == "X"
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("11010519491231002x") is None
    assert id_number_problem(VALID_ID) is None


def test_id_problems_are_explained_in_chinese() -> None:
    assert "18位" in (id_number_problem("43090219580312123") or "")
    assert "校验" in (id_number_problem("430902195803121232") or "")
    assert "出生日期" in (id_number_problem("430902195813321234") or "")
    assert id_number_problem("43090219580312123A") is not None


def test_phone() -> None:
    assert phone_problem("13812345678") is None
    assert phone_problem("138 1234 5678") is None
    assert "11位" in (phone_problem("1381234567") or "")
    assert "13到19" in (phone_problem("12812345678") or "")
    assert phone_problem("1381234567a") is not None


def test_masks() -> None:
    assert mask_id("430102199001011234") == "4301**********1234"
    assert mask_phone("13812345678") == "138****5678"
