"""The draw algorithm, version "hmac-sha256-rank/1". Pure functions of the snapshot and the seed, using
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
5. The result is {"entities": [{"code", "stratum", "team": [certificate numbers]}...]} in drawn order
   (stratum order, then rank), and its hash the SHA-256 of its canonical JSON.

Python:  hmac.new(seed.encode(), message.encode(), hashlib.sha256).hexdigest()
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from decimal import ROUND_CEILING, Decimal

ALGORITHM = "hmac-sha256-rank/1"


class DrawImpossible(ValueError):
    """Too few eligible inspectors for an entity."""

    def __init__(self, code: str, eligible: int, needed: int):
        super().__init__(code)
        self.code, self.eligible, self.needed = code, eligible, needed


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


def draw(snapshot: dict, seed: str) -> dict:
    team_size = int(snapshot["team_size"])
    inspectors = list(snapshot["inspectors"])
    conflicts: dict[str, set[str]] = {}
    for code, inspector in snapshot.get("conflicts", []):
        conflicts.setdefault(code, set()).add(inspector)
    drawn = []
    for stratum in snapshot["strata"]:
        codes = stratum["entities"]
        chosen = sorted(codes, key=lambda code: rank(seed, f"entity:{code}"))[
            : quota(len(codes), stratum["ratio"])
        ]
        for code in chosen:
            excluded = conflicts.get(code, set())
            eligible = [i for i in inspectors if i not in excluded]
            if len(eligible) < team_size:
                raise DrawImpossible(code, len(eligible), team_size)
            team = sorted(eligible, key=lambda i, code=code: rank(seed, f"inspector:{code}:{i}"))[:team_size]
            drawn.append({"code": code, "stratum": stratum["name"], "team": team})
    return {"entities": drawn}
