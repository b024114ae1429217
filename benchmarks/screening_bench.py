"""Screening speed: 10,000 generated households through ``policies.screening.screen``.

Run: ``python benchmarks/screening_bench.py [--households N] [--seed S]``.
Each household is a plain dict, so the timing includes validation, as in the API.
Prints households per second and the p50/p99 of one screening; target ≥ 5,000/s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from policies.screening import screen

REGION = "hunan-yiyang-ziyang"
RELATIONS = ["spouse", "child", "parent", "grandchild", "sibling", "other"]
STUDENTS = [
    "none",
    "none",
    "none",
    "preschool",
    "compulsory",
    "senior_high",
    "vocational",
    "college",
]
EMPLOYMENT = ["employed", "unemployed", "farming", "retired", "none"]
KINDS = ["physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"]
EVENTS = ["none"] * 6 + ["accident", "disaster", "sudden_illness", "fire", "other"]


def member(rng: random.Random, relation: str) -> dict[str, Any]:
    disabled = rng.random() < 0.15
    return {
        "age": rng.randint(0, 95),
        "relation": relation,
        "disability_grade": rng.randint(1, 4) if disabled else None,
        "disability_kind": rng.choice(KINDS) if disabled else None,
        "serious_illness": rng.random() < 0.1,
        "student": rng.choice(STUDENTS),
        "employment": rng.choice(EMPLOYMENT),
        "parents_unable": rng.random() < 0.05,
    }


def household(rng: random.Random) -> dict[str, Any]:
    size = rng.choices([1, 2, 3, 4, 5, 6], weights=[25, 25, 20, 15, 10, 5])[0]
    known = rng.random() < 0.7  # about a third leave assets unknown
    return {
        "region": REGION,
        "date": rng.choice(["2022-06-01", "2022-12-31", "2023-01-01", "2023-06-01", "2024-03-01"]),
        "residence": rng.choice(["urban", "rural"]),
        "members": [member(rng, "self")]
        + [member(rng, rng.choice(RELATIONS)) for _ in range(size - 1)],
        "monthly_income": round(rng.uniform(0, 1200 * size), 2),
        "monthly_rigid_expenses": {
            "medical": rng.choice([0, 0, 100, 500, 2000]),
            "education": rng.choice([0, 0, 200, 800]),
        },
        "assets": {
            "deposits": rng.choice([0, 5000, 20000, 80000]) if known else None,
            "vehicles": rng.choice([0, 0, 0, 1]) if known else None,
            "houses": rng.choice([0, 1, 1, 2]) if known else None,
        },
        "supporters_able": rng.random() < 0.3,
        "hardship_event": rng.choice(EVENTS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    households = [household(rng) for _ in range(args.households)]
    screen(households[0])  # load and compile the data files outside the timing

    timings: list[float] = []
    likely = 0
    started = time.perf_counter()
    for each in households:
        begin = time.perf_counter()
        result = screen(each)
        timings.append(time.perf_counter() - begin)
        likely += sum(program.status == "likely" for program in result.programs)
    elapsed = time.perf_counter() - started

    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(f"households:      {len(households)}")
    print(f"total:           {elapsed:.3f} s")
    print(f"households/s:    {len(households) / elapsed:,.0f}")
    print(f"p50 per screen:  {statistics.median(timings) * 1e6:.0f} µs")
    print(f"p99 per screen:  {p99 * 1e6:.0f} µs")
    print(f"likely results:  {likely} (of {len(households) * 10})")


if __name__ == "__main__":
    main()
