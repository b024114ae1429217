"""Proactive follow-up (政策找人): consent after a screening, withdrawal, and the
``jiuzhu followup rescreen`` command that screens kept households again.

The consent text is versioned (``followup.consent_version``); the version agreed to is
kept with the household. Nothing is kept without an explicit 同意.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from base.messages import BotReply, Button
from flows import reading
from flows.base import Flow, TurnContext, call
from flows.forms import AGREE, Choice, Form, Slot
from flows.texts import texts
from policies.catalog import load_catalog

if TYPE_CHECKING:
    from policies.screening import ProgramResult
    from services.container import Services

DECLINE = "refuse"


def _consent_choices() -> tuple[Choice, ...]:
    return (
        Choice(AGREE, texts()("followup.button_agree")),
        Choice(DECLINE, texts()("followup.button_decline")),
    )


def withdraw_button() -> Button:
    return Button(texts()("followup.button_withdraw"), "/followup_withdraw")


class FollowupConsentFlow(Form):
    name = "followup_consent"
    intents = ("followup_consent",)
    confirm = False
    slots = (
        Slot(
            "consent",
            "followup.consent",
            choices=_consent_choices(),
            read=reading.consent,
            consent=True,
            refused="followup.not_agreed",
            unclear="followup.consent_unclear",
        ),
    )

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        if not ctx.session.slots.get("household") or not ctx.session.slots.get("screening"):
            ctx.session.end_flow()
            screening = Button(ctx.texts("followup.button_screening"), "/self_screening")
            return [ctx.say("followup.need_screening", buttons=(screening,))]
        followup = ctx.services.followup
        if await call(ctx, followup.is_subscribed, ctx.message.channel, ctx.message.sender_id):
            ctx.session.end_flow()
            return [ctx.say("followup.already", buttons=(withdraw_button(),))]
        return await super().start(ctx)

    def opening_facts(self, ctx: TurnContext) -> dict[str, Any]:
        return {}

    async def submit(self, ctx: TurnContext, values: dict[str, Any]) -> list[BotReply]:
        if values["consent"] != AGREE:
            return [ctx.say("followup.declined")]
        screening: dict[str, Any] = ctx.session.slots["screening"]
        household: dict[str, Any] = ctx.session.slots["household"]
        await call(
            ctx,
            ctx.services.followup.subscribe,
            ctx.message.channel,
            ctx.message.sender_id,
            region=str(household.get("region") or ctx.services.region),
            household=household,
            statuses=dict(screening.get("programs", {})),
            consent_version=str(ctx.texts.raw("followup.consent_version")),
            screened_on=dt.date.fromisoformat(screening["date"]),
        )
        return [ctx.say("followup.subscribed", buttons=(withdraw_button(),))]


class FollowupWithdrawFlow(Flow):
    """「取消通知」: consent withdrawn, the kept household erased."""

    name = "followup_withdraw"
    intents = ("followup_withdraw",)
    # Typed at any time, even days later when the news arrives ("取消通知").
    prefixes = tuple(texts().raw("followup.withdraw_words"))

    async def start(self, ctx: TurnContext) -> list[BotReply]:
        ctx.session.end_flow()
        withdrawn = await call(
            ctx, ctx.services.followup.withdraw, ctx.message.channel, ctx.message.sender_id
        )
        return [ctx.say("followup.withdrawn" if withdrawn else "followup.not_subscribed")]


# -- re-screening ---------------------------------------------------------------------
def compose_message(newly: list[ProgramResult], today: dt.date) -> str:
    catalog = load_catalog()
    programs = [
        {"name": catalog.programs[p.program].short_name, "amount": p.monthly_amount} for p in newly
    ]
    return texts()("followup.news", programs=programs, today=today)


def rescreen_region(services: Services, region: str, today: dt.date) -> int:
    """Screen the kept households of ``region`` again; returns how many were told."""
    return services.followup.rescreen(region, today, compose_message)


def register(subparsers: Any) -> None:
    command = subparsers.add_parser("followup", help="政策找人：按新标准重新测算已授权的家庭")
    actions = command.add_subparsers(dest="followup_command", required=True, metavar="ACTION")
    again = actions.add_parser("rescreen", help="按当天的标准重新测算，给新可能符合的居民发消息")
    again.add_argument("--region", default=None, help="地区参数集（默认：JIUZHU_REGION）")
    again.add_argument(
        "--date", type=dt.date.fromisoformat, default=None, help="按哪天的标准（默认今天）"
    )
    again.set_defaults(handler=_rescreen_command)


def _rescreen_command(args: argparse.Namespace) -> int:
    from base.settings import Settings
    from services.container import Services

    settings = Settings()
    services = Services(settings)
    try:
        region = args.region or settings.region
        today = args.date or dt.date.today()
        told = rescreen_region(services, region, today)
    finally:
        services.close()
    print(texts()("followup.rescreened", date=today.isoformat(), region=region, told=told))
    return 0
