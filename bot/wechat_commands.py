"""``jiuzhu wechat menu``: create the 公众号's custom menu from ``channels/wechat/menu.yml``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from channels.texts import channel_text


def register(subparsers: Any) -> None:
    say = channel_text
    command = subparsers.add_parser("wechat", help=say("wechat.cli_help"))
    actions = command.add_subparsers(dest="wechat_action", required=True, metavar="ACTION")
    menu = actions.add_parser("menu", help=say("wechat.cli_menu_help"))
    menu.set_defaults(handler=_menu)


def _menu(_: argparse.Namespace) -> int:
    from base.settings import Settings

    return create_menu(Settings())


def create_menu(settings: Any) -> int:
    from wechatpy.exceptions import WeChatClientException

    from backend.db import Database, migrate_engine
    from channels.wechat.api import WeChatAPI
    from channels.wechat.render import load_menu

    say = channel_text
    if not (settings.wechat_appid and settings.wechat_secret):
        print(say("wechat.cli_not_configured"), file=sys.stderr)
        return 2
    settings.ensure_var_dir()
    database = Database(settings.database_url)
    try:
        migrate_engine(database.engine)  # the access token is kept in the database
        menu = load_menu()
        try:
            WeChatAPI(settings, database).menu.create(menu)
        except WeChatClientException as exc:
            print(say("wechat.cli_failed", error=f"{exc.errcode} {exc.errmsg}"), file=sys.stderr)
            return 1
    finally:
        database.dispose()
    print(say("wechat.cli_menu_done", names=[button["name"] for button in menu["button"]]))
    return 0
