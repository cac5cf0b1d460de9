"""Whatever people type into any tab, the run never crashes: bad cells become issues."""
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.model import Config
from core.display import Privacy
from core.impact import compute_impact
from core.schema import FIELDS, TabKind
from core.sources import RawTab
from core.summary import cycles_table, district_table, issues_table, schools_table
from core.validate import validate
from core.weeks import parse_week
from reports.context import school_contexts
from reports.render import render_all
from tests.small_district import YEAR, context, raw_tabs

cells = st.one_of(
    st.none(), st.text(max_size=12), st.integers(-10**6, 10**7),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.floats(40000, 50000),  # plausible date serials
    st.sampled_from(["45 min", "1:30", "half day", "Complete", "Meeting", "85%", "11/3/2026",
                     "Alpha Elementary", "Ann Lee", "A-1", "co teach", "", " ", "=1+1"]),
)


@st.composite
def headers(draw, kind):
    names = [a for f in FIELDS[kind] for a in f.aliases]
    return draw(st.lists(st.one_of(st.sampled_from(names), st.text(max_size=10), st.none()),
                         max_size=12))


@st.composite
def tabs(draw):
    kind = draw(st.sampled_from(list(TabKind)))
    header = draw(headers(kind))
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 2), max_size=8))
    return RawTab("Fuzz", f"{kind.value} tab", kind, header, rows,
                  school=draw(st.one_of(st.none(), st.just("Alpha Elementary"))))


CONFIG = Config.model_validate({
    "district": {"name": "Fuzz", "school_year": {"start": YEAR.start, "end": YEAR.end},
                 "as_of": dt.date(2026, 11, 23)},
    "sources": [{"name": "x", "location": "x.xlsx", "tabs": {"schools": "S"}}],
    "output": {"location": "out.xlsx"}})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tabs(), min_size=1, max_size=4), st.booleans())
def test_any_cells_in_any_tab_never_crash_the_run(extra, keep_district):
    base = raw_tabs() if keep_district else []
    data = validate([*base, *extra], context())
    impact = compute_impact(data, CONFIG.settings, YEAR, parse_week("2026-W47"))
    privacy = Privacy(10, coded=False)
    for build in (schools_table, cycles_table):
        build(impact, privacy)
    district_table(impact, privacy, "Fuzz")
    table = issues_table(data.issues)
    assert len(table.rows) == len(data.issues)
    assert all(r[4] is None or type(r[4]) is int for r in table.rows)
    render_all(school_contexts(impact, data, CONFIG), cc_coaches=False)
