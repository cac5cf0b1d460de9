"""Links in a principal's email: the school's rows on the summary spreadsheet and the sheets its
figures come from. Only for Google spreadsheets: a local .xlsx has no address to open."""
from __future__ import annotations

from config.model import SHEETS_URL, Backend, Config, spreadsheet_id
from core.impact import YTD, Impact
from core.schema import OutputTab, tab_sheet_id


def school_links(config: Config, impact: Impact, school: str) -> list[dict[str, str]]:
    return summary_links(config, impact, school) + source_links(config, school)


def summary_links(config: Config, impact: Impact, school: str) -> list[dict[str, str]]:
    """The school's row on the Schools tab and its rows on the Cycles tab. The tabs list schools
    and cycles in the order of the figures (tests/test_links.py holds them to it)."""
    if config.output.backend is not Backend.GOOGLE:
        return []
    base = f"{SHEETS_URL}{spreadsheet_id(config.output.location)}/edit"
    row = list(impact.schools[YTD].index).index(school) + 2  # the header is row 1
    links = [{"label": "Your school on the district summary",
              "url": tab_range(base, OutputTab.SCHOOLS, f"A{row}:{row}")}]
    rows = [i + 2 for i, s in enumerate(impact.cycles["school"]) if s == school]
    if rows:
        links.append({"label": "Your school's cycles on the district summary",
                      "url": tab_range(base, OutputTab.CYCLES, f"A{rows[0]}:{rows[-1]}")})
    return links


def tab_range(base: str, tab: str, cells: str) -> str:
    return f"{base}#gid={tab_sheet_id(tab)}&range={cells}"


def source_links(config: Config, school: str) -> list[dict[str, str]]:
    """The Google sheets this school's figures are read from: its own, and the shared ones."""
    return [{"label": f"Source: {source.name}",
             "url": f"{SHEETS_URL}{spreadsheet_id(source.location)}/edit"}
            for source in config.sources
            if source.backend is Backend.GOOGLE and source.school in (None, school)]
