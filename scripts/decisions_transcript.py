"""A refusal and an approval as the applicant reads them, produced by running the code.

    .venv/bin/python scripts/decisions_transcript.py

Two applications are filed from REST chats (the backend's ``create_case``, as the apply
form does); a caseworker decides them over the staff API — previewed first, as the
console and Telegram do — and each applicant's next message over the REST channel
shows what they were told. The approval's 7 days of 公示 are moved back in the
database (the one step that is not the product's own). The README's "For staff"
section quotes this output; ``tests/backend/test_readme_transcript.py`` keeps it true.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from backend.clock import local_day, utcnow  # noqa: E402
from base.settings import Settings  # noqa: E402
from bot.app import create_app  # noqa: E402
from bot.runtime import Runtime  # noqa: E402

REFUSAL = {
    "to": "rejected",
    "reason": "户籍和居住地都不在长春镇，请向户籍所在地的乡镇（街道）申请",
    "note": "已电话联系其儿子",
}
APPROVAL_MESSAGE = "银行卡请到村委会登记"
FRONT_END = "transcript-front-end"


async def transcript(workdir: Path) -> str:
    settings = Settings(
        database_url=f"sqlite:///{workdir / 'transcript.db'}",
        redis_url=None,
        secret_key="transcript-only-secret",
        rest_secret=FRONT_END,  # the resident's own page or app: its senders are believed
    )
    runtime = Runtime(settings)
    lines: list[str] = []
    try:
        backend = runtime.backend
        _staff, token = backend.create_staff("周社工", "caseworker", "长春镇")
        staff = {"Authorization": f"Bearer {token}"}
        app = create_app(runtime=runtime)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jiuzhu") as http:

            def apply(sender: str, name: str, id_number: str) -> str:
                outcome = backend.create_case(
                    "application",
                    programs=["dibao"],
                    applicant={"name": name, "id_number": id_number, "phone": "13807371234"},
                    channel="网上办",
                    township="长春镇",
                    village="二港村",
                    chat_channel="rest",
                    chat_sender=sender,
                )
                assert outcome.case is not None
                return outcome.case.case_no

            async def decide(case_no: str, body: dict[str, object]) -> None:
                url = f"/api/cases/{case_no}/transitions"
                preview = await http.post(f"{url}/preview", json=body, headers=staff)
                assert preview.status_code == 200, preview.text
                done = await http.post(url, json=body, headers=staff)
                assert done.status_code == 200, done.text

            async def resident(sender: str, text: str, shown: bool = True) -> None:
                answer = await http.post(
                    "/webhooks/rest/webhook",
                    json={"sender": sender, "message": text},
                    headers={"X-Jiuzhu-Rest-Secret": FRONT_END},
                )
                if shown:
                    lines.append(f"> {text}")
                    lines.extend(item["text"] for item in answer.json())

            refused = apply("wang", "王建国", "430902195801011231")
            lines.append(
                f"（工作人员：不予受理，理由「{REFUSAL['reason']}」，内部备注不发给申请人）"
            )
            await decide(refused, REFUSAL)
            await resident("wang", "谢谢")

            approved = apply("li", "李秀英", "430902196001011238")
            for step in ("accepted", "investigating", "reviewing", "publicizing"):
                await decide(approved, {"to": step})
            await resident("li", "谢谢", shown=False)  # the notices of these steps, read
            with backend.db.session() as session:  # 7 full days of 公示 have passed
                case = backend.cases.get(session, approved)
                case.stage_at -= timedelta(days=8)
                session.add(case)
            month = f"{local_day(utcnow()):%Y-%m}"
            approval = {"programs": ["dibao"], "monthly_amount": 1172, "start_month": month}
            lines.append("")
            lines.append(f"（工作人员：公示满7天后批准低保，每月1172元，{month}起发放）")
            await decide(
                approved, {"to": "approved", "approval": approval, "message": APPROVAL_MESSAGE}
            )
            await resident("li", "谢谢")
            await resident("li", "签到")
    finally:
        await runtime.aclose()
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        print(asyncio.run(transcript(Path(workdir))))


if __name__ == "__main__":
    main()
