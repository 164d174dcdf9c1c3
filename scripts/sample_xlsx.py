"""The samples' CSV exports written again as .xlsx workbooks, as the office would receive them
from Excel: dates as date cells, numbers as number cells, text as shared strings.

Python's zipfile and a few lines of Office Open XML, so that the generator needs nothing beyond
the standard library (openpyxl would be a dependency for CI and every developer, for about the
same amount of code here). Deterministic: entries are stamped with the samples' as-of date and
deflated by the same zlib.

Each workbook holds the same records as its CSV file, so a run on them gives the same reports
(Tests/PipelineTests/XLSXSampleTests.swift). The planted bad rows are text cells, typed as the
CSV's text is; the two breakages only a CSV can have (a delimiter that shifts the columns, a
byte that is not UTF-8) become what a workbook has instead: an error value in that cell.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
DUTCH_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
                "november", "december"]

# Cell styles (cellXfs): 0 General, 1 built-in date (14), 2 dd/mm/yyyy, 3 0.0%, 4 built-in 0% (9).
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
"""


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Workbook:
    """Sheets of rows; a cell is ("s", text), ("is", text), ("n", number text, style) or ("e", error)."""

    def __init__(self) -> None:
        self.sheets: list[tuple[str, list[tuple[int, list]]]] = []
        self.strings: dict[str, int] = {}

    def add_sheet(self, name: str, rows: list[tuple[int, list]]) -> None:
        self.sheets.append((name, rows))

    def cell_xml(self, ref: str, cell) -> str:
        kind, value = cell[0], cell[1]
        if kind == "s":
            index = self.strings.setdefault(value, len(self.strings))
            return f'<c r="{ref}" t="s"><v>{index}</v></c>'
        if kind == "is":
            return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
        if kind == "e":
            return f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>'
        style = f' s="{cell[2]}"' if cell[2] else ""
        return f'<c r="{ref}"{style}><v>{value}</v></c>'

    def sheet_xml(self, rows) -> str:
        out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>']
        for number, cells in rows:
            body = "".join(self.cell_xml(f"{column_letters(i)}{number}", c) for i, c in enumerate(cells) if c is not None)
            out.append(f'<row r="{number}">{body}</row>' if body else f'<row r="{number}"/>')
        out.append("</sheetData></worksheet>")
        return "".join(out)

    def write(self, path: str, stamp: dt.date) -> None:
        sheets = [(name, self.sheet_xml(rows)) for name, rows in self.sheets]  # fills the shared strings first
        count = len(sheets)
        parts = {
            "[Content_Types].xml": self.content_types(count),
            "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
                           f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                               '<workbookPr/><sheets>'
                               + "".join(f'<sheet name="{escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
                                         for i, (name, _) in enumerate(sheets))
                               + "</sheets></workbook>",
            "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL}">'
                                          + "".join(f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" '
                                                    f'Target="worksheets/sheet{i + 1}.xml"/>' for i in range(count))
                                          + f'<Relationship Id="rId{count + 1}" Type="{REL}/styles" Target="styles.xml"/>'
                                          f'<Relationship Id="rId{count + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                                          "</Relationships>",
            "xl/styles.xml": STYLES,
            "xl/sharedStrings.xml": self.shared_strings_xml(),
        }
        for i, (_, xml) in enumerate(sheets):
            parts[f"xl/worksheets/sheet{i + 1}.xml"] = xml
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in parts.items():
                info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, text.encode("utf-8"))

    def content_types(self, count: int) -> str:
        sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{sheet}.sheet.main+xml"/>'
                + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{sheet}.worksheet+xml"/>'
                          for i in range(count))
                + f'<Override PartName="/xl/styles.xml" ContentType="{sheet}.styles+xml"/>'
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sheet}.sharedStrings+xml"/></Types>')

    def shared_strings_xml(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in self.strings)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{len(self.strings)}" '
                f'uniqueCount="{len(self.strings)}">{items}</sst>')


# --- From CSV text to typed cells ----------------------------------------------------------

def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def date_cell(text: str, style: int):
    """A date typed as the exports write them, as a date cell; None when the text is no date."""
    if re.fullmatch(r"\d{5}", text):
        return ("n", text, 0)  # an Excel serial that lost its date format: a number in a date column
    match = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})", text)
    if match:
        return ("n", str(serial(dt.date(int(match[3]), int(match[2]), int(match[1])))), style)
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        return ("n", str(serial(dt.date(int(match[1]), int(match[2]), int(match[3])))), style)
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text)
    if match and match[2] in DUTCH_MONTHS:
        return ("n", str(serial(dt.date(int(match[3]), DUTCH_MONTHS.index(match[2]) + 1, int(match[1])))), style)
    return None


def number_cell(text: str):
    """A whole or decimal number (decimal comma or point), or a percentage, as a number cell."""
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return ("n", format(Decimal(text.replace(",", ".")).normalize(), "f"), 0)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%", text)
    if match:
        return ("n", format((Decimal(match[1]) / 100).normalize(), "f"), 3 if "." in match[1] else 4)
    return None


def typed(text: str, kind: str, date_style: int):
    if text == "":
        return None
    if kind == "date":
        return date_cell(text, date_style) or ("s", text)
    if kind == "number":
        return number_cell(text) or ("s", text)
    if kind == "inline":
        return ("is", text)
    return ("s", text)


def csv_records(path: str, encoding: str, delimiter: str):
    """(first line, fields, decodable) of each record of a CSV file, as stagebalans numbers lines."""
    with open(path, "rb") as handle:
        text = handle.read().decode(encoding, errors="surrogateescape")
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for fields in reader:
        yield line, fields, not any("\udc80" <= ch <= "\udcff" for field in fields for ch in field)
        line = reader.line_num + 1


# The breakages only CSV has, by the planted reason: the column whose cell holds an error instead.
CSV_ONLY = {"more fields than the header: unquoted delimiter": (8, "#REF!"), "a Windows-1252 byte in a UTF-8 file": (1, "#N/A")}


def sheet_rows(path, encoding, delimiter, kinds, planted_bad, first_row, date_style):
    """The CSV's records as sheet rows from `first_row` on: the header as text, planted bad rows
    as text (or an error value for a CSV-only breakage), the others typed by `kinds`."""
    rows = []
    number = first_row
    for line, fields, _ in csv_records(path, encoding, delimiter):
        why = planted_bad.get(line)
        if number == first_row:
            cells = [("s", f) if f else None for f in fields]
        elif why in CSV_ONLY:
            column, error = CSV_ONLY[why]
            cells = [("s", f) if f else None for f in fields[:len(kinds)]]
            cells[column] = ("e", error)
        elif why:
            cells = [("s", f) if f else None for f in fields]
        else:
            cells = [typed(f, kinds[i] if i < len(kinds) else "text", date_style) for i, f in enumerate(fields)]
        rows.append((number, cells))
        number += 1
    return rows


def write_sample_workbooks(out: str, planted_rows: list[dict], stamp: dt.date) -> None:
    """agreements_framework.xlsx, evaluations_2024-2025.xlsx and roster.xlsx beside their CSV forms."""
    def bad(name):
        return {row["line"]: row["why"] for row in planted_rows if row["path"] == "samples/" + name}

    agreements = Workbook()
    agreements.add_sheet("Toelichting", [(1, [("s", "Raamovereenkomsten van de faculteit; zie het blad Overeenkomsten.")])])
    kinds = ["text", "text", "text", "number", "date", "date", "text", "text", "text", "inline"]
    rows = sheet_rows(f"{out}/agreements_framework.csv", "cp1252", ";", kinds, bad("agreements_framework.csv"), 3, 2)
    agreements.add_sheet("Overeenkomsten", [(1, [("s", "Raamovereenkomsten, export van " + stamp.isoformat())]), (2, [])] + rows)
    agreements.write(f"{out}/agreements_framework.xlsx", stamp)

    evaluations = Workbook()
    kinds = ["text", "text", "text", "date", "date", "number", "text", "text", "text", "number", "number", "number", "number", "date"]
    evaluations.add_sheet("Evaluaties", sheet_rows(f"{out}/evaluations_2024-2025.csv", "utf-8", ",", kinds,
                                                   bad("evaluations_2024-2025.csv"), 1, 1))
    evaluations.write(f"{out}/evaluations_2024-2025.xlsx", stamp)

    roster = Workbook()
    roster.add_sheet("Studenten", sheet_rows(f"{out}/roster.tsv", "utf-8", "\t", ["text", "number", "text"], {}, 1, 1))
    roster.write(f"{out}/roster.xlsx", stamp)
