"""The action server: rasa-sdk's own endpoint with our actions registered.

``create_action_app(services)`` is ``rasa_sdk.endpoint.create_app`` over an
``ActionExecutor`` holding every action below — ``POST /webhook``, ``GET /health``
and ``GET /actions`` are rasa-sdk's. One guard is added in front of ``/webhook``: a
body that is not a well-formed action call for one of our actions answers ``400``
with rasa-sdk's error shape instead of reaching the executor (which would answer
``500``). Unknown action names still get rasa-sdk's own ``404``.

In front of everything but ``/health``: the ``token`` query parameter (Rasa's
``action_endpoint.token``) must match ``JIUZHU_ACTIONS_TOKEN`` when one is set, and
``jiuzhu actions`` refuses to listen beyond loopback without one. Bodies are capped
(``JIUZHU_ACTIONS_MAX_BODY``, 4 MB) on their declared length, and on what Sanic reads
(``REQUEST_MAX_SIZE``), and a deflate body (Rasa's ``COMPRESS_ACTION_SERVER_REQUEST``) is
inflated at most to that size (a 1 MB bomb no longer grows to gigabytes); any other
encoding is refused.
"""

from __future__ import annotations

import hmac
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


class BodyTooLarge(Exception):
    pass


def inflate(body: bytes, limit: int) -> bytes:
    """A deflate body inflated to at most ``limit`` bytes (``BodyTooLarge`` beyond)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit or inflater.unconsumed_tail:
        raise BodyTooLarge
    return out


def _action_call(request: Request, limit: int) -> dict[str, Any]:
    body = request.body
    if request.headers.get("Content-Encoding") == "deflate":
        body = inflate(body, limit)
    loaded: Any = json.loads(body)
    if not isinstance(loaded, dict):
        raise ValueError("the body is not a JSON object")
    return loaded


def _refusal(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message, "action_name": None}, status=status)


def create_action_app(services: Services) -> Sanic:
    executor = build_executor(services)
    app = create_app(executor)
    settings = services.settings
    limit = settings.actions_max_body
    token = settings.actions_token or None
    # Sanic answers 413 itself when the declared (or streamed) body is larger.
    app.config.REQUEST_MAX_SIZE = limit

    @app.on_request
    async def check_action_call(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        if token is not None:
            given = request.args.get("token") or ""
            if not hmac.compare_digest(given.encode(), token.encode()):
                return _refusal(401, "Missing or wrong token (action_endpoint.token)")
        declared = request.headers.get("Content-Length", "0").strip()
        if not declared.isdigit() or int(declared) > limit:
            return _refusal(413, f"The action call is larger than {limit} bytes")
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity", "deflate"):
            return _refusal(415, f"Content-Encoding {encoding} is not accepted")
        if request.path != "/webhook" or request.method != "POST":
            return None
        try:
            call = _action_call(request, limit)
        except BodyTooLarge:
            return _refusal(413, f"The action call is larger than {limit} bytes")
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


class UnsafeStart(Exception):
    """The action server would listen beyond loopback without a token."""


def check_start(settings: Any, host: str) -> str | None:
    """Refuse an open action server; the secret key's check (a warning or None)."""
    from base.settings import is_loopback

    if not settings.actions_token and not is_loopback(host):
        raise UnsafeStart(
            f"动作服务要在 {host} 上对外监听，必须先设置 JIUZHU_ACTIONS_TOKEN，"
            "并在 Rasa 的 endpoints.yml 里写 action_endpoint.token（相同的值）；"
            "或者只监听本机：--host 127.0.0.1。"
        )
    warning: str | None = settings.check_secret(host)
    return warning


def run(port: int = DEFAULT_PORT, host: str = "127.0.0.1") -> None:
    """Serve the action server in this process until stopped (Ctrl-C)."""
    from base.settings import Settings

    settings = Settings()
    warning = check_start(settings, host)
    if warning:
        log.warning(warning)
    settings.ensure_var_dir()
    from services.container import Services

    app = create_action_app(Services(settings))
    log.info("jiuzhu action server on http://%s:%d/webhook", host, port)
    app.run(host=host, port=port, single_process=True, access_log=False, motd=False)
