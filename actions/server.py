"""The action server: rasa-sdk's own endpoint with our actions registered.

``create_action_app(services)`` is ``rasa_sdk.endpoint.create_app`` over an
``ActionExecutor`` holding every action below — ``POST /webhook``, ``GET /health``
and ``GET /actions`` are rasa-sdk's. One guard is added in front of ``/webhook``: a
body that is not a well-formed action call for one of our actions answers ``400``
with rasa-sdk's error shape instead of reaching the executor (which would answer
``500``). Unknown action names still get rasa-sdk's own ``404``.
"""

from __future__ import annotations

import json
import logging
import zlib
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rasa_sdk import Action
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from actions.application import ActionSubmitApplication, ValidateApplicationForm
from actions.checkin import ActionCheckin, ValidateCheckinForm
from actions.handoff import ActionHandoff, ActionHandoffMessage
from actions.policy import ActionPolicyAnswer
from actions.screening import ActionScreening, ValidateScreeningForm
from actions.status import ActionApplicationStatus
from actions.urgent import ActionUrgentHelp, ValidateUrgentForm

if TYPE_CHECKING:
    from services.container import Services

log = logging.getLogger(__name__)

DEFAULT_PORT = 5055


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow")
    event: str


class _Tracker(BaseModel):
    model_config = ConfigDict(extra="allow")
    sender_id: str
    slots: dict[str, Any] = Field(default_factory=dict)
    latest_message: dict[str, Any] = Field(default_factory=dict)
    events: list[_Event] = Field(default_factory=list)
    active_loop: dict[str, Any] | None = None


class _ActionCall(BaseModel):
    """The parts of Rasa's action call the executor and our actions read."""

    model_config = ConfigDict(extra="allow")
    next_action: str
    tracker: _Tracker
    domain: dict[str, Any] | None = None
    version: str | None = None


def actions(services: Services) -> list[Action]:
    """Every action the server registers: the contract's, and the forms' ask actions."""
    application = ValidateApplicationForm(services)
    checkin = ValidateCheckinForm(services)
    urgent = ValidateUrgentForm(services)
    screening = ValidateScreeningForm(services)
    return [
        ActionPolicyAnswer(services),
        ActionScreening(services),
        screening,
        application,
        ActionSubmitApplication(services),
        ActionApplicationStatus(services),
        checkin,
        ActionCheckin(services),
        urgent,
        ActionUrgentHelp(services),
        ActionHandoff(services),
        ActionHandoffMessage(services),
        *application.ask_actions(),
        *checkin.ask_actions(),
        *urgent.ask_actions(),
        *screening.ask_actions(),
    ]


def build_executor(services: Services) -> ActionExecutor:
    executor = ActionExecutor()
    for action in actions(services):
        executor.register_action(action)
    return executor


def _bad_request(message: str, action_name: str | None = None) -> HTTPResponse:
    return response.json({"error": message, "action_name": action_name}, status=400)


def _action_call(request: Request) -> dict[str, Any]:
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        body = zlib.decompress(body)
    loaded: Any = json.loads(body)
    if not isinstance(loaded, dict):
        raise ValueError("the body is not a JSON object")
    return loaded


def create_action_app(services: Services) -> Sanic:
    executor = build_executor(services)
    app = create_app(executor)

    @app.on_request
    async def check_action_call(request: Request) -> HTTPResponse | None:
        if request.path != "/webhook" or request.method != "POST":
            return None
        try:
            call = _action_call(request)
        except (ValueError, zlib.error):
            return _bad_request("Invalid body request")
        name = call.get("next_action")
        if isinstance(name, str) and name not in executor.actions:
            return None  # rasa-sdk answers its own 404 for an unknown action
        try:
            _ActionCall.model_validate(call)
        except ValidationError as problem:
            first = problem.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            return _bad_request(f"Invalid action call: {where}: {first['msg']}", name)
        return None

    @app.after_server_stop
    async def close(_: Sanic) -> None:
        await services.aclose()

    return app


def run(port: int = DEFAULT_PORT, host: str = "0.0.0.0") -> None:
    """Serve the action server in this process until stopped (Ctrl-C)."""
    from base.settings import Settings

    settings = Settings()
    settings.ensure_var_dir()
    from services.container import Services

    app = create_action_app(Services(settings))
    log.info("jiuzhu action server on http://%s:%d/webhook", host, port)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
