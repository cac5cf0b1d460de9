"""`template`: blank source workbooks a district can start from, which `init` and `check` then
read with every header as written."""
import datetime as dt

from openpyxl import load_workbook

import main

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)


def dropdowns(sheet):
    """Column letter -> the list its dropdown offers (as a range of the Lists tab)."""
    return {str(rule.sqref).split(":")[0].rstrip("0123456789"): rule.formula1
            for rule in sheet.data_validations.dataValidation}


def test_template_writes_workbooks_with_headers_dropdowns_and_a_locked_header(tmp_path, capsys):
    assert main.main(["template", "--to", str(tmp_path)], now=NOW) == 0
    log = load_workbook(tmp_path / "coaching-log.xlsx")
    assert log.sheetnames == ["Instructions", "Log", "Lists"]
    sheet = log["Log"]
    assert [c.value for c in sheet[1]] == ["Date", "Coach", "School", "Teacher", "Cycle ID",
                                           "Activity", "Minutes", "Approach", "Notes"]
    assert dropdowns(sheet) == {"F": "'Lists'!$A$2:$A$11", "H": "'Lists'!$D$2:$D$4"}
    lists = log["Lists"]
    assert [lists.cell(row=r, column=1).value for r in range(2, 12)][:3] == \
        ["planning", "modeling", "co-teaching"]
    assert lists.sheet_state == "hidden"
    assert sheet.freeze_panes == "A2" and sheet.protection.sheet
    assert sheet["A1"].protection.locked and not sheet.column_dimensions["A"].protection.locked
    district = load_workbook(tmp_path / "district.xlsx")
    assert dropdowns(district["Cycles"]) == {"K": "'Lists'!$B$2:$B$5", "L": "'Lists'!$D$2:$D$4"}
    assert dropdowns(district["Schools"]) == {"F": "'Lists'!$C$2:$C$4"}
    assert "Activity: required; one of: planning" in \
        "\n".join(str(c.value) for c in log["Instructions"]["A"])


def test_init_and_check_read_the_template_as_written(tmp_path, capsys):
    assert main.main(["template", "--to", str(tmp_path)], now=NOW) == 0
    config = tmp_path / "c.yaml"
    assert main.main(["init", "--from", str(tmp_path / "district.xlsx"),
                      str(tmp_path / "coaching-log.xlsx"), "--config", str(config),
                      "--no-check"], now=NOW) == 0  # blank yet: check would say so
    table = capsys.readouterr().out
    assert "by meaning" not in table and table.count("as written") == 42
    fill(tmp_path)
    assert main.main(["check", "--config", str(config)], now=NOW) == 0
    assert "No data issues" in capsys.readouterr().out


def fill(folder):
    """One row in every tab, typed as a district would."""
    rows = {
        ("district.xlsx", "Schools"): ["Alpha", "Pat", "pat@alpha.example", 10, 50, "Launch"],
        ("district.xlsx", "Coaches"): ["Ann Lee", "ann@district.example", "Alpha", 1],
        ("district.xlsx", "Teachers"): ["T One", "Alpha", 3, "ELA", "t.one@alpha.example"],
        ("district.xlsx", "Cycles"): ["A-1", "Ann Lee", "T One", "Alpha", 3, "ELA", "Main idea",
                                      "I can", dt.date(2026, 9, 7), dt.date(2026, 10, 16),
                                      "complete", "student-centered", 80, 80],
        ("district.xlsx", "Assessments"): ["A-1", "S1", 50, 90],
        ("coaching-log.xlsx", "Log"): [dt.date(2026, 11, 2), "Ann Lee", "Alpha", "T One", "A-1",
                                       "planning", 45, "student-centered", ""],
    }
    for name in ("district.xlsx", "coaching-log.xlsx"):
        book = load_workbook(folder / name)
        for (file, tab), row in rows.items():
            if file == name:
                book[tab].append(row)
        book.save(folder / name)


def test_template_never_overwrites_without_force(tmp_path, caplog):
    (tmp_path / "district.xlsx").write_text("mine")
    assert main.main(["template", "--to", str(tmp_path)], now=NOW) == 2
    assert (tmp_path / "district.xlsx").read_text() == "mine"
    assert "already exist(s) and were left as they are" in caplog.text


def test_the_templates_print_on_paper(tmp_path):
    """A log tab prints one page wide, landscape, its header on every page (a paper log); the
    Instructions wrap on a portrait page, each wrapped line given room."""
    assert main.main(["template", "--to", str(tmp_path)], now=NOW) == 0
    book = load_workbook(tmp_path / "coaching-log.xlsx")
    log = book["Log"]
    assert log.sheet_properties.pageSetUpPr.fitToPage and log.page_setup.fitToWidth == 1
    assert log.page_setup.orientation == "landscape" and log.print_title_rows == "$1:$1"
    guide = book["Instructions"]
    assert guide.page_setup.orientation == "portrait"
    width = guide.column_dimensions["A"].width
    for row in guide.iter_rows():
        cell = row[0]
        if cell.value and len(cell.value) > width:
            assert cell.alignment.wrap_text and guide.row_dimensions[cell.row].height >= 30
