"""HTTP throughput of ``jiuzhu serve`` beside a bare FastAPI echo served the same way.

Run: ``python benchmarks/serve_bench.py [--duration 10] [--connections 32] [--repeat 2]``.

Needs ``wrk`` (Debian: ``apt-get update && apt-get install -y wrk``); without it the
script says so and exits 0. Redis (``JIUZHU_REDIS_URL``, default the local test server)
is needed for two workers; the keys use a prefix of this run and are removed after.

What is measured, each for ``--duration`` seconds after a 2-second warm-up, with
``wrk -t1 -c<connections>`` and a Lua script that varies the message (four idle-state
questions) and the sender (a pool of 997, so sessions carry a real history), each sender
from an address of its own in ``X-Forwarded-For`` (uvicorn believes it from 127.0.0.1, as
behind a reverse proxy; from one address the per-address rate limit would answer 429):

- ``POST /webhooks/rest/webhook`` (a whole REST turn: NLU, flow, session load/lock/save)
  and ``POST /model/parse``, on ``jiuzhu serve`` with 1 worker (sessions in the SQLite
  database, the embedded default), 1 worker on Redis, and 2 workers on Redis;
- the same two paths on an echo app (``create_echo_app``) that returns the very JSON
  the real server gave for each message, with the same uvicorn settings
  (``bot.commands.run_uvicorn``) and the same number of workers;
- before the rounds, the CPU one request costs in one process (``--turns`` requests
  straight into the same app, 32 at a time, no sockets: all threads, and the event
  loop's thread alone), the steadiest figure on a shared machine;
- the ratio real / echo for each, and two workers / one worker; plus the server's CPU
  time per request (all of its processes, from /proc) and the echo's CPU per request ÷
  the server's ("echo÷CPU"), which a busy machine disturbs less than the rates.

Targets: REST turn ≥ 0.35 of the echo with one worker, and two workers ≥ 1.7× one.
The machine's load average is printed with each figure: the rates are only as quiet as
the machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

MESSAGES = ["你好", "低保标准是多少", "特困供养要什么条件", "谢谢"]
SENDERS = 997  # prime: every sender meets every message in turn
ECHO_DATA = "JIUZHU_BENCH_ECHO_DATA"
ERROR_MARK = "turn failed"
PROBE_ADDRESS = "10.255.255.1"  # the replies' probe: an address wrk's senders never use


# --- the echo app (served in its own process by ``python serve_bench.py echo``) ---------


def create_echo_app() -> FastAPI:
    """A bare FastAPI app answering both paths with the JSON the real server gave."""
    data = json.loads(Path(os.environ[ECHO_DATA]).read_text(encoding="utf-8"))
    replies: dict[str, list[dict[str, Any]]] = data["rest"]
    parses: dict[str, Any] = data["parse"]
    app = FastAPI()

    @app.post("/webhooks/rest/webhook")
    async def webhook(request: Request) -> Any:
        body = json.loads(await request.body())
        sender = body["sender"]
        return [{**item, "recipient_id": sender} for item in replies[body["message"]]]

    @app.post("/model/parse")
    async def parse(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        return JSONResponse(parses[body["text"]])

    return app


# --- wrk ---------------------------------------------------------------------------------

LUA = """
local messages = {%(messages)s}
local senders = %(senders)d
local counter = 0
local thread_id = 0
function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
function init(args)
  counter = 0
end
request = function()
  counter = counter + 1
  local text = messages[(counter %% #messages) + 1]
  local who = counter %% senders
  local body
  if "%(kind)s" == "rest" then
    body = string.format('{"sender":"bench-%%d-%%d","message":"%%s"}', id or 0, who, text)
  else
    body = string.format('{"text":"%%s"}', text)
  end
  -- each sender from an address of its own, as behind a reverse proxy (uvicorn believes
  -- X-Forwarded-For from 127.0.0.1): one address would meet the per-address rate limit
  local address = string.format("10.%%d.%%d.%%d", id or 0, math.floor(who / 256), who %% 256)
  local headers = {["Content-Type"] = "application/json", ["X-Forwarded-For"] = address}
  return wrk.format("POST", "%(path)s", headers, body)
end
"""

PATHS = {"rest": "/webhooks/rest/webhook", "parse": "/model/parse"}


def lua_script(kind: str, directory: Path) -> Path:
    quoted = ", ".join(f'"{m}"' for m in MESSAGES)
    path = directory / f"{kind}.lua"
    path.write_text(
        LUA % {"messages": quoted, "senders": SENDERS, "kind": kind, "path": PATHS[kind]},
        encoding="utf-8",
    )
    return path


def run_wrk(url: str, script: Path, seconds: float, connections: int) -> dict[str, float]:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if found is None:
        raise RuntimeError(f"no rate in wrk's output:\n{out}")
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "rate": float(found.group(1)),
        "requests": float(total.group(1)) if total else 0.0,
        "non2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": float(sum(int(g) for g in errors.groups())) if errors else 0.0,
    }


# --- processes ---------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its living descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == current)
    return total


class Server:
    def __init__(self, command: list[str], env: dict[str, str], directory: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / f"server-{self.port}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)],
                cwd=directory,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait(self, path: str, seconds: float = 120) -> None:
        import httpx

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log.read_text(errors='replace')}")
            try:
                httpx.post(self.url + path, json={"text": "你好"}, timeout=5)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start in {seconds:.0f}s")

    def errors(self) -> int:
        return self.log.read_text(errors="replace").count(ERROR_MARK)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def replies_of(url: str) -> dict[str, Any]:
    """What the real server answers to each message (for the echo, and to check it)."""
    import httpx

    rest = {}
    parse = {}
    headers = {"X-Forwarded-For": PROBE_ADDRESS}
    for text in MESSAGES:
        answer = httpx.post(
            url + PATHS["rest"],
            json={"sender": "bench-probe", "message": text},
            headers=headers,
            timeout=30,
        )
        answer.raise_for_status()
        rest[text] = answer.json()
        parse[text] = httpx.post(
            url + PATHS["parse"], json={"text": text}, headers=headers, timeout=30
        ).json()
    return {"rest": rest, "parse": parse}


def measure(
    server: Server, scripts: dict[str, Path], seconds: float, connections: int
) -> dict[str, dict[str, float]]:
    results = {}
    for kind, script in scripts.items():
        run_wrk(server.url + PATHS[kind], script, 2, connections)  # warm-up
        load = os.getloadavg()[0]
        before = tree_cpu_seconds(server.process.pid)
        figures = run_wrk(server.url + PATHS[kind], script, seconds, connections)
        cpu = tree_cpu_seconds(server.process.pid) - before
        figures["cpu_ms"] = 1000 * cpu / figures["requests"] if figures["requests"] else 0.0
        figures["load"] = load
        results[kind] = figures
    return results


# --- CPU per turn in this process (``python serve_bench.py turns``) ------------------------


def _asgi_scope(path: str, body: bytes, address: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": (address, 40000),
        "server": ("127.0.0.1", 8000),
    }


async def _call(app: Any, path: str, body: bytes, address: str) -> int:
    """One request straight into the ASGI app (no sockets, no HTTP parsing)."""
    import asyncio

    sent, status = False, 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # the client never goes away
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(_asgi_scope(path, body, address), receive, send)
    return status


async def _turns(kind: str, count: int, concurrency: int) -> dict[str, float]:
    """CPU per request of ``count`` requests (``concurrency`` at a time) through the app
    ``jiuzhu serve`` serves, with its lifespan, the wrk script's messages and senders."""
    import asyncio

    from bot.app import create_app_from_env

    app = create_app_from_env()
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    started = asyncio.Event()

    async def life_send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()

    await events.put({"type": "lifespan.startup"})
    life = asyncio.create_task(app({"type": "lifespan"}, events.get, life_send))
    await started.wait()

    def request(n: int) -> tuple[bytes, str]:
        text, who = MESSAGES[n % len(MESSAGES)], n % SENDERS
        message = {"sender": f"bench-0-{who}", "message": text} if kind == "rest" else None
        body = json.dumps(message or {"text": text}, ensure_ascii=False).encode()
        return body, f"10.0.{who // 256}.{who % 256}"

    async def run(numbers: range) -> None:
        todo = iter(numbers)

        async def client() -> None:
            for n in todo:
                status = await _call(app, PATHS[kind], *request(n))
                if status != 200:
                    raise RuntimeError(f"{kind}: HTTP {status}")

        await asyncio.gather(*(client() for _ in range(concurrency)))

    await run(range(min(count, 400)))  # warm-up: models, connections, sessions
    cpu, main = time.process_time(), time.thread_time()
    await run(range(count))
    cpu, main = time.process_time() - cpu, time.thread_time() - main
    await events.put({"type": "lifespan.shutdown"})
    await life
    return {"cpu_ms": 1000 * cpu / count, "loop_ms": 1000 * main / count}


def turns_main(args: argparse.Namespace) -> int:
    import asyncio

    for kind in PATHS:
        figures = asyncio.run(_turns(kind, args.count, args.connections))
        print(json.dumps({"kind": kind, **figures, "load": os.getloadavg()[0]}), flush=True)
    return 0


def cpu_per_turn(args: argparse.Namespace, directory: Path, redis: str | None) -> None:
    """The CPU a request costs in one process (all threads; the event loop's thread
    alone), steadier on a busy machine than the rates: no HTTP, no sockets, no wrk."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    base_env["PYTHONPATH"] = str(REPO)
    setups = [("database", {"JIUZHU_DATABASE_URL": f"sqlite:///{directory / 'turns.db'}"})]
    if redis:
        prefix = f"jiuzhu-bench-{uuid.uuid4().hex[:8]}:"
        setups.append(
            ("redis", {**setups[0][1], "JIUZHU_REDIS_URL": redis, "JIUZHU_REDIS_PREFIX": prefix})
        )
    print(f"\nin one process ({args.turns} requests, {args.connections} at a time):")
    print(f"{'sessions':<10}{'path':<7}{'CPU ms/req':>12}{'loop ms':>9}{'load':>6}")
    for store, extra in setups:
        env = {**base_env, **extra}
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "turns",
            "--count",
            str(args.turns),
            "--connections",
            str(args.connections),
        ]
        from backend.db import migrate
        from base.settings import Settings

        migrate(Settings(database_url=extra["JIUZHU_DATABASE_URL"]))
        out = subprocess.run(command, env=env, cwd=directory, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        for line in out.stdout.splitlines():
            if line.startswith("{"):
                f = json.loads(line)
                print(
                    f"{store:<10}{f['kind']:<7}{f['cpu_ms']:>12.2f}{f['loop_ms']:>9.2f}"
                    f"{f['load']:>6.1f}"
                )
        if redis and store == "redis":
            clean_redis(redis, extra["JIUZHU_REDIS_PREFIX"])


# --- the run -----------------------------------------------------------------------------


def redis_url() -> str | None:
    url = os.environ.get("JIUZHU_REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        from backend.redis_store import SessionStoreUnavailable, check_redis

        check_redis(url)
    except SessionStoreUnavailable as exc:
        print(f"(no Redis: {exc} — two workers are skipped)")
        return None
    return url


def clean_redis(url: str, prefix: str) -> None:
    from redis import Redis

    client = Redis.from_url(url)
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
    finally:
        client.close()


def one_round(args: argparse.Namespace, directory: Path, redis: str | None) -> dict[str, Any]:
    scripts = {kind: lua_script(kind, directory) for kind in PATHS}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    base_env["JIUZHU_DATABASE_URL"] = f"sqlite:///{directory / 'bench.db'}"
    python = sys.executable
    serve = [python, "-m", "bot.cli", "serve"]
    echo = [python, str(Path(__file__).resolve()), "echo"]
    # Without Redis, sessions are kept in the case database (the embedded default).
    setups: list[tuple[str, int, dict[str, str]]] = [("database", 1, {})]
    prefix = f"jiuzhu-bench-{uuid.uuid4().hex[:8]}:"
    if redis:  # each its own keys (sessions and rate counters start empty for both)
        setups += [
            ("redis", n, {"JIUZHU_REDIS_URL": redis, "JIUZHU_REDIS_PREFIX": f"{prefix}{n}:"})
            for n in (1, 2)
        ]
    results: dict[str, Any] = {}
    data_file = directory / "echo.json"
    try:
        for store, workers, extra in setups:
            env = {**base_env, **extra, "PYTHONPATH": str(REPO)}
            server = Server([*serve, "--workers", str(workers)], env, directory)
            try:
                server.wait(PATHS["parse"])
                data = replies_of(server.url)
                data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                figures = measure(server, scripts, args.duration, args.connections)
                if replies_of(server.url) != data:
                    raise RuntimeError("the replies changed under load")
                figures["rest"]["turn_errors"] = server.errors()
            finally:
                server.stop()
            results[f"serve/{store}/{workers}"] = figures
            key = f"echo/{workers}"
            if key not in results:
                echo_env = {**env, ECHO_DATA: str(data_file)}
                server = Server([*echo, "--workers", str(workers)], echo_env, directory)
                try:
                    server.wait(PATHS["parse"])
                    if replies_of(server.url) != data:
                        raise RuntimeError("the echo does not answer what the server did")
                    results[key] = measure(server, scripts, args.duration, args.connections)
                finally:
                    server.stop()
    finally:
        if redis:
            clean_redis(redis, prefix)
    return results


def report(results: dict[str, Any], round_no: int) -> None:
    print(f"\nround {round_no}")
    print(
        f"{'server':<22}{'path':<7}{'req/s':>9}{'÷ echo':>8}{'CPU ms/req':>12}"
        f"{'echo÷CPU':>10}{'load':>6}  notes"
    )
    for name, figures in results.items():
        workers = name.rsplit("/", 1)[1]
        echo = results.get(f"echo/{workers}")
        for kind, f in figures.items():
            mine = echo and not name.startswith("echo")
            ratio = f["rate"] / echo[kind]["rate"] if mine else None
            # CPU per request of the echo ÷ this server's: the rate ratio a quiet machine
            # would give a server bound by its one core (less disturbed by other load).
            cpu_ratio = echo[kind]["cpu_ms"] / f["cpu_ms"] if mine and f["cpu_ms"] else None
            notes = []
            if f.get("non2xx"):
                notes.append(f"{int(f['non2xx'])} non-2xx")
            if f.get("socket_errors"):
                notes.append(f"{int(f['socket_errors'])} socket errors")
            if f.get("turn_errors"):
                notes.append(f"{int(f['turn_errors'])} failed turns")
            print(
                f"{name:<22}{kind:<7}{f['rate']:>9.0f}"
                f"{(f'{ratio:.2f}' if ratio is not None else '—'):>8}"
                f"{f['cpu_ms']:>12.2f}"
                f"{(f'{cpu_ratio:.2f}' if cpu_ratio is not None else '—'):>10}"
                f"{f['load']:>6.1f}  {', '.join(notes)}"
            )
    one, two = results.get("serve/redis/1"), results.get("serve/redis/2")
    if one and two:
        for kind in PATHS:
            scale = two[kind]["rate"] / one[kind]["rate"]
            print(f"two workers / one (Redis), {kind}: {scale:.2f}×")
        embedded = results["serve/database/1"]["rest"]["rate"]
        print(f"two workers (Redis) / one (database), rest: {two['rest']['rate'] / embedded:.2f}×")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode")
    echo = sub.add_parser("echo", help="(internal) serve the echo app")
    echo.add_argument("--port", type=int, required=True)
    echo.add_argument("--workers", type=int, default=1)
    turns = sub.add_parser("turns", help="(internal) CPU per request in this process")
    turns.add_argument("--count", type=int, default=2000)
    turns.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per figure")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="rounds (the machine is shared)")
    parser.add_argument(
        "--turns", type=int, default=2000, help="requests of the in-process CPU figure (0: none)"
    )
    args = parser.parse_args()
    if args.mode == "turns":
        return turns_main(args)
    if args.mode == "echo":
        from bot.commands import run_uvicorn

        run_uvicorn("serve_bench:create_echo_app", "127.0.0.1", args.port, args.workers)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is not installed; on Debian: apt-get update && apt-get install -y wrk")
        return 0
    print(
        f"cores: {os.cpu_count()}; {args.duration:.0f} s per figure; wrk -t1 -c{args.connections}"
    )
    redis = redis_url()
    if args.turns:
        with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-") as tmp:
            cpu_per_turn(args, Path(tmp), redis)
    for round_no in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-") as tmp:
            report(one_round(args, Path(tmp), redis), round_no)
    return 0


if __name__ == "__main__":
    sys.exit(main())
