"""Sub-commands of the backend: ``jiuzhu staff add`` and ``jiuzhu db migrate``."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    staff = subparsers.add_parser("staff", help="管理工作人员账号")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = staff_commands.add_parser("add", help="新建账号并打印一次性显示的访问令牌")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", required=True, choices=["admin", "caseworker"], help="角色")
    add.add_argument("--region", default="", help="辖区（乡镇街道）；经办人员必填")
    add.set_defaults(handler=_staff_add)

    db = subparsers.add_parser("db", help="数据库")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    migrate = db_commands.add_parser("migrate", help="把数据库升级到最新结构")
    migrate.set_defaults(handler=_migrate)


def _staff_add(args: argparse.Namespace) -> int:
    from backend.errors import InvalidInput
    from backend.service import Backend
    from bot.settings import Settings

    backend = Backend(Settings())
    try:
        backend.migrate()
        staff, token = backend.create_staff(args.name, args.role, args.region)
    except InvalidInput as exc:
        print(f"错误：{exc.message}")
        return 2
    finally:
        backend.close()
    print(
        f"已创建工作人员 #{staff.id} {staff.name}（{staff.role}，辖区：{staff.region or '全部'}）"
    )
    print(f"访问令牌（只显示这一次，请妥善保管）：{token}")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from backend.db import migrate
    from bot.settings import Settings

    migrate(Settings())
    print("数据库已是最新结构")
    return 0
