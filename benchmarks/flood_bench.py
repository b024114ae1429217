"""One resident cannot starve the others: a short question's latency while 30 clients
flood ``jiuzhu serve`` with 2,000-character messages.

Run: ``python benchmarks/flood_bench.py [--seconds 15] [--flooders 30]``.

A real ``jiuzhu serve`` (one worker, the embedded SQLite database, no Redis) is started
on a free port. Three rounds of ``--seconds`` each:

- ``alone``: the probe only — one short question (``低保标准是多少``) every 0.5 s from
  127.0.0.2, each from one of five senders in turn;
- ``one address``: the probe, plus ``--flooders`` clients on 127.0.0.1, each a sender of
  its own, sending 2,000 characters of varied Chinese text back to back (a new message as
  soon as the last answer, a 429 included, came back: they ignore ``Retry-After``);
- ``many addresses``: the same flood, each flooder from an address of its own
  (127.0.1.n), so only the per-sender limit and the long-message lane hold it.

Printed per round: the probe's p50 / p95 / max in ms and its statuses, and the flood's
answered (200) and refused (429) counts. Target: the probe's p50 ≤ 200 ms under flood,
and never a 5xx. The machine's load average is printed: the figures are only as quiet
as the machine was.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
URL_PATH = "/webhooks/rest/webhook"
PROBE_TEXT = "低保标准是多少"
WORDS = [
    "我家",
    "老人",
    "生病",
    "住院",
    "没有",
    "收入",
    "请问",
    "低保",
    "怎么",
    "申请",
    "特困",
    "供养",
    "医疗",
    "救助",
    "标准",
    "每个月",
    "能领",
    "多少",
    "钱",
    "孩子",
    "上学",
    "残疾",
    "房子",
    "漏雨",
    "打工",
    "受伤",
    "丈夫",
    "去世",
    "一个人",
    "种地",
    "欠债",
]
LONG_CHARS = 2000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def long_text(rng: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < LONG_CHARS:
        word = rng.choice(WORDS)
        parts.append(word)
        size += len(word)
    return "".join(parts)[:LONG_CHARS]


def start_server(directory: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    env.update(
        JIUZHU_DATABASE_URL=f"sqlite:///{directory / 'flood.db'}",
        PYTHONPATH=str(REPO),
    )
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
            cwd=directory,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace"))
        try:
            httpx.post(url + URL_PATH, json={"sender": "warm", "message": "你好"}, timeout=30)
            return process, url, log
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def client(url: str, address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=120)


async def probe(url: str, stop: float, round_name: str) -> tuple[list[float], dict[int, int]]:
    times: list[float] = []
    statuses: dict[int, int] = {}
    async with client(url, "127.0.0.2") as http:
        n = 0
        while time.monotonic() < stop:
            sender = f"probe-{round_name}-{n % 5}"
            started = time.perf_counter()
            answer = await http.post(URL_PATH, json={"sender": sender, "message": PROBE_TEXT})
            times.append((time.perf_counter() - started) * 1000)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
            n += 1
            await asyncio.sleep(0.5)
    return times, statuses


async def flooder(
    url: str, address: str, sender: str, stop: float, texts: list[str]
) -> dict[int, int]:
    statuses: dict[int, int] = {}
    n = 0
    async with client(url, address) as http:
        while time.monotonic() < stop:
            n += 1
            try:
                answer = await http.post(
                    URL_PATH, json={"sender": sender, "message": texts[n % len(texts)]}
                )
            except httpx.TransportError:
                statuses[0] = statuses.get(0, 0) + 1
                continue
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
    return statuses


async def flood(url: str, seconds: float, flooders: int, spread: bool, tag: str) -> dict[int, int]:
    rng = random.Random(7)
    texts = [long_text(rng) for _ in range(97)]  # made before: the clients cost little
    stop = time.monotonic() + seconds
    results = await asyncio.gather(
        *(
            flooder(
                url, f"127.0.1.{n + 1}" if spread else "127.0.0.1", f"flood-{tag}-{n}", stop, texts
            )
            for n in range(flooders)
        )
    )
    total: dict[int, int] = {}
    for counts in results:
        for status, count in counts.items():
            total[status] = total.get(status, 0) + count
    return total


def flood_process(
    url: str, seconds: float, flooders: int, spread: bool, tag: str, out: Any
) -> None:
    out.put(asyncio.run(flood(url, seconds, flooders, spread, tag)))


def one_round(url: str, name: str, seconds: float, flooders: int, spread: bool) -> None:
    """The flood in a process of its own (its clients do not slow the probe's)."""
    tag = f"{name.replace(' ', '-')}-{int(time.time())}"
    results: Any = multiprocessing.Queue()
    worker = multiprocessing.Process(
        target=flood_process, args=(url, seconds + 1, flooders, spread, tag, results)
    )
    if flooders:
        worker.start()
        time.sleep(1)  # the flood is under way
    times, statuses = asyncio.run(probe(url, time.monotonic() + seconds, tag))
    flood: dict[int, int] = results.get() if flooders else {}
    if flooders:
        worker.join()
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    print(
        f"{name:15s} probe p50 {statistics.median(times):7.0f} ms  p95 {p95:7.0f} ms"
        f"  max {max(times):7.0f} ms  n={len(times)} statuses={dict(sorted(statuses.items()))}"
        f"  | flood statuses={dict(sorted(flood.items()))}"
        f"  load={os.getloadavg()[0]:.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--flooders", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jiuzhu-flood-") as tmp:
        process, url, log = start_server(Path(tmp))
        try:
            one_round(url, "alone", args.seconds, 0, False)
            one_round(url, "one address", args.seconds, args.flooders, False)
            one_round(url, "many addresses", args.seconds, args.flooders, True)
            crashed = log.read_text(errors="replace").count("turn failed")
            print(f"turns that failed in the server: {crashed}")
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
