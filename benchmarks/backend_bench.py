"""Case backend benchmark on PostgreSQL.

Creates a scratch database on the server, migrates it, then measures:

* 1,000,000 cases (bulk ``INSERT … SELECT generate_series``) and the staff list
  filtered as staff use it — target p50 ≤ 50 ms;
* importing a roster file of 100,000 recipients (CSV) — target ≤ 60 s;
* the missing-check-in query for a quarter — target ≤ 500 ms.

Usage: python benchmarks/backend_bench.py [--url postgresql://postgres@127.0.0.1:5432/test]
       [--cases 1000000] [--recipients 100000] [--keep]
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import psycopg

from backend.clock import utcnow
from backend.service import Backend
from base.settings import Settings
from nlu.validators import id_check_char

TOWNSHIPS = [f"第{i}镇" for i in range(1, 21)]

CASES_SQL = """
INSERT INTO residents (name, id_hash, id_enc, id_masked, phone, created_at)
SELECT '居民' || g, md5('resident' || g), 'bench', '4309**********' || lpad((g %% 10000)::text, 4, '0'),
       NULL, now()
FROM generate_series(1, %(residents)s) AS g;

INSERT INTO cases (case_no, kind, programs, channel, township, village, priority, summary, status,
                   chat_channel, chat_sender, resident_id, household, screening, created_at,
                   updated_at, stage_at, accepted_at, extended, due_date)
SELECT 'JZ' || to_char(t.ts, 'YYYYMMDD') || '-' || lpad(t.g::text, 7, '0'),
       t.kind, '["dibao"]'::json,
       (ARRAY['网上办','掌上办','电话办','口述办'])[1 + t.h %% 4],
       (ARRAY[%(townships)s])[1 + (t.h / 7) %% 20],
       '村' || (t.h %% 13), CASE WHEN t.kind = 'urgent' THEN 'urgent' ELSE 'normal' END, '',
       CASE WHEN t.kind = 'application'
            THEN (ARRAY['submitted','accepted','investigating','reviewing','publicizing',
                        'approved','approved','rejected','withdrawn','approved'])[1 + (t.h / 3) %% 10]
            ELSE (ARRAY['open','in_progress','closed','closed'])[1 + (t.h / 3) %% 4] END,
       'telegram', (t.h %% 100000)::text, 1 + t.g %% %(residents)s, NULL, NULL,
       t.ts, t.ts, t.ts, NULL, false, NULL
FROM (
    SELECT g, now() - ((%(cases)s - g) * interval '1 minute') AS ts,
           ((g::bigint * 2654435761) %% 4294967296) AS h,
           (ARRAY['application','application','application','application','application',
                  'application','urgent','feedback','handoff','change_report'])
               [1 + ((g::bigint * 40503) %% 65536) %% 10] AS kind
    FROM generate_series(1, %(cases)s) AS g
) AS t;
ANALYZE residents;
ANALYZE cases;
"""


def timed(action: Callable[[], Any], runs: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds over ``runs`` calls (after one warm-up)."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def roster_csv(count: int) -> bytes:
    lines = ["姓名,身份证号,手机号,项目,乡镇街道,村社区"]
    base = date(1940, 1, 1)
    for i in range(count):
        born = base + timedelta(days=i // 900)
        first17 = f"430902{born:%Y%m%d}{i % 900 + 100:03d}"
        id_number = first17 + id_check_char(first17)
        program = "低保" if i % 3 else "特困"
        lines.append(f"居民{i},{id_number},139{i:08d},{program},{TOWNSHIPS[i % 20]},村{i % 13}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args(argv)

    name = f"jiuzhu_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = args.url.rsplit("/", 1)[0] + f"/{name}"
    backend = Backend(Settings(database_url=url, secret_key="benchmark-secret"))
    failures: list[str] = []
    try:
        backend.migrate()
        print(f"database {name} migrated")

        start = time.perf_counter()
        townships = ",".join(f"'{t}'" for t in TOWNSHIPS)
        sql = CASES_SQL % {
            "cases": args.cases,
            "residents": max(1, args.cases // 5),
            "townships": townships,
        }
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql)
        print(f"inserted {args.cases:,} cases in {time.perf_counter() - start:.1f} s")

        week_ago = utcnow() - timedelta(days=7)
        queries: dict[str, Callable[[], Any]] = {
            "newest 50 (admin)": lambda: backend.list_cases(),
            "status=submitted kind=application": lambda: backend.list_cases(
                status="submitted", kind="application"
            ),
            "kind=urgent": lambda: backend.list_cases(kind="urgent"),
            "caseworker region + status=submitted": lambda: backend.list_cases(
                township=TOWNSHIPS[3], status="submitted"
            ),
            "caseworker region, newest": lambda: backend.list_cases(township=TOWNSHIPS[7]),
            "since 7 days": lambda: backend.list_cases(since=week_ago),
            "status=approved page 11": lambda: backend.list_cases(status="approved", offset=500),
        }
        medians = []
        for label, query in queries.items():
            rows = len(query())
            p50, p95 = timed(query, args.runs)
            medians.append(p50)
            print(f"  list {label:<40} {rows:3d} rows  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
        worst = max(medians)
        print(f"filtered list p50 (worst filter): {worst:.1f} ms (target ≤ 50 ms)")
        if worst > 50:
            failures.append("filtered list")

        data = roster_csv(args.recipients)
        start = time.perf_counter()
        result = backend.import_recipients(data, "roster.csv")
        took = time.perf_counter() - start
        print(
            f"import {args.recipients:,} recipients: {took:.1f} s (target ≤ 60 s); "
            f"imported {result.imported:,}, errors {len(result.errors)}"
        )
        if took > 60 or result.imported != args.recipients or result.errors:
            failures.append("import")
        start = time.perf_counter()
        again = backend.import_recipients(data, "roster.csv")
        print(
            f"re-import of the same file: {time.perf_counter() - start:.1f} s; "
            f"imported {again.imported}, updated {again.updated}"
        )

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO checkins (quarter, answers, changes, recipient_id, channel, at) "
                "SELECT '2026Q4', '{}'::json, '[]'::json, id, '掌上办', now() "
                "FROM recipients WHERE id % 10 < 7"
            )
            # what autovacuum does on a live server after a bulk load
            conn.execute("VACUUM ANALYZE checkins")
            conn.execute("VACUUM ANALYZE recipients")
        page = backend.missing_checkins("2026Q4")
        p50, p95 = timed(lambda: backend.missing_checkins("2026Q4"), 10)
        print(
            f"missing check-ins 2026Q4 (count + first 1000 of {page.total:,}): "
            f"p50 {p50:.1f} ms  p95 {p95:.1f} ms (target ≤ 500 ms)"
        )
        full50, _ = timed(lambda: backend.missing_checkins("2026Q4", limit=args.recipients), 5)
        print(f"missing check-ins, the whole list in one answer: p50 {full50:.1f} ms")
        if p50 > 500:
            failures.append("missing check-ins")
    finally:
        backend.close()
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print("all targets met" if not failures else f"targets missed: {', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
