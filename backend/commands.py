"""Sub-commands of the backend: ``jiuzhu staff add``, ``jiuzhu db migrate``,
``jiuzhu keys rotate``, ``jiuzhu sessions purge`` and ``jiuzhu outbox status|run``."""

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
    revoke = staff_commands.add_parser(
        "revoke", help="停用账号：令牌、工作台登录和绑定的聊天立即失效"
    )
    revoke.add_argument("staff_id", type=int, help="工作人员编号（jiuzhu staff list）")
    revoke.set_defaults(handler=_staff_revoke)
    listing = staff_commands.add_parser("list", help="列出工作人员账号")
    listing.set_defaults(handler=_staff_list)

    db = subparsers.add_parser("db", help="数据库")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    migrate = db_commands.add_parser("migrate", help="把数据库升级到最新结构")
    migrate.set_defaults(handler=_migrate)

    sessions = subparsers.add_parser("sessions", help="聊天会话")
    session_commands = sessions.add_subparsers(
        dest="sessions_command", required=True, metavar="ACTION"
    )
    purge = session_commands.add_parser(
        "purge", help="删除数据库里已过期的聊天会话（含填了一半的表单）"
    )
    purge.add_argument(
        "--older-than",
        type=float,
        metavar="DAYS",
        help="同时删除闲置超过这么多天的会话（默认只删已过期的）",
    )
    purge.set_defaults(handler=_sessions_purge)

    keys = subparsers.add_parser("keys", help="密钥")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = key_commands.add_parser(
        "rotate",
        help="用 JIUZHU_SECRET_KEY 重新加密 JIUZHU_OLD_SECRET_KEYS 加密的身份证号和手机号（请先停止服务）",
    )
    rotate.set_defaults(handler=_keys_rotate)

    outbox = subparsers.add_parser("outbox", help="通知发送队列")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    status = outbox_commands.add_parser("status", help="按渠道统计待发送、已发送和失败的通知")
    status.set_defaults(handler=_outbox_status)
    run = outbox_commands.add_parser(
        "run",
        help="发送工作人员通知：staff:webhook（带 Idempotency-Key）和 staff:log（服务器日志）",
    )
    run.add_argument(
        "--staff-webhook", help="staff:webhook 的地址（默认为 JIUZHU_STAFF_WEBHOOK_URL）"
    )
    run.add_argument(
        "--drain", action="store_true", help="发送完当前到期的通知就退出（不持续运行）"
    )
    run.set_defaults(handler=_outbox_run)


def _sessions_purge(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from backend.db import Database
    from backend.session_store import DatabaseSessionStore
    from base.settings import Settings

    settings = Settings()
    if settings.redis_url:
        days = settings.session_ttl_seconds / 86400
        print(
            f"会话保存在 Redis，闲置 {days:g} 天后自动过期（JIUZHU_SESSION_TTL_SECONDS），无需清理。"
        )
        return 0
    if args.older_than is not None and args.older_than < 0:
        print("错误：--older-than 不能是负数")
        return 2
    older = timedelta(days=args.older_than) if args.older_than is not None else None
    database = Database(settings.database_url)
    try:
        removed = DatabaseSessionStore(database, settings.session_ttl_seconds).purge(older)
    finally:
        database.dispose()
    print(f"已删除 {removed} 个聊天会话。")
    return 0


def _keys_rotate(args: argparse.Namespace) -> int:
    from backend.keys import rotate_keys
    from backend.service import Backend
    from base.settings import Settings

    backend = Backend(Settings())
    try:
        backend.migrate()
        done = rotate_keys(backend)
    finally:
        backend.close()
    print(
        f"已用当前密钥重新加密：申请人 {done.residents} 人，名册 {done.recipients} 人；"
        f"退订记录更新 {done.opt_outs} 条。"
    )
    if backend.settings.old_keys:
        print("工作人员令牌在旧密钥下仍然有效；重新发放令牌后即可删除 JIUZHU_OLD_SECRET_KEYS。")
    return 0


def _staff_add(args: argparse.Namespace) -> int:
    from backend.errors import InvalidInput
    from backend.service import Backend
    from base.settings import Settings

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


def _staff_revoke(args: argparse.Namespace) -> int:
    from backend.errors import NotFound
    from backend.service import Backend
    from base.settings import Settings

    backend = Backend(Settings())
    try:
        backend.migrate()
        staff = backend.revoke_staff(args.staff_id)
    except NotFound as exc:
        print(f"错误：{exc.message}")
        return 2
    finally:
        backend.close()
    print(f"已停用工作人员 #{staff.id} {staff.name}：令牌和工作台登录立即失效，聊天绑定已解除")
    return 0


def _staff_list(_: argparse.Namespace) -> int:
    from backend.service import Backend
    from base.settings import Settings

    backend = Backend(Settings())
    try:
        backend.migrate()
        rows = backend.list_staff()
    finally:
        backend.close()
    for staff in rows:
        state = "有效" if staff.active else "已停用"
        print(f"#{staff.id}\t{staff.name}\t{staff.role}\t{staff.region or '全部'}\t{state}")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from backend.db import migrate
    from base.settings import Settings

    migrate(Settings())
    print("数据库已是最新结构")
    return 0


def _outbox_status(_: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from backend.models import OutboxMessage
    from backend.service import Backend
    from base.settings import Settings

    backend = Backend(Settings())
    try:
        backend.migrate()
        with backend.db.session() as session:
            rows = session.execute(
                select(OutboxMessage.sink, OutboxMessage.status, func.count())
                .group_by(OutboxMessage.sink, OutboxMessage.status)
                .order_by(OutboxMessage.sink, OutboxMessage.status)
            ).all()
    finally:
        backend.close()
    if not rows:
        print("发送队列为空")
    for sink, state, count in rows:
        print(f"{sink}\t{state}\t{count}")
    return 0


def _outbox_run(args: argparse.Namespace) -> int:
    """Deliver the staff rows a process without a chat bot can deliver: ``staff:webhook``
    and ``staff:log`` (every other sink is a chat bot's, or waits in the inbox)."""
    import anyio

    from backend.routing import STAFF_LOG, STAFF_WEBHOOK
    from backend.service import Backend
    from backend.sinks import log_sink, webhook_sink
    from base.settings import Settings

    settings = Settings()
    url = args.staff_webhook or settings.staff_webhook_url
    backend = Backend(settings)
    backend.migrate()
    backend.register_sink(STAFF_LOG, log_sink)
    if url:
        backend.register_sink(STAFF_WEBHOOK, webhook_sink(url))
    dispatcher = backend.dispatcher()
    try:
        anyio.run(dispatcher.drain if args.drain else dispatcher.run)
    except KeyboardInterrupt:
        pass
    finally:
        backend.close()
    return 0
