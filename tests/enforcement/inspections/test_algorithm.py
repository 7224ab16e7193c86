"""The fast implementation of hmac-sha256-rank/1 gives exactly what its one-line definition gives."""

import hashlib
import hmac

import pytest

from enforcement.inspections import algorithm


def reference_draw(snapshot, seed):
    """The algorithm as documented, written naively: sort everything by hex HMAC."""

    def rank(message):
        return hmac.new(seed.encode(), message.encode(), hashlib.sha256).hexdigest()

    conflicts = {}
    for code, inspector in snapshot["conflicts"]:
        conflicts.setdefault(code, set()).add(inspector)
    drawn = []
    for stratum in snapshot["strata"]:
        codes = stratum["entities"]
        for code in sorted(codes, key=lambda c: rank(f"entity:{c}"))[
            : algorithm.quota(len(codes), stratum["ratio"])
        ]:
            eligible = [i for i in snapshot["inspectors"] if i not in conflicts.get(code, set())]
            team = sorted(eligible, key=lambda i, c=code: rank(f"inspector:{c}:{i}"))[: snapshot["team_size"]]
            drawn.append({"code": code, "stratum": stratum["name"], "team": team})
    return {"entities": drawn}


@pytest.mark.parametrize("seed", ["短种子也可以吗-public-lottery-2026", "k" * 100, "0" * 64])
def test_the_fast_draw_equals_the_documented_definition(seed):
    codes = [f"9132099900000{n:04d}X" for n in range(400)]
    snapshot = {
        "team_size": 3,
        "strata": [
            {"name": "高风险", "ratio": "33.00", "entities": codes[:60]},
            {"name": "其他", "ratio": "7.50", "entities": codes[60:]},
        ],
        "inspectors": [f"320999{n:06d}" for n in range(40)],
        "conflicts": [[codes[n], f"320999{n % 40:06d}"] for n in range(0, 400, 3)],
    }
    result = algorithm.draw(snapshot, seed)
    assert result == reference_draw(snapshot, seed)
    assert len(result["entities"]) == 20 + 26
