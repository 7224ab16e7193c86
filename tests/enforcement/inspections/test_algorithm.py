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


def _snapshot(**extra):
    codes = [f"9132099900000{n:04d}X" for n in range(50)]
    return {
        "team_size": 3,
        "strata": [{"name": "全部", "ratio": "40.00", "entities": codes}],
        "inspectors": [f"320999{n:06d}" for n in range(12)],
        "conflicts": [[codes[n], "320999000000"] for n in range(0, 50, 2)],
        **extra,
    }


def test_version_2_puts_a_leader_and_an_expert_on_every_team_and_otherwise_equals_version_1():
    leaders, experts = ["320999000000", "320999000001"], ["320999000002"]
    plain = _snapshot(leaders=leaders, experts=experts, require_leader=False, require_expert=False)
    assert algorithm.draw(plain, "s" * 20) == algorithm.draw(plain, "s" * 20, algorithm.ALGORITHM_V1)
    flagged = {**plain, "require_leader": True, "require_expert": True}
    result = algorithm.draw(flagged, "s" * 20)
    conflicts = {tuple(pair) for pair in flagged["conflicts"]}
    for row in result["entities"]:
        team = row["team"]
        assert len(team) == len(set(team)) == 3
        assert team[0] in leaders and team[1] in experts
        assert (row["code"], team[0]) not in conflicts
    assert [r["code"] for r in result["entities"]] == [
        r["code"] for r in algorithm.draw(plain, "s" * 20)["entities"]
    ]
    # version 1 ignores the flags: an old draw re-runs as it was drawn
    assert algorithm.draw(flagged, "s" * 20, algorithm.ALGORITHM_V1) == algorithm.draw(plain, "s" * 20)


def test_no_eligible_leader_makes_the_draw_impossible():
    snapshot = _snapshot(leaders=["320999000000"], experts=[], require_leader=True, require_expert=False)
    with pytest.raises(algorithm.DrawImpossible) as impossible:
        algorithm.draw(snapshot, "s" * 20)  # that leader conflicts with every other entity
    assert impossible.value.role == "leader"
