#!/usr/bin/env python3
"""An independent reader of a run's report.xlsx: openpyxl (from PyPI) opens the workbook and
checks it against the run's RFC 4180 CSVs, cell by cell.

    python3 scripts/check_xlsx.py RUN_FOLDER        # e.g. OUTPUT/latest, with report.xlsx and *.csv

Checks: the sheets are summary, capacity, coverage, progress, audit, findings, placements,
quarantine and changes (a table past a sheet's rows continues as `NAME (2)`, ...); every sheet's
header row is frozen (pane at A2) and carries an autofilter over the header and every row; no
cell holds a formula; every cell equals the CSV's, typed: a number column's cells are numbers
(ints and floats equal to the CSV's figure), a date column's cells are dates with a date format,
a text column's cells are text (ids with their leading zeros); a CSV text that the CSV writer
guarded against formulas (a leading ') is the bare text in the workbook; utilisation is shown
as a percentage with conditional formatting. Exit 1 with the first differences.
"""
import csv
import datetime
import sys

import openpyxl

TABLES = ["capacity", "coverage", "progress", "audit", "findings", "placements", "quarantine", "changes"]
# Columns the declarations type as numbers or dates (Sources/Report/Tables).
NUMBER_HINT = ("weeks", "slots", "placements", "students", "utilisation", "peak_concurrent", "over_capacity_days",
               "share_non_recognised", "capacity_coverage", "evaluation_completeness", "mean_", "line", "column",
               "individual_agreements", "final_score")
DATE_COLUMNS = {"start", "end"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def unguarded(text):
    """The CSV writer's guard taken off (TableFormats.unguardedCSVText)."""
    if text.startswith("'") and text[1:].lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def sheets_of(book, name):
    names = [name] + [f"{name} ({n})" for n in range(2, 1000)]
    return [book[n] for n in names if n in book.sheetnames]


def same(csv_value, cell, column, problems, where):
    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=") and cell.data_type != "s"):
        problems.append(f"{where}: a formula cell: {cell.value!r}")
        return
    if csv_value == "":
        if cell.value not in (None, ""):
            problems.append(f"{where}: empty in the CSV, {cell.value!r} in the workbook")
        return
    if column in DATE_COLUMNS:
        if not isinstance(cell.value, datetime.datetime) or not cell.is_date:
            problems.append(f"{where}: {csv_value} should be a date cell, is {cell.value!r} ({cell.data_type})")
        elif cell.value.date().isoformat() != csv_value:
            problems.append(f"{where}: date {csv_value} read back as {cell.value.date()}")
        return
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        try:
            equal = abs(float(csv_value) - float(cell.value)) < 1e-9
        except ValueError:
            equal = False
        if not equal:
            problems.append(f"{where}: CSV {csv_value!r}, workbook number {cell.value!r}")
        return
    if cell.data_type != "s":
        problems.append(f"{where}: CSV {csv_value!r}, workbook {cell.value!r} of type {cell.data_type}")
    elif cell.value != unguarded(csv_value):
        problems.append(f"{where}: CSV {csv_value!r}, workbook text {cell.value!r}")
    elif column.startswith(NUMBER_HINT) and column not in ("placements_without_agreement",) and csv_value.replace(".", "").isdigit():
        problems.append(f"{where}: the number {csv_value} is text in the workbook")


def check_sheet_frame(sheet, rows, problems):
    if sheet.freeze_panes != "A2":
        problems.append(f"{sheet.title}: header not frozen (freeze_panes {sheet.freeze_panes!r})")
    last = sheet.max_column
    expected = f"A1:{openpyxl.utils.get_column_letter(last)}{rows + 1}"
    if sheet.auto_filter.ref != expected:
        problems.append(f"{sheet.title}: autofilter {sheet.auto_filter.ref!r}, expected {expected}")


def check_table(book, folder, name, problems):
    rows = csv_rows(f"{folder}/{name}.csv")
    header, body = rows[0], rows[1:]
    sheets = sheets_of(book, name)
    if not sheets:
        problems.append(f"{name}: no sheet")
        return 0
    position = 0
    for sheet in sheets:
        values = list(sheet.iter_rows())
        if [c.value for c in values[0]] != header:
            problems.append(f"{sheet.title}: header {[c.value for c in values[0]]} != {header}")
        check_sheet_frame(sheet, len(values) - 1, problems)
        for row_index, row in enumerate(values[1:]):
            expected = body[position + row_index]
            for column_index, column in enumerate(header):
                cell = row[column_index] if column_index < len(row) else None
                where = f"{sheet.title}!{openpyxl.utils.get_column_letter(column_index + 1)}{row_index + 2}"
                if cell is None:
                    problems.append(f"{where}: missing")
                else:
                    same(expected[column_index], cell, column, problems, where)
        position += len(values) - 1
    if position != len(body):
        problems.append(f"{name}: {position} rows in the workbook, {len(body)} in the CSV")
    return position * len(header)


def check_utilisation(book, problems):
    sheet = book["capacity"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = openpyxl.utils.get_column_letter(header.index("utilisation") + 1)
    formats = {sheet[f"{column}{r}"].number_format for r in range(2, sheet.max_row + 1) if sheet[f"{column}{r}"].value is not None}
    if formats != {"0.0%"}:
        problems.append(f"capacity: utilisation formats {formats}, expected 0.0%")
    ranges = [str(r.sqref) for r in sheet.conditional_formatting]
    if not any(r.startswith(f"{column}2:") for r in ranges):
        problems.append(f"capacity: no conditional formatting on {column} (has {ranges})")


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    book = openpyxl.load_workbook(f"{folder}/report.xlsx")
    problems = []
    bare = [n.split(" (")[0] for n in book.sheetnames]
    order = list(dict.fromkeys(bare))
    if order != ["summary"] + TABLES:
        problems.append(f"sheets {book.sheetnames}: expected summary, {', '.join(TABLES)}")
    cells = 0
    for name in TABLES:
        cells += check_table(book, folder, name, problems)
    summary = {row[0].value: row[1] for row in book["summary"].iter_rows(min_row=2)}
    if not isinstance(summary.get("placements").value, int) or not summary["as of"].is_date:
        problems.append("summary: placements should be a number and 'as of' a date")
    check_sheet_frame(book["summary"], book["summary"].max_row - 1, problems)
    check_utilisation(book, problems)
    if problems:
        for problem in problems[:20]:
            print(problem)
        print(f"check_xlsx: {len(problems)} problems in {folder}/report.xlsx")
        return 1
    print(f"check_xlsx: {folder}/report.xlsx: {len(book.sheetnames)} sheets, {cells} cells equal to the CSVs, typed; "
          "headers frozen, autofilters on, no formula")
    return 0


if __name__ == "__main__":
    sys.exit(main())
