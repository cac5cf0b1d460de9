"""The few words a principal's email uses that need explaining, and its preheader line."""
from __future__ import annotations

from typing import Any

TERMS: dict[str, str] = {
    "session": "one coaching interaction a coach logged (planning, modeling, co-teaching, "
               "observation, debrief, student-work analysis, team facilitation or a principal "
               "meeting); coach professional learning and other duties are not sessions.",
    "coaching hours": "the time logged in sessions. All hours logged, coaching or not, are "
                      "the base of time in cycles.",
    "time in coaching cycles": "the share of all hours coaches logged that belong to a coaching "
                               "cycle: a 3–6 week partnership with a teacher on a goal for "
                               "students.",
    "proficient": "a student at or above the cycle's proficiency score. A cycle compares the "
                  "share proficient on the pre-assessment and on the post-assessment, over "
                  "students with both.",
    "pts": "percentage points: the difference between the two percentages as shown.",
    "goal": "the share of students a cycle aims to have proficient at the end.",
    "benchmark": "what your school's implementation stage expects (Sweeney's stages: "
                 "prelaunch, launch, implement, monitor & adjust).",
    "n<{min_n}": "fewer than {min_n} students have both scores, too few to show a percentage "
                 "without pointing at individual students.",
    "hidden": "results not shown so that a smaller group's results cannot be worked out by "
              "subtracting the others from a total.",
    "not assessed yet": "no post-assessment scores have been entered yet.",
    "post-assessment due": "the cycle's end date has passed and post-assessment scores are "
                           "missing; its results count once they are entered.",
    ">95%, <5%": "percentages this close to all or none of the students are not shown exactly.",
}


def glossary_for(ctx: Any) -> list[dict[str, str]]:
    """Only the terms this email uses, in the order above."""
    cycles = [*ctx.completed_cycles, *ctx.active_cycles]
    states = {c.get("state", "") for c in ctx.completed_cycles}
    used = {"session", "coaching hours", "time in coaching cycles"}
    if any(not c.get("state") for c in ctx.completed_cycles) or not ctx.proficiency["small"]:
        used |= {"proficient", "pts", "goal"}
    if ctx.benchmark["rows"]:
        used.add("benchmark")
    if "small" in states or ctx.proficiency["why"].startswith("n<"):
        used.add("n<{min_n}")
    if "hidden" in states or ctx.proficiency["why"] == "hidden":
        used.add("hidden")
    if "waiting" in states:
        used.add("not assessed yet")
    if any(c.get("due") for c in cycles):
        used.add("post-assessment due")
    if any(v in (">95%", "<5%") for c in ctx.completed_cycles for v in (c["pre"], c["post"])) \
            or {ctx.proficiency["pre"], ctx.proficiency["post"]} & {">95%", "<5%"}:
        used.add(">95%, <5%")
    return [{"term": term.format(min_n=ctx.min_n), "meaning": meaning.format(min_n=ctx.min_n)}
            for term, meaning in TERMS.items() if term in used]


def preheader(ctx: Any) -> str:
    """The line a mail app shows beside the subject, before the email is opened."""
    week = ctx.this_week
    parts = [f"{week['sessions']} coaching sessions, {week['hours']} h this week"]
    if ctx.observations:
        parts.append(f"{len(ctx.observations)} thing{'s' if len(ctx.observations) > 1 else ''}"
                     f" to look at")
    if ctx.todo:
        parts.append(f"post scores due for {len(ctx.todo)} cycle"
                     f"{'s' if len(ctx.todo) > 1 else ''}")
    return "; ".join(parts) + "."
