#!/usr/bin/env python3
"""Reads every CSV of a run folder with Python's csv module (an independent reader) and checks
that a spreadsheet opening it runs nothing (docs/robustness.md, "What leaves the office"):

- each file parses, every record with as many fields as the header (RFC 4180 with ',', or the
  Excel-for-Belgium dialect with ';' and a BOM for *.excel.csv);
- no field starts with '=', '+', '-', '@', a tab or a CR unless it is a plain number (a negative
  figure); text like that must have been written with a leading "'";
- every fingerprint (the findings' fingerprint column, the changes' before/after of a finding)
  is 'fp-' and 16 lower-case hex digits, which no spreadsheet takes for a number.

    scripts/check_csv_formulas.py RUN_FOLDER      # e.g. OUTPUT/latest; exit 1 on any problem
"""
import csv
import os
import re
import sys

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = {",": re.compile(r"-?\d+(\.\d+)?"), ";": re.compile(r"-?\d+(,\d+)?")}
FINGERPRINT = re.compile(r"fp-[0-9a-f]{16}")
FINDING_CHANGES = {"NEW_FINDING", "RESOLVED_FINDING", "AGREEMENT_ENTERED_EXPIRY"}


def check(path):
    excel = path.endswith(".excel.csv")
    delimiter = ";" if excel else ","
    problems = []
    with open(path, encoding="utf-8-sig" if excel else "utf-8", newline="") as handle:
        records = list(csv.reader(handle, delimiter=delimiter, strict=True))
    if not records:
        return [f"{path}: no header"]
    header = records[0]
    for number, record in enumerate(records[1:], start=2):
        if len(record) != len(header):
            problems.append(f"{path}:{number}: {len(record)} fields, the header has {len(header)}")
            continue
        row = dict(zip(header, record))
        for column, field in row.items():
            if field.startswith(TRIGGERS) and not NUMBER[delimiter].fullmatch(field):
                problems.append(f"{path}:{number}: {column} {field!r} would run as a formula")
        fingerprints = []
        if "fingerprint" in row:
            fingerprints.append(row["fingerprint"])
        if row.get("change") in FINDING_CHANGES:
            fingerprints += [row[side] for side in ("before", "after") if row.get(side)]
        for value in fingerprints:
            if not FINGERPRINT.fullmatch(value):
                problems.append(f"{path}:{number}: fingerprint {value!r} is not fp- and 16 hex digits")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    folder = sys.argv[1]
    files = sorted(name for name in os.listdir(folder) if name.endswith(".csv"))
    problems = [problem for name in files for problem in check(os.path.join(folder, name))]
    for problem in problems:
        print(problem)
    print(f"{len(files)} CSV files, {len(problems)} problems")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
