#!/usr/bin/env python3
"""An independent reader of `plan --schedule --format xlsx`: openpyxl (from PyPI) opens the
workbook and checks it against the same plan's JSON (`--format json`), cell by cell.

    python3 scripts/check_plan_xlsx.py PLAN.xlsx PLAN.json [PLAN.xlsx PLAN.json ...]

Checks: the sheets are summary, schedule and fix, in that order; every sheet's header row is
frozen (pane at A2) and carries an autofilter over the header and every row; no cell holds a
formula; the summary's facts equal the JSON's `summary` (numbers as numbers, the rest as text);
the schedule's and the fix's rows equal the JSON's arrays, typed: counts are numbers, first_day
and last_day are date cells with a date format, codes and ids are text, exactly as in the JSON
(a code that starts like a formula, `=HYPERLINK(…`, is text, not a formula). Exit 1 with the
first differences.
"""
import datetime
import json
import sys

import openpyxl

SHEETS = ["summary", "schedule", "fix"]
DATES = {"first_day", "last_day"}


def check_frame(sheet, problems):
    if sheet.freeze_panes != "A2":
        problems.append(f"{sheet.title}: header not frozen (freeze_panes {sheet.freeze_panes!r})")
    expected = f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}"
    if sheet.auto_filter.ref != expected:
        problems.append(f"{sheet.title}: autofilter {sheet.auto_filter.ref!r}, expected {expected}")


def same(expected, cell, column, problems, where):
    """A workbook cell against the JSON's value: null is an empty cell, a number a number cell,
    a day a date cell, any other string a text cell of the same text."""
    if cell.data_type == "f":
        problems.append(f"{where}: a formula cell: {cell.value!r}")
    elif expected is None:
        if cell.value not in (None, ""):
            problems.append(f"{where}: null in the JSON, {cell.value!r} in the workbook")
    elif column in DATES:
        if not (isinstance(cell.value, datetime.datetime) and cell.is_date and cell.value.date().isoformat() == expected):
            problems.append(f"{where}: the day {expected} is {cell.value!r} ({cell.data_type}, {cell.number_format})")
    elif isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)) or abs(cell.value - expected) > 1e-9:
            problems.append(f"{where}: the number {expected} is {cell.value!r} ({cell.data_type})")
    elif cell.data_type != "s" or cell.value != expected:
        problems.append(f"{where}: the text {expected!r} is {cell.value!r} ({cell.data_type})")


def check_rows(sheet, rows, problems):
    values = list(sheet.iter_rows())
    header = [c.value for c in values[0]]
    columns = list(rows[0].keys()) if rows else header
    if header != columns:
        problems.append(f"{sheet.title}: header {header} != the JSON's keys {columns}")
        return 0
    if len(values) - 1 != len(rows):
        problems.append(f"{sheet.title}: {len(values) - 1} rows, the JSON has {len(rows)}")
    for index, (row, expected) in enumerate(zip(values[1:], rows)):
        for column_index, column in enumerate(header):
            where = f"{sheet.title}!{openpyxl.utils.get_column_letter(column_index + 1)}{index + 2}"
            same(expected[column], row[column_index], column, problems, where)
    return len(rows) * len(header)


def check(xlsx, json_path):
    with open(json_path, encoding="utf-8") as handle:
        plan = json.load(handle)
    book = openpyxl.load_workbook(xlsx)
    problems = []
    if book.sheetnames != SHEETS:
        problems.append(f"sheets {book.sheetnames}, expected {SHEETS}")
        return problems, 0
    for name in SHEETS:
        check_frame(book[name], problems)
    facts = [{"fact": name, "value": value} for name, value in plan["summary"].items()]
    cells = check_rows(book["summary"], facts, problems)
    cells += check_rows(book["schedule"], plan["schedule"], problems)
    cells += check_rows(book["fix"], plan["fix"], problems)
    return problems, cells


def main():
    arguments = sys.argv[1:]
    if not arguments or len(arguments) % 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    failed = False
    for xlsx, json_path in zip(arguments[::2], arguments[1::2]):
        problems, cells = check(xlsx, json_path)
        if problems:
            failed = True
            for problem in problems[:20]:
                print(problem)
            print(f"check_plan_xlsx: {len(problems)} problems in {xlsx}")
        else:
            print(f"check_plan_xlsx: {xlsx}: summary, schedule, fix; {cells} cells equal to {json_path}, typed; "
                  "headers frozen, autofilters on, no formula")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
