"""Complementary suppression: a hidden cycle's results must not be recoverable by subtraction.

Every published set of student figures is a sum over completed cycles: each school's pooled
figures, each coach's (across their schools), the district's. A cycle under `min_n` students is
hidden; but if its school's total is shown and every other cycle of the school is too, the
total minus the others gives it back exactly. So, repeated until nothing leaks:

1. a cycle under `min_n` (and a total under `min_n`) is hidden ('small');
2. a hidden cycle whose n, students proficient before or after can be worked out from the shown
   totals and the shown cycles (any sum and difference of them: the cycle's column lies in the
   row space of the shown totals, restricted to the hidden cycles) is a leak; so is a shown
   total whose hidden members were all (or none) proficient, which gives each of them 100% (0%);
3. for the total that leaks it (the one with the fewest hidden members; on a tie a school's,
   then a coach's, then the district's), the next smallest shown cycle is hidden too
   ('complement'); when it has no shown cycle left, the total is hidden.

Goals met are counted over the cycles whose results are shown only, so "goals met 1 of 1" can
never tell the outcome of a hidden cycle. Cycles with no students assessed (n = 0) hide nothing:
they show "not assessed yet" and add nothing to any total.

Pure: frames in, the same frames with columns `hidden` ('', 'small' or 'complement'),
`goals_met_shown` and `results_shown` added.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.display import COMPLEMENT, SMALL
from core.schema import CycleStatus

GroupKey = tuple[str, str]
"""('school', name), ('coach', name) or ('district', '')."""

_TOLERANCE = 1e-9
_LEVELS = ("school", "coach", "district")
"""On a tie, act on the narrowest total: hiding a school's total costs less than the district's."""


@dataclass(frozen=True)
class Suppression:
    cycles: dict[str, str]
    """cycle_id -> why it is hidden."""
    totals: dict[GroupKey, str]
    """group -> why its pooled figures are hidden."""


def plan_suppression(cycles: pd.DataFrame, min_n: int) -> Suppression:
    """Which cycles and which totals to hide: each leak closed by the first step that closes
    it (the next smallest cycle of the leaking total, else that total), until none is left."""
    small = (cycles["n"] > 0) & (cycles["n"] < min_n)
    hidden = {str(c): SMALL for c in cycles.loc[small, "cycle_id"]}
    pooled = _pooled(cycles)
    groups = _groups(pooled)
    totals: dict[GroupKey, str] = {
        key: SMALL for key, members in groups.items() if pooled.loc[members, "n"].sum() < min_n}
    while (leak := find_leak(pooled, groups, hidden, totals)) is not None:
        cycle, through = leak
        steps = [step for key in through for step in _steps(pooled, groups[key], key, hidden)]
        for kind, what in steps:
            trial_hidden = {**hidden, what: COMPLEMENT} if kind == "cycle" else hidden
            trial_totals = {**totals, what: COMPLEMENT} if kind == "total" else totals
            if cycle is None or cycle not in determined(pooled, groups, trial_hidden,
                                                        trial_totals):
                break
        else:
            kind, what = steps[0]
        (hidden if kind == "cycle" else totals)[what] = COMPLEMENT
    return Suppression(hidden, totals)


def _steps(pooled: pd.DataFrame, members: list[int], key: GroupKey,
           hidden: dict[str, str]) -> list[tuple[str, Any]]:
    """Ways to close a leak through `key`: hide its next smallest shown cycle, or its total."""
    shown = [i for i in members if pooled.at[i, "cycle_id"] not in hidden]
    steps: list[tuple[str, Any]] = []
    if shown:
        smallest = min(shown, key=lambda i: (pooled.at[i, "n"], pooled.at[i, "cycle_id"]))
        steps.append(("cycle", pooled.at[smallest, "cycle_id"]))
    return [*steps, ("total", key)]


def _pooled(cycles: pd.DataFrame) -> pd.DataFrame:
    """The cycles every total is summed over: completed, with students assessed."""
    done = cycles[cycles["status"].eq(CycleStatus.COMPLETE.value) & (cycles["n"] > 0)]
    frame = done[["cycle_id", "school", "coach", "n", "pre_prof", "post_prof"]].copy()
    frame["cycle_id"] = frame["cycle_id"].astype(str)
    return frame.reset_index(drop=True)


def _groups(pooled: pd.DataFrame) -> dict[GroupKey, list[int]]:
    groups: dict[GroupKey, list[int]] = {}
    for level in ("school", "coach"):
        for name, members in pooled.groupby(level).groups.items():
            groups[(level, str(name))] = list(members)
    if len(pooled):
        groups[("district", "")] = list(pooled.index)
    return groups


def find_leak(pooled: pd.DataFrame, groups: dict[GroupKey, list[int]],
              hidden: dict[str, str], totals: dict[GroupKey, str]
              ) -> tuple[str | None, list[GroupKey]] | None:
    """A hidden cycle that can be worked out (None for an all-or-none leak) and the shown
    totals it is worked out through, narrowest first; None when nothing leaks."""
    shown, residual = _residuals(pooled, groups, hidden, totals)

    def narrowest(keys: list[GroupKey]) -> list[GroupKey]:
        return sorted(keys, key=lambda key: (len(residual[key]), _LEVELS.index(key[0]), key))
    for cycle in determined(pooled, groups, hidden, totals):
        return cycle, narrowest([k for k in shown if cycle in residual[k]])
    for key in shown:
        if residual[key] and _all_or_none(pooled[pooled["cycle_id"].isin(residual[key])]):
            return None, [key]
    return None


def _residuals(pooled: pd.DataFrame, groups: dict[GroupKey, list[int]], hidden: dict[str, str],
               totals: dict[GroupKey, str]) -> tuple[list[GroupKey], dict[GroupKey, list[str]]]:
    """The shown totals, and the hidden cycles left in each once the shown ones are taken off."""
    shown = sorted(key for key in groups if key not in totals)
    ids = pooled["cycle_id"]
    return shown, {key: [ids[i] for i in groups[key] if ids[i] in hidden] for key in shown}


def determined(pooled: pd.DataFrame, groups: dict[GroupKey, list[int]],
               hidden: dict[str, str], totals: dict[GroupKey, str]) -> list[str]:
    """Hidden cycles fixed by sums and differences of the shown totals: those whose column lies
    in the row space of the totals' residual sets."""
    shown, residual = _residuals(pooled, groups, hidden, totals)
    columns = sorted({c for key in shown for c in residual[key]})
    if not columns:
        return []
    where = {c: j for j, c in enumerate(columns)}
    matrix = np.zeros((len(shown), len(columns)))
    for r, key in enumerate(shown):
        matrix[r, [where[c] for c in residual[key]]] = 1.0
    _, values, vt = np.linalg.svd(matrix)
    null = vt[int((values > _TOLERANCE).sum()):]
    return [c for j, c in enumerate(columns) if not np.any(np.abs(null[:, j]) > 1e-7)]


def _all_or_none(members: pd.DataFrame) -> bool:
    """Hidden members that were all proficient, or none were: each one's % is then known."""
    n = members["n"].sum()
    return any(members[c].sum() in (0, n) for c in ("pre_prof", "post_prof"))


def apply_suppression(cycles: pd.DataFrame, groups: dict[str, pd.DataFrame],
                      district: pd.Series, min_n: int) -> pd.Series:
    """Mark what to hide on the year-to-date frames (in place; the district's figures are
    returned, as a new Series that can hold text), for every view to obey."""
    plan = plan_suppression(cycles, min_n)
    cycles["hidden"] = [plan.cycles.get(str(c), "") for c in cycles["cycle_id"]]
    shown = cycles[cycles["status"].eq(CycleStatus.COMPLETE.value) & (cycles["n"] > 0)
                   & cycles["hidden"].eq("")]
    for level, frame in groups.items():
        frame["hidden"] = [plan.totals.get((level, str(name)), "") for name in frame.index]
        frame["results_shown"] = shown.groupby(level).size().reindex(frame.index).fillna(0)
        frame["goals_met_shown"] = shown["goal_met"].eq(True).groupby(shown[level]).sum() \
            .reindex(frame.index).fillna(0)
    district = district.astype(object)
    district["hidden"] = plan.totals.get(("district", ""), "")
    district["results_shown"] = len(shown)
    district["goals_met_shown"] = int(shown["goal_met"].eq(True).sum())
    return district
