"""The hostile half of scripts/browser_check.py (issue 20, point 10): a copy of the samples whose
site register and evaluations carry markup, run and opened in the browser; no script of theirs
may run, and the page shows their text as text. Imported by browser_check.py.

The copy (in the check's temporary folder): pipelines/sample.yml and pipelines/sample/ as they
are, samples/ with two evaluation rows given unknown hostile site names (two UNKNOWN_SITE
findings quoting them), and in pipelines/sample/sites.yml three register sites renamed (their
old names kept as aliases, so their agreements and placements still resolve), one of them with
quotes in its code.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from browser_check import (REPO, CheckFailed, Report, body_text, click, drain_requests_and_console, no_console_error,
                           no_network, open_page, run_pipeline)

LS = "\u2028"
SCRIPT_NAME = "</script><script>window.__pwned=1</script>"
IMAGE_NAME = "\"'><img src=x onerror=window.__pwned=1>"
COMMENT_NAME = f"<!-- AZ{LS}Nikolaas -->"
QUOTED_CODE = "AZ\"J'P"
# Register sites: code -> (new code, new name); the old name becomes an alias.
REGISTER = {"AZJP": (QUOTED_CODE, SCRIPT_NAME), "AZDE": ("AZDE", IMAGE_NAME), "AZNI": ("AZNI", COMMENT_NAME)}
# Unknown site names written into evaluations_2024-2025.csv (line -> name).
# Unlike any register name, or the fuzzy match would take them for one (normalised, the image
# tag reads as IMAGE_NAME).
UNKNOWN = {5: f"<!--<script>window.__pwned=1</script>{LS}Kliniek", 8: "Kliniek \"De Poort' <b onmouseover=window.__pwned=1>x</b>"}
# Their script has not run, and no element of their markup exists.
PWNED = ("return typeof window.__pwned === 'undefined'"
         " && document.querySelectorAll('img[src=\"x\"], [onerror], [onmouseover]').length === 0")


def yaml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace(LS, "\\u2028") + '"'


def csv_quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def build(work: Path) -> Path:
    """The hostile copy; returns its definition."""
    root = work / "hostile"
    shutil.copytree(REPO / "samples", root / "samples")
    shutil.copytree(REPO / "pipelines" / "sample", root / "pipelines" / "sample")
    shutil.copy(REPO / "pipelines" / "sample.yml", root / "pipelines" / "sample.yml")
    sites = root / "pipelines" / "sample" / "sites.yml"
    text = sites.read_text(encoding="utf-8")
    for code, (new_code, name) in REGISTER.items():
        block = re.compile(rf'  - code: {code}\n    name: "([^"]*)"\n')
        if not block.search(text):
            raise CheckFailed(f"{sites}: no entry `- code: {code}` with a name line to make hostile")
        text = block.sub(lambda m: f"  - code: {yaml_quoted(new_code)}\n    name: {yaml_quoted(name)}\n"
                                   f"    aliases: [{yaml_quoted(m.group(1))}]\n", text, count=1)
    sites.write_text(text, encoding="utf-8")
    evaluations = root / "samples" / "evaluations_2024-2025.csv"
    # Bytes, not text: the file keeps its planted quirks (a stray Latin-1 byte among them).
    lines = evaluations.read_bytes().split(b"\n")
    for number, name in UNKNOWN.items():
        fields = lines[number - 1].split(b",")
        fields[1] = csv_quoted(name).encode("utf-8")
        lines[number - 1] = b",".join(fields)
    evaluations.write_bytes(b"\n".join(lines))
    return root / "pipelines" / "sample.yml"


def check_hostile(report: Report, driver, binary: Path, work: Path) -> None:
    definition = report.check("hostile: copy of the samples with markup in names", build, work)
    output = work / "hostile-out"
    if not definition or not report.check("hostile: run", run_pipeline, binary, work / "hostile" / "pipelines" / "sample.yml",
                                          output, []):
        return
    page = output / "latest" / "report.html"
    html = page.read_text(encoding="utf-8")
    seen = {"requests": [], "console": []}
    report.check("hostile: the data block stays one JSON value holding the names", data_block_holds_names, html)
    open_page(driver, page)
    report.check("hostile: no script of theirs after loading", not_pwned, driver, "loading")
    report.check("hostile: every drill-down clicked, nothing runs", click_every_drill, driver)
    report.check("hostile: every filter option chosen, nothing runs", choose_every_filter, driver)
    report.check("hostile: the names show as text", names_shown, driver)
    drain_requests_and_console(driver, seen)
    report.check("hostile: no network request", no_network, seen)
    report.check("hostile: no console error", no_console_error, seen)


def not_pwned(driver, after: str) -> str:
    if not driver.execute_script(PWNED):
        raise CheckFailed(f"window.__pwned is set or an <img src=x> exists after {after}: a hostile name ran as markup")
    return ""


def data_block_holds_names(html: str) -> str:
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    if not match:
        raise CheckFailed('no <script type="application/json" id="page-data">')
    def texts(value):
        """Every key and string of a JSON value, as the script reads them."""
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from texts(item)
        elif isinstance(value, list):
            for item in value:
                yield from texts(item)
    try:
        data = set(texts(json.loads(match.group(1))))
    except ValueError as error:
        raise CheckFailed(f"#page-data up to its first </script> is no JSON value ({error}): a name broke out")
    if LS in match.group(1):
        raise CheckFailed("#page-data holds a raw U+2028 (write it \\u2028)")
    missing = [name for name in (SCRIPT_NAME, IMAGE_NAME, QUOTED_CODE) if not any(name in text for text in data)]
    if missing:
        raise CheckFailed(f"#page-data parses but lacks {missing!r}")
    return ""


def click_every_drill(driver) -> str:
    from selenium.webdriver.common.by import By
    driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    buttons = driver.find_elements(By.CSS_SELECTOR, "button.drill")
    if not buttons:
        raise CheckFailed("no button.drill on the page (page contract, issue 20)")
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.coverage g.bar")
    for element in buttons[:60] + bars[:20]:
        if element.is_displayed():
            click(driver, element)
            not_pwned(driver, "a drill-down click")
    return f"{min(len(buttons), 60)} buttons, {min(len(bars), 20)} bars"


def choose_every_filter(driver) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    selects = driver.find_elements(By.CSS_SELECTOR, "#filters select")
    if not selects:
        raise CheckFailed("no <form id=\"filters\"> with selects (page contract, issue 20)")
    chosen = 0
    # Chosen as a user's change event would: selenium's select_by_value builds a CSS selector
    # that a value holding both quote characters breaks.
    choose = "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}));"
    for element in selects:
        select = Select(element)
        for value in [o.get_attribute("value") for o in select.options]:
            driver.execute_script(choose, element, value)
            chosen += 1
            not_pwned(driver, f"choosing {value!r} in #{element.get_attribute('id')}")
        driver.execute_script(choose, element, "")
    if not any(QUOTED_CODE == o.get_attribute("value") for o in Select(one_select(driver)).options):
        raise CheckFailed(f"#filter-site offers no option with the value {QUOTED_CODE!r}")
    return f"{chosen} options"


def one_select(driver):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, "#filter-site")


def names_shown(driver) -> str:
    text = body_text(driver)
    names = [SCRIPT_NAME, IMAGE_NAME, COMMENT_NAME, QUOTED_CODE, *UNKNOWN.values()]
    # U+2028 may show as itself, as the project's visible marker (VisibleText) or as a space.
    missing = [name for name in names if not any(name.replace(LS, shown) in text for shown in (LS, "⟨U+2028⟩", " "))]
    if missing:
        raise CheckFailed(f"{len(missing)} of {len(names)} hostile names not shown literally: {missing!r}")
    return f"{len(names)} names"
