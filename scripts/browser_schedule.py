"""The page of `plan --schedule --format html` in the browser (issue 22): imported by
browser_check.py, run with `--schedule PAGE.html ...`. A page may have its plan's JSON beside
it (the same name with .json): then the grid is checked against the JSON's fix rows too.

Checks per page: no network request, no console error; the policy (the CSP meta, each inline
script and style hashed in it); the grid (`table.grid`: a caption, `th scope="col"` per block
with its dates, `th scope="row"` per group, every cell "students / slots" equal to its data
attributes, `full` exactly where the students on slots fill the slots, `extra-needed` exactly
where extra slots are, with "+N"); a legend of four entries in words; the fix's extra slots
equal to the grid's (with the JSON); no script of a hostile code ran (`window.__pwned`), no
element of its markup exists, and the codes are shown as text; at 390 px the page is no wider
than the phone and the grid scrolls inside its own `.scroll` box. With --screenshots: the page
at 1440 px and at 390 px.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from browser_check import (DESKTOP, PHONE, CheckFailed, Report, body_text, csp_and_hashes, drain_requests_and_console,
                           no_console_error, no_network, open_page, viewport)

PWNED = ("return typeof window.__pwned === 'undefined'"
         " && document.querySelectorAll('img[src=\"x\"], [onerror], [onmouseover]').length === 0"
         " && document.querySelectorAll('script').length === 1")
HOSTILE_TEXTS = ("</script><script>window.__pwned=1</script>", "=HYPERLINK(\"http://evil.example\",\"x\")")


def check_schedule_pages(report: Report, driver, pages: list[Path], screenshots: Path | None) -> None:
    for page in pages:
        seen: dict[str, list[str]] = {"requests": [], "console": []}
        tag = page.name
        if not report.check(f"{tag}: opens", lambda: open_schedule(driver, page)):
            continue
        report.check(f"{tag}: policy and hashes", csp_and_hashes, page.read_text(encoding="utf-8"))
        report.check(f"{tag}: grid markup and cells", grid_cells, driver)
        report.check(f"{tag}: legend in words", legend, driver)
        plan = page.with_suffix(".json")
        if plan.is_file():
            report.check(f"{tag}: extra slots as the JSON's fix", against_json, driver, json.loads(plan.read_text(encoding="utf-8")))
        report.check(f"{tag}: no hostile script ran", hostile, driver, page)
        report.check(f"{tag}: 390 px phone, the grid scrolls inside", phone, driver)
        if screenshots:
            report.check(f"{tag}: screenshots into {screenshots}", shoot, driver, screenshots, page.stem)
        drain_requests_and_console(driver, seen)
        report.check(f"{tag}: no network request", no_network, seen)
        report.check(f"{tag}: no console error", no_console_error, seen)


def open_schedule(driver, page: Path) -> str:
    if not page.is_file():
        raise CheckFailed(f"{page}: no such file")
    open_page(driver, page)
    return f"{page.stat().st_size:,} bytes"


def grid_cells(driver) -> str:
    grid = driver.execute_script("""
        var t = document.querySelector('table.grid'); if (!t) return null;
        return {caption: t.caption ? t.caption.textContent : '',
                cols: Array.from(t.tHead.rows[0].cells).map(c => [c.getAttribute('scope'), c.textContent]),
                rows: Array.from(t.tBodies[0].rows).map(r => ({head: r.cells[0].getAttribute('scope'),
                  cells: Array.from(r.cells).slice(1).map(c => ({text: c.textContent, classes: c.className,
                    students: +c.dataset.students, slots: +c.dataset.slots, extra: +c.dataset.extra}))}))};""")
    if grid is None:
        raise CheckFailed("no table.grid (the block × group grid)")
    if not grid["caption"].strip():
        raise CheckFailed("the grid has no caption")
    if any(scope != "col" for scope, _ in grid["cols"]) or any(row["head"] != "row" for row in grid["rows"]):
        raise CheckFailed(f"headers without scope: {grid['cols']}")
    for scope, text in grid["cols"][1:]:
        if not re.search(r"\d{2}/\d{2}/\d{4}–\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}–\d{4}-\d{2}-\d{2}", text):
            raise CheckFailed(f"the block heading {text!r} has no dates")
    count = 0
    for row in grid["rows"]:
        for cell in row["cells"]:
            count += 1
            if not cell["text"].startswith(f"{cell['students']} / {cell['slots']}"):
                raise CheckFailed(f"a cell reads {cell['text']!r}, its data says {cell['students']} / {cell['slots']}")
            full = cell["slots"] > 0 and cell["students"] - cell["extra"] >= cell["slots"] and "idle" not in cell["classes"]
            if full != ("full" in cell["classes"].split()) or full != ("■" in cell["text"]):
                raise CheckFailed(f"cell {cell}: marked full {'full' in cell['classes']}, should be {full}")
            extra = cell["extra"] > 0
            if extra != ("extra-needed" in cell["classes"].split()) or extra != (f"+{cell['extra']}" in cell["text"]):
                raise CheckFailed(f"cell {cell}: the extra slots are not shown as +{cell['extra']}")
            if ("cut" in cell["classes"].split()) != ("✂" in cell["text"]):
                raise CheckFailed(f"cell {cell}: the cut's class and mark differ")
    return f"{len(grid['rows'])} groups × {len(grid['cols']) - 1} blocks, {count} cells"


def legend(driver) -> str:
    items = driver.execute_script("return Array.from(document.querySelectorAll('#grid ul.legend li')).map(l => l.textContent)")
    marks = ("/", "■", "✂", "+")
    if len(items) != 4 or any(mark not in item or len(item) < 12 for mark, item in zip(marks, items)):
        raise CheckFailed(f"the legend reads {items}; expected the four marks each with its words")
    return ""


def against_json(driver, plan: dict) -> str:
    cells = driver.execute_script(
        "return Array.from(document.querySelectorAll('table.grid td')).map(c => [c.dataset.group, c.dataset.block, +c.dataset.extra])")
    shown = {(group, block): extra for group, block, extra in cells if extra}
    expected = {(row["group"], row["block"]): row["extra_slots"] for row in plan["fix"] if row["extra_slots"]}
    if shown != expected:
        raise CheckFailed(f"the grid's extra slots {shown} differ from the JSON's fix {expected}")
    total = plan["summary"].get("extra_slots") or 0
    if sum(expected.values()) != total:
        raise CheckFailed(f"the fix's extra slots add up to {sum(expected.values())}, the summary says {total}")
    return f"{len(expected)} cells, {total} extra slots"


def hostile(driver, page: Path) -> str:
    if not driver.execute_script(PWNED):
        raise CheckFailed("a hostile code's script ran or its markup became an element")
    html = page.read_text(encoding="utf-8")
    text = body_text(driver)
    shown = [name for name in HOSTILE_TEXTS if name in text]
    if "window.__pwned" in html and len(shown) != len(HOSTILE_TEXTS):
        raise CheckFailed(f"the hostile codes are not all shown as text (found {len(shown)} of {len(HOSTILE_TEXTS)})")
    return f"{len(shown)} hostile codes shown as text" if shown else ""


def phone(driver) -> str:
    viewport(driver, PHONE, True)
    try:
        width = driver.execute_script("return document.documentElement.scrollWidth")
        offenders = driver.execute_script(
            "return Array.from(document.querySelectorAll('body *')).filter(e => !e.closest('.scroll')"
            " && e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName.toLowerCase()"
            " + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')")
        box = driver.execute_script("var s = document.querySelector('table.grid').closest('.scroll');"
                                    " return s ? [s.clientWidth, s.scrollWidth, getComputedStyle(s).overflowX] : null")
    finally:
        viewport(driver, DESKTOP, False)
    if width > PHONE[0] or offenders:
        raise CheckFailed(f"the page is {width} px wide at {PHONE[0]} px; outside .scroll: {', '.join(offenders) or 'none'}")
    if not box or box[2] != "auto" or box[0] > PHONE[0]:
        raise CheckFailed(f"the grid is not in a scrolling box within the phone's width: {box}")
    return f"page {width} px; grid box {box[0]} px showing {box[1]} px by scrolling"


def shoot(driver, folder: Path, stem: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for suffix, size, mobile in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
        viewport(driver, size, mobile)
        driver.execute_script("window.scrollTo(0, 0)")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": size[0], "height": min(height, 2400), "scale": 1}
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
        (folder / f"{stem}-{suffix}.png").write_bytes(base64.b64decode(shot["data"]))
        names.append(f"{stem}-{suffix}.png")
    viewport(driver, DESKTOP, False)
    return ", ".join(names)
