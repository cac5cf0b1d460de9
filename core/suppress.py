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

import pandas as pd

from core.display import COMPLEMENT, SMALL
from core.schema import CycleStatus

GroupKey = tuple[str, str]
"""('school', name), ('coach', name) or ('district', '')."""

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
        key: SMALL for key, members in groups.items()
        if sum(pooled.n[i] for i in members) < min_n}
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


def _steps(pooled: Pooled, members: list[int], key: GroupKey,
           hidden: dict[str, str]) -> list[tuple[str, Any]]:
    """Ways to close a leak through `key`: hide its next smallest shown cycle, or its total."""
    ids, n = pooled.ids, pooled.n
    shown = [i for i in members if ids[i] not in hidden]
    steps: list[tuple[str, Any]] = []
    if shown:
        smallest = min(shown, key=lambda i: (n[i], ids[i]))
        steps.append(("cycle", ids[smallest]))
    return [*steps, ("total", key)]


@dataclass(frozen=True)
class Pooled:
    """The cycles every total is summed over, as plain lists (read many times in the loops
    below; a DataFrame would cost a pandas call per read)."""

    ids: list[str]
    school: list[str]
    coach: list[str]
    n: list[int]
    pre_prof: list[int]
    post_prof: list[int]


def _pooled(cycles: pd.DataFrame) -> Pooled:
    """Completed cycles with students assessed."""
    done = cycles[cycles["status"].eq(CycleStatus.COMPLETE.value) & (cycles["n"] > 0)]
    return Pooled(done["cycle_id"].astype(str).tolist(), done["school"].tolist(),
                  done["coach"].tolist(), done["n"].tolist(), done["pre_prof"].tolist(),
                  done["post_prof"].tolist())


def _groups(pooled: Pooled) -> dict[GroupKey, list[int]]:
    groups: dict[GroupKey, list[int]] = {}
    for level, names in (("school", pooled.school), ("coach", pooled.coach)):
        found: dict[GroupKey, list[int]] = {}
        for i, name in enumerate(names):
            if not pd.isna(name):  # a cycle with no school counts in no school's total
                found.setdefault((level, str(name)), []).append(i)
        groups |= dict(sorted(found.items()))
    if pooled.ids:
        groups[("district", "")] = list(range(len(pooled.ids)))
    return groups


def find_leak(pooled: Pooled, groups: dict[GroupKey, list[int]],
              hidden: dict[str, str], totals: dict[GroupKey, str]
              ) -> tuple[str | None, list[GroupKey]] | None:
    """A hidden cycle that can be worked out (None for an all-or-none leak) and the shown
    totals it is worked out through, narrowest first; None when nothing leaks."""
    shown, residual = _residuals(pooled, groups, hidden, totals)

    def narrowest(keys: list[GroupKey]) -> list[GroupKey]:
        return sorted(keys, key=lambda key: (len(residual[key]), _LEVELS.index(key[0]), key))
    for cycle in determined(pooled, groups, hidden, totals):
        return cycle, narrowest([k for k in shown if cycle in residual[k]])
    where = {c: i for i, c in enumerate(pooled.ids)}
    for key in shown:
        if residual[key] and _all_or_none(pooled, [where[c] for c in residual[key]]):
            return None, [key]
    return None


def _residuals(pooled: Pooled, groups: dict[GroupKey, list[int]], hidden: dict[str, str],
               totals: dict[GroupKey, str]) -> tuple[list[GroupKey], dict[GroupKey, list[str]]]:
    """The shown totals, and the hidden cycles left in each once the shown ones are taken off."""
    shown = sorted(key for key in groups if key not in totals)
    ids = pooled.ids
    return shown, {key: [ids[i] for i in groups[key] if ids[i] in hidden] for key in shown}


def determined(pooled: Pooled, groups: dict[GroupKey, list[int]],
               hidden: dict[str, str], totals: dict[GroupKey, str]) -> list[str]:
    """Hidden cycles fixed by sums and differences of the shown totals.

    Each hidden cycle is an edge between its school and its coach; each shown school or coach
    total says what its edges sum to. A cycle's value is then fixed exactly when its edge is a
    bridge of this graph once every total that is hidden is joined to one free node (a path
    between two unknown totals, or around a loop, moves values without changing any shown sum).
    The district total ties the hidden school totals together: they hang off node 'schools',
    which is free too when the district total is hidden. Linear in the number of edges (the
    same answer as the rank test in tests/test_suppression.py, at any district's size)."""
    edges: list[tuple[str, str]] = []
    names: list[str] = []
    school, coach = pooled.school, pooled.coach
    for i, cycle in enumerate(pooled.ids):
        if cycle in hidden:
            edges.append((f"school:{school[i]}", f"coach:{coach[i]}"))
            names.append(cycle)
    if not edges:
        return []
    schools, free = "schools", "free"
    for level, name in groups:
        if (level, name) in totals and level in ("school", "coach"):
            edges.append((f"{level}:{name}", schools if level == "school" else free))
    if ("district", "") in totals or ("district", "") not in groups:
        edges.append((schools, free))
    cut = _bridges(edges)
    return [names[j] for j in range(len(names)) if j in cut]


def _bridges(edges: list[tuple[str, str]]) -> set[int]:
    """Indices of the edges whose removal disconnects the (multi)graph: Tarjan's low-link,
    iterative, skipping the edge just come along (not the node: parallel edges are no bridge)."""
    around: dict[str, list[tuple[str, int]]] = {}
    for j, (a, b) in enumerate(edges):
        around.setdefault(a, []).append((b, j))
        around.setdefault(b, []).append((a, j))
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    found: set[int] = set()
    for root in around:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, -1, iter(around[root]))]
        while stack:
            node, via, rest = stack[-1]
            step = next(rest, None)
            if step is None:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.add(via)
                continue
            other, j = step
            if j == via:
                continue
            if other in order:
                low[node] = min(low[node], order[other])
            else:
                order[other] = low[other] = len(order)
                stack.append((other, j, iter(around[other])))
    return found


def _all_or_none(pooled: Pooled, members: list[int]) -> bool:
    """Hidden members that were all proficient, or none were: each one's % is then known."""
    n = sum(pooled.n[i] for i in members)
    return any(sum(shown[i] for i in members) in (0, n)
               for shown in (pooled.pre_prof, pooled.post_prof))


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
