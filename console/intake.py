"""口述办: a staff member pastes what a resident said; the NLU's facts come back as an
editable form; the 告知承诺 and 授权 texts are read out and ticked; confirming creates
the application through the same service as the chat intake (``flows.intake``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response, status

from backend.errors import BackendError
from backend.programs import program_name
from console.deps import FormSessionDep, SessionDep, StateDep, region_of
from console.intake_form import CheckedFacts, check, from_form
from console.queries import region_places
from console.security import ConsoleSession
from console.state import ConsoleState
from console.web import PREFIX, ConsoleRoute, page_context, redirect, render
from flows.intake import extract_facts, field_labels, required_fields, submit_intake
from flows.texts import texts

router = APIRouter(route_class=ConsoleRoute)

MAX_ACCOUNT = 5000
CONSENTS = ("commitment", "authorisation")


def consent_texts() -> list[dict[str, Any]]:
    return [texts().raw(f"consents.{name}") for name in CONSENTS]


def _choices(state: ConsoleState) -> dict[str, Any]:
    from policies.catalog import load_catalog

    words = texts().raw("screening_words.words")
    return {
        "programs": {pid: program_name(pid) for pid in load_catalog().programs},
        "conditions": dict(words["condition_names"]),
        "places": region_places(state.region_id),
    }


def _form_page(
    request: Request,
    state: ConsoleState,
    session: ConsoleSession,
    checked: CheckedFacts,
    account: str,
    status_code: int = 200,
    consent_missing: bool = False,
) -> Response:
    context = page_context(
        session,
        "intake",
        account=account,
        checked=checked,
        facts=checked.facts,
        labels=field_labels(),
        required=required_fields(),
        consents=consent_texts(),
        consent_missing=consent_missing,
        **_choices(state),
    )
    return render(request, "intake_form.html", context, status_code)


NOT_A_PERSON = (
    "环境变量管理员令牌不对应具体的工作人员，无法记为录入人。请用个人的工作人员令牌登录后再录入"
    "（jiuzhu staff add 新建）。"
)


def _recorder(session: ConsoleSession) -> None:
    """口述办 records who typed the account in: a named staff account, not the env token."""
    if session.staff.id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, NOT_A_PERSON)


@router.get("/intake", summary="口述办：录入居民口述")
def intake_page(request: Request, session: SessionDep) -> Response:
    context = page_context(session, "intake", account="", not_a_person=session.staff.id is None)
    return render(request, "intake.html", context)


@router.post("/intake/extract", summary="口述办：提取要素")
def extract(
    request: Request,
    state: StateDep,
    session: FormSessionDep,
    account: Annotated[str, Form(max_length=MAX_ACCOUNT)] = "",
) -> Response:
    _recorder(session)
    account = account.strip()
    if not account:
        session.flash("请先粘贴或输入居民的口述内容。", "error")
        return redirect(f"{PREFIX}/intake")
    facts = extract_facts(account, state.region_id)
    region = region_of(session.staff)
    if region is not None and not facts.township:
        facts.township = region
    return _form_page(request, state, session, check(facts), account)


@router.post("/intake/submit", summary="口述办：确认并创建申请")
async def submit(request: Request, state: StateDep, session: FormSessionDep) -> Response:
    _recorder(session)
    form = await request.form()
    choices = _choices(state)
    checked = from_form(form, set(choices["programs"]), set(choices["conditions"]))
    account = str(form.get("account") or "")[:MAX_ACCOUNT]
    region = region_of(session.staff)
    if region is not None and checked.facts.township and checked.facts.township != region:
        checked.problems["township"] = f"只能为本辖区（{region}）录入申请"
    ticked = all(form.get(f"consent_{name}") == "yes" for name in CONSENTS)
    if not checked.ok or not ticked:
        return _form_page(request, state, session, checked, account, 422, not ticked)
    consents = [(str(c["id"]), str(c["version"])) for c in consent_texts()]
    try:
        outcome = await state.backend.run(
            submit_intake, state.backend, checked.facts, session.staff, consents, state.region_id
        )
    except BackendError as exc:
        checked.problems["_form"] = exc.message
        return _form_page(request, state, session, checked, account, 422)
    if outcome.case is None:
        names = "、".join(program_name(p) for p in outcome.already_recipient_programs)
        session.flash(f"此人已在名册中享受{names}，没有重复创建申请。", "error")
        return redirect(f"{PREFIX}/intake")
    if outcome.duplicate:
        session.flash(f"此人已有未办结的申请 {outcome.case.case_no}，没有重复创建。", "error")
    else:
        session.flash(
            f"已创建申请 {outcome.case.case_no}（口述办，录入人：{session.staff.name}）。"
        )
    return redirect(f"{PREFIX}/cases/{outcome.case.case_no}")
