"""Reading a roster exported from the student information system: a OneRoster CSV bundle (a
.zip or a folder) or Clever's district files (a folder). BOM tolerated; each file's header is
checked against the spec (core/sis.py) and each row keeps its line, so issues can name it."""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from config.model import Backend
from core.schema import TabKind
from core.sis import (
    ACADEMIC_SESSIONS_COLUMNS,
    CLEVER_COLUMNS,
    ONEROSTER_COLUMNS,
    BundleError,
    CsvFile,
    clever_teachers,
    oneroster_teachers,
    oneroster_version,
)
from core.sources import RawTab, SourceProblem

CANONICAL = {c.lower(): c for files in [*ONEROSTER_COLUMNS.values(), CLEVER_COLUMNS]
             for columns in files.values() for c in columns} | \
    {c.lower(): c for c in ACADEMIC_SESSIONS_COLUMNS}


def read_sis(path: Path, source: str, backend: Backend, school: str | None
             ) -> tuple[list[RawTab], list[SourceProblem]]:
    """The bundle's teachers as a Teachers tab named after the file they came from."""
    try:
        files = bundle_files(path)
        if backend is Backend.ONEROSTER:
            manifest = {r.get("propertyName", ""): r.get("value", "")
                        for r in files["manifest.csv"].rows} if "manifest.csv" in files else {}
            teachers = oneroster_teachers(files, oneroster_version(files, manifest))
        else:
            teachers = clever_teachers(files)
    except BundleError as exc:
        return [], [SourceProblem(source, "", f"{path}: {exc}")]
    return [RawTab(source, teachers.file, TabKind.TEACHERS, teachers.header, teachers.rows,
                   school, row_numbers=teachers.lines)], []


def bundle_files(path: Path) -> dict[str, CsvFile]:
    if path.is_dir():
        return {p.name.lower(): parse_csv(p.name.lower(), p.read_bytes())
                for p in path.iterdir() if p.suffix.lower() == ".csv"}
    try:
        with zipfile.ZipFile(path) as bundle:
            return {Path(n).name.lower(): parse_csv(Path(n).name.lower(), bundle.read(n))
                    for n in bundle.namelist() if n.lower().endswith(".csv")}
    except FileNotFoundError:
        raise BundleError("no such file or folder. Check this source's location: in the "
                          "config (relative paths are taken from the config file's folder).") \
            from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"not a .zip of CSV files or a folder of them ({exc}).") from None


def parse_csv(name: str, data: bytes) -> CsvFile:
    """utf-8 with or without a BOM (Excel and many SIS exports add one); header names matched
    to the spec's spelling whatever their case."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [CANONICAL.get(h.strip().lower(), h.strip()) for h in next(reader, [])]
    rows, lines = [], []
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append(dict(zip(header, row, strict=False)))
            lines.append(reader.line_num)
    return CsvFile(name, header, rows, lines)
