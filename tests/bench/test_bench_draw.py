"""Benchmark: the draw algorithm over 100,000 entities and 500 inspectors (prints figures, asserts nothing
timed)."""

import time

from enforcement.inspections import algorithm
from tests.entities.factories import credit_code


def test_bench_draw_100k_entities_500_inspectors(capsys):
    codes = sorted(credit_code(n) for n in range(100_000))
    snapshot = {
        "team_size": 2,
        "strata": [
            {"name": "high", "ratio": "20.00", "entities": codes[:10_000]},
            {"name": "rest", "ratio": "3.00", "entities": codes[10_000:]},
        ],
        "inspectors": [f"I{n:05d}" for n in range(500)],
        "conflicts": [[codes[n], f"I{n % 500:05d}"] for n in range(0, 100_000, 50)],
    }
    started = time.perf_counter()
    digest = algorithm.sha256(snapshot)
    hashed = time.perf_counter()
    result = algorithm.draw(snapshot, algorithm.new_seed())
    done = time.perf_counter()
    with capsys.disabled():
        print(
            f"\n[bench] draw: 100,000 entities, 500 inspectors -> {len(result['entities'])} drawn; "
            f"snapshot hash {hashed - started:.2f} s, draw {done - hashed:.2f} s ({digest[:12]})"
        )
    assert len(result["entities"]) == 2_000 + 2_700
    # the same with a leader and an expert required on every team (version 2, step 4b)
    snapshot.update(
        leaders=snapshot["inspectors"][::10],
        experts=snapshot["inspectors"][5::25],
        require_leader=True,
        require_expert=True,
    )
    started = time.perf_counter()
    flagged = algorithm.draw(snapshot, algorithm.new_seed())
    with capsys.disabled():
        print(f"[bench] draw with leader and expert required: {time.perf_counter() - started:.2f} s")
    assert len(flagged["entities"]) == len(result["entities"])
