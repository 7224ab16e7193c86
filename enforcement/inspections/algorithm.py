"""The draw algorithm, version "hmac-sha256-rank/2" (and /1, which old draws keep and verify with). Pure functions of the snapshot and the seed, using
only SHA-256 and HMAC-SHA256 (never a language's random generator, whose output may change between
versions), so that anyone can re-run a draw from its published record:

1. The snapshot is canonical JSON (keys sorted, no spaces, UTF-8):
       {"strata": [{"name": ..., "ratio": "10.00", "entities": [credit codes, sorted]}, ...],
        "inspectors": [certificate numbers, sorted],
        "conflicts": [[credit code, certificate number], ... sorted],
        "team_size": 2}
   and its hash is the hex SHA-256 of those bytes.
2. The seed is 32 random bytes from the operating system's CSPRNG, written as 64 hex digits (or a text
   taken from a public source, e.g. a lottery result), stored with the snapshot *before* step 3 runs.
   The HMAC key is the seed's UTF-8 text; messages are UTF-8 too.
3. In each stratum, n = ceil(size × ratio / 100) entities are drawn: every entity is ranked by
   HMAC-SHA256(seed, "entity:" + credit code) in hex, ascending, and the first n taken.
4. For each drawn entity, inspectors with a declared conflict with it are removed first; the rest are
   ranked by HMAC-SHA256(seed, "inspector:" + credit code + ":" + certificate number) and the first
   `team_size` form the team. Fewer eligible inspectors than `team_size` makes the draw impossible.
4b. Version 2 adds a team leader and an expert (the inspector register's flags). The snapshot then
   also holds "leaders" and "experts" (sorted certificate numbers) and "require_leader" and
   "require_expert" (booleans). With the ranks of step 4, the team is: the best-ranked eligible leader
   (if required), then the best-ranked eligible expert not already chosen (if required), then the
   best-ranked of the rest up to `team_size`, in that order. No eligible leader (or expert) makes the
   draw impossible. Without either requirement version 2 gives exactly version 1's result.
5. The result is {"entities": [{"code", "stratum", "team": [certificate numbers]}...]} in drawn order
   (stratum order, then rank), and its hash the SHA-256 of its canonical JSON.

Python:  hmac.new(seed.encode(), message.encode(), hashlib.sha256).hexdigest()

The implementation below computes exactly that HMAC (RFC 2104) but keys it once per draw and reuses the
keyed SHA-256 states (and the "inspector:<code>:" prefix once per entity), compares raw digests (same
order as their hex) and keeps only the `team_size` smallest instead of sorting every inspector; the test
suite checks it against the one-line definition above.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import secrets
from decimal import ROUND_CEILING, Decimal

ALGORITHM_V1 = "hmac-sha256-rank/1"
ALGORITHM = "hmac-sha256-rank/2"
ALGORITHMS = (ALGORITHM_V1, ALGORITHM)


class DrawImpossible(ValueError):
    """Too few eligible inspectors for an entity."""

    def __init__(self, code: str, eligible: int, needed: int, role: str = ""):
        super().__init__(code)
        self.code, self.eligible, self.needed, self.role = code, eligible, needed, role


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def new_seed() -> str:
    return secrets.token_hex(32)


def rank(seed: str, message: str) -> str:
    return hmac.new(seed.encode(), message.encode(), hashlib.sha256).hexdigest()


def quota(size: int, ratio: str | Decimal) -> int:
    """ceil(size × ratio / 100): a ratio is a floor, never rounded away (5 % of 30 is 2)."""
    exact = Decimal(size) * Decimal(ratio) / Decimal(100)
    return min(size, int(exact.to_integral_value(rounding=ROUND_CEILING)))


class _Keyed:
    """HMAC-SHA256 under one key, with the inner and outer pads hashed once (RFC 2104)."""

    def __init__(self, seed: str):
        key = seed.encode()
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def prefixed(self, prefix: str):
        state = self.inner.copy()
        state.update(prefix.encode())
        return state

    def finish(self, state, tail: bytes) -> bytes:
        state = state.copy()
        state.update(tail)
        outer = self.outer.copy()
        outer.update(state.digest())
        return outer.digest()


def draw(snapshot: dict, seed: str, version: str = ALGORITHM) -> dict:
    if version not in ALGORITHMS:
        raise ValueError(f"unknown draw algorithm {version!r}")
    team_size = int(snapshot["team_size"])
    v2 = version != ALGORITHM_V1
    leaders = set(snapshot.get("leaders", ())) if v2 and snapshot.get("require_leader") else None
    experts = set(snapshot.get("experts", ())) if v2 and snapshot.get("require_expert") else None
    inspectors = list(snapshot["inspectors"])
    conflicts: dict[str, set[str]] = {}
    for code, inspector in snapshot.get("conflicts", []):
        conflicts.setdefault(code, set()).add(inspector)
    keyed = _Keyed(seed)
    entity_state = keyed.prefixed("entity:")
    encoded = [(i, i.encode()) for i in inspectors]
    drawn = []
    for stratum in snapshot["strata"]:
        codes = stratum["entities"]
        chosen = heapq.nsmallest(
            quota(len(codes), stratum["ratio"]),
            codes,
            key=lambda code: keyed.finish(entity_state, code.encode()),
        )
        for code in chosen:
            excluded = conflicts.get(code)
            eligible = [pair for pair in encoded if pair[0] not in excluded] if excluded else encoded
            if len(eligible) < team_size:
                raise DrawImpossible(code, len(eligible), team_size)
            state = keyed.prefixed(f"inspector:{code}:")
            if leaders is None and experts is None:
                team = heapq.nsmallest(
                    team_size, eligible, key=lambda pair, state=state: keyed.finish(state, pair[1])
                )
                names = [i for i, _b in team]
            else:
                names = _team_with_roles(code, eligible, team_size, leaders, experts, keyed, state)
            drawn.append({"code": code, "stratum": stratum["name"], "team": names})
    return {"entities": drawn}


def _team_with_roles(code, eligible, team_size, leaders, experts, keyed, state) -> list[str]:
    """Step 4b: leader first, then expert, then the best-ranked of the rest."""
    ranked = sorted(eligible, key=lambda pair: keyed.finish(state, pair[1]))
    team: list[str] = []
    for required, role in ((leaders, "leader"), (experts, "expert")):
        if required is None:
            continue
        pick = next((i for i, _b in ranked if i in required and i not in team), None)
        if pick is None:
            raise DrawImpossible(code, 0, 1, role)
        team.append(pick)
    team += [i for i, _b in ranked if i not in team][: team_size - len(team)]
    return team
