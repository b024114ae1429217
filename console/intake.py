"""口述办: a staff member pastes what a resident said; the NLU's facts come back as an
editable form; the 告知承诺 and 授权 texts are read out and ticked; confirming files the
application through the same use-case as the chat intake (``services.intake``), which
also applies the region rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response, status

from backend.errors import BackendError
from backend.programs import program_name
from console.deps import FormSessionDep, SessionDep, StateDep, region_of
from console.intake_form import CheckedFacts, check, from_form
from console.labels import labels
from console.places import region_places
from console.security import ConsoleSession
from console.state import ConsoleState
from console.web import PREFIX, ConsoleRoute, page_context, redirect, render
from services.applications import ApplicationOutcome
from services.consents import APPLICATION_CONSENTS, application_consents
from services.intake import field_labels, required_fields

router = APIRouter(route_class=ConsoleRoute)

MAX_ACCOUNT = 5000


def consent_texts() -> list[dict[str, Any]]:
    """The texts to read out, as the form shows them (id, version, title, text)."""
    return [vars(item) for item in application_consents()]


def _choices(state: ConsoleState) -> dict[str, Any]:
    from policies.catalog import load_catalog

    return {
        "programs": {pid: program_name(pid) for pid in load_catalog().programs},
        "conditions": dict(labels()["conditions"]),
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
    facts = state.services.intake.extract(account)
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
    intake = state.services.intake
    agreed = [name for name in APPLICATION_CONSENTS if form.get(f"consent_{name}") == "yes"]
    ticked = len(agreed) == len(APPLICATION_CONSENTS)
    if not checked.ok or not ticked:
        return _form_page(request, state, session, checked, account, 422, not ticked)
    try:
        outcome = await state.services.run(intake.record, session.staff, checked.facts, agreed)
    except BackendError as exc:
        checked.problems["_form"] = exc.message
        return _form_page(request, state, session, checked, account, 422)
    if outcome.result == "outside_region":
        checked.problems["township"] = f"只能为本辖区（{outcome.region}）录入申请"
    elif outcome.result == "invalid_household":
        checked.problems["_form"] = f"家庭情况还有问题：{outcome.problem}"
    if outcome.result != "filed" or outcome.application is None:
        if outcome.check is not None:
            checked = CheckedFacts(checked.facts, outcome.check.missing, outcome.check.problems)
        missing = outcome.result == "missing_consents"
        return _form_page(request, state, session, checked, account, 422, missing)
    return _filed(session, outcome.application)


def _filed(session: ConsoleSession, application: ApplicationOutcome) -> Response:
    """Say what each program's case is, and show the first one."""
    held = application.of("already_recipient")
    if held:
        names = "、".join(program_name(p.program) for p in held)
        session.flash(f"此人已在名册中享受{names}，没有重复创建申请。", "error")
    for item in application.of("duplicate"):
        case_no = item.case.case_no if item.case else ""
        session.flash(f"此人已有未办结的申请 {case_no}，没有重复创建。", "error")
    for item in application.of("received"):
        case_no = item.case.case_no if item.case else ""
        session.flash(
            f"已登记 {case_no}：此身份证号已有记录，已标记为可能冲突，请先核实身份。", "error"
        )
    for item in application.of("created"):
        case_no = item.case.case_no if item.case else ""
        session.flash(f"已创建申请 {case_no}（口述办，录入人：{session.staff.name}）。")
    if not application.cases:
        return redirect(f"{PREFIX}/intake")
    return redirect(f"{PREFIX}/cases/{application.cases[0].case_no}")
