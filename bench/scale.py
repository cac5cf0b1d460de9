"""One scale point of the core pipeline in a fresh process, so its peak RSS is its own.

    python -m bench.scale prepare SCHOOLS LOG_ROWS ASSESSMENT_ROWS FILE
    python -m bench.scale measure FILE

`prepare` builds the district and pickles its tabs as the readers give them (a new object per
cell; unpickling keeps them so). `measure` loads them, then times the first (cold) validate +
compute and a second (warm) one, the principals' email data and their rendering, and prints
the figures and the peak RSS as JSON. The input is resident throughout, as in a real run.
"""
from __future__ import annotations

import gc
import json
import pickle
import sys
import time
from functools import partial
from pathlib import Path

from bench.common import peak_rss_mb, reset_peak_rss, timed
from bench.data import district, raw_tabs, today
from config.loader import load_config
from core.impact import compute_impact
from core.validate import Context, validate
from core.weeks import parse_week
from reports.context import school_contexts
from reports.render import render_all
from sync.common import rows_held

WEEK = parse_week("2026-W47")


def prepare(schools: int, log_rows: int, assessment_rows: int, file: Path) -> None:
    tabs = raw_tabs(district(schools, log_rows, assessment_rows))
    with file.open("wb") as out:
        pickle.dump(tabs, out, protocol=pickle.HIGHEST_PROTOCOL)


def measure(file: Path) -> dict[str, float]:
    with file.open("rb") as f:
        tabs = pickle.load(f)
    config = load_config()
    ctx = Context(config.settings, config.district.school_year, today())
    gc.collect()
    figures: dict[str, float] = {"rows": sum(len(t.rows) for t in tabs),
                                 "input_mb": peak_rss_mb()}
    reset_peak_rss()
    started = time.process_time()
    for run in ("cold", "warm"):
        with rows_held():  # as the job does (main.compute_week)
            data, figures[f"{run}_validate"] = timed(partial(validate, tabs, ctx, {}, []))
            impact, figures[f"{run}_compute"] = timed(partial(
                compute_impact, data, config.settings, config.district.school_year, WEEK))
        figures[f"{run}_cpu"] = time.process_time() - started
        if run == "cold":
            contexts, figures["email_data"] = timed(partial(school_contexts, impact, data, config))
            emails, figures["render"] = timed(partial(render_all, contexts, cc_coaches=False))
            figures["emails"] = len(emails)
            del contexts, emails
        del data, impact
        gc.collect()
        started = time.process_time()
    figures["peak_mb"] = peak_rss_mb()
    return figures


def main(argv: list[str]) -> None:
    if argv[0] == "prepare":
        prepare(int(argv[1]), int(argv[2]), int(argv[3]), Path(argv[4]))
    else:
        print(json.dumps(measure(Path(argv[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
