"""Real ``jiuzhu serve`` processes for tests: free ports, bounded waits, clean stops."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

START_SECONDS = 90.0  # a cold start loads the NLU model and migrates: slow on a busy machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, seconds: float = START_SECONDS) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"serve exited with {self.process.returncode}:\n{self.output()}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"serve did not answer /health in {seconds:.0f}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_serve(
    directory: Path, env: dict[str, str], *args: str, port: int | None = None
) -> Server:
    """``python -m bot.cli serve`` in ``directory`` with only the given ``JIUZHU_`` settings."""
    port = port or free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    log = directory / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), *args],
            cwd=directory,
            env={**clean, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(process, port, log)


@contextmanager
def serving(directory: Path, env: dict[str, str], *args: str) -> Iterator[Server]:
    server = start_serve(directory, env, *args)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@contextmanager
def fresh_postgres(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (``jiuzhu serve`` migrates it), dropped after."""
    name = f"jiuzhu_test_{uuid.uuid4().hex[:10]}"
    admin = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
