"""The one FastAPI application served by ``jiuzhu serve``: channels, NLU, API, console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from base import threads
from base.settings import Settings
from bot.http_guard import HttpGuard
from bot.runtime import Runtime
from bot.texts import bot_text


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    from channels.telegram.webhook import webhook_mode

    runtime = runtime or Runtime(settings or Settings())
    # This process delivers the staff log and webhook, and the Telegram sinks only when
    # Telegram's updates come here (webhook mode); `jiuzhu telegram` delivers them else.
    runtime.register_sinks(runtime.server_sinks())
    schedules: list[Any] = []
    telegram = None
    if webhook_mode(runtime.settings):
        telegram = runtime.telegram_channel(polling=False)
        runtime.register_sinks(telegram.sinks())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The threads of this event loop's synchronous calls (JIUZHU_SERVE_THREADS).
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = runtime.settings.serve_threads
        threads.configure(runtime.settings.serve_threads)  # a turn's own calls (base.threads)
        # Notifications are delivered while serving.
        stop = anyio.Event()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(runtime.run_dispatcher, stop)
            for schedule in schedules:  # check-in reminders by WeChat and SMS
                tasks.start_soon(schedule, stop)
            try:
                yield
            finally:
                stop.set()
        await runtime.aclose()

    app = FastAPI(
        title="救助小助手 jiuzhu",
        description="社会救助对话助手：政策问答、智能研判、网上申请、进度查询、季度签到与工作人员接口。",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.add_middleware(HttpGuard)

    def openapi() -> dict[str, Any]:
        # The schema says what a 422 really is (``_invalid_request``), not FastAPI's own.
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema.setdefault("components", {}).setdefault("schemas", {})["HTTPValidationError"] = (
                VALIDATION_ERROR_SCHEMA
            )
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Chinese message first, the details for programs after it.
        return JSONResponse(
            status_code=422,
            content={"detail": bot_text("app.invalid_request"), "errors": _plain_errors(exc)},
        )

    from channels.rest import build_router as rest_router

    app.include_router(
        rest_router(runtime.assistant, runtime.message_limits, runtime.settings.rest_secret)
    )
    from channels.telegram.webhook import build_router as telegram_router

    reminders = [runtime.reminder_schedule().run] if telegram is not None else []
    app.include_router(telegram_router(runtime.settings, telegram, reminders))
    from channels.web import build_router as web_router
    from channels.web.inbox import BackendInbox

    app.include_router(
        web_router(
            runtime.assistant,
            runtime.settings.secret_key,
            BackendInbox(runtime.services),
            limits=runtime.message_limits,
            old_keys=runtime.settings.old_keys,
        )
    )
    from channels.sms.inbound import build_router as sms_inbound_router

    app.include_router(sms_inbound_router(runtime.services))
    if runtime.settings.wechat_token:
        from backend.routing import RESIDENT_WECHAT
        from channels.telegram.reminders import ReminderSchedule
        from channels.wechat.push import WeChatPusher, WeChatSink
        from channels.wechat.webhook import WeChatChannel

        wechat = WeChatChannel(runtime.assistant, runtime.services, runtime.wechat_api)
        app.include_router(wechat.router())
        app.state.wechat = wechat
        pusher = WeChatPusher(wechat, runtime.assistant.contacts)
        runtime.register_sinks({RESIDENT_WECHAT: WeChatSink(pusher, runtime.sms_sink.fallback)})
        if runtime.wechat_api is not None:
            schedules.append(ReminderSchedule(runtime.services, "wechat").run)
    if runtime.settings.sms_provider != "log":
        from channels.sms.reminders import SmsReminderSchedule

        schedules.append(SmsReminderSchedule(runtime.services).run)
    # Each package owns its routes; add them here, one line each.
    from api.nlu import build_router as nlu_router

    app.include_router(nlu_router(runtime.services))
    from api.policies import build_router as policies_router

    app.include_router(policies_router(runtime.services))
    from api import build_router as backend_router

    app.include_router(backend_router(runtime))
    from console import build_router as console_router

    app.include_router(console_router(runtime))
    from bot.health import build_router as health_router

    app.include_router(health_router(runtime))
    return app


def create_app_from_env() -> FastAPI:
    """The app factory of ``jiuzhu serve`` (``uvicorn --factory``): every worker process
    calls it and builds its own runtime from the environment's ``Settings``."""
    return create_app(Settings())


VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "HTTPValidationError",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        "errors": {
            "type": "array",
            "description": "每处不合格的地方（给程序看）",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}


def _plain_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors()
    ]
