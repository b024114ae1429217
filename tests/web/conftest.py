from __future__ import annotations

import csv
import io

from backend.service import Backend
from nlu.validators import id_check_char

RECIPIENT_HEADER = ["姓名", "身份证号", "手机号", "项目", "乡镇街道", "村社区"]


def valid_id(prefix17: str) -> str:
    return prefix17 + id_check_char(prefix17)


def import_roster(backend: Backend, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(RECIPIENT_HEADER)
    writer.writerows(rows)
    result = backend.import_recipients(buffer.getvalue().encode(), "roster.csv")
    assert not result.errors, result.errors
