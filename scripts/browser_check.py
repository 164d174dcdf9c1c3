#!/usr/bin/env python3
"""The sample run's report.html in a real browser (issue 20): headless Chromium through selenium.

    scripts/browser_check.py .build/debug/stagebalans                  every check
    scripts/browser_check.py BIN --screenshots docs                    also docs/report-desktop.png, -phone.png
    scripts/browser_check.py BIN --only page|hostile                   one half
    scripts/browser_check.py BIN --keep                                keep the temporary runs, print where
    scripts/browser_check.py --measure PAGE.html                       its size and load time, nothing else
    scripts/browser_check.py --schedule PAGE.html [...] [--screenshots DIR]   pages of `plan --schedule` only

Runs BIN on the samples (a copy of pipelines/sample.yml with its own output folder) in Dutch,
in English and for auditors, opens each latest/report.html through file:// and checks the page
against the contract of docs/testing.md#the-page-in-a-browser. The hostile half
(scripts/browser_hostile.py) runs a copy of the samples whose names carry markup. Every check
prints `ok` or `FAIL` with what it expected and what it found; the exit status is 1 when any
check failed. Needs Debian's chromium and chromium-driver, selenium from PyPI and pdftotext
(poppler-utils); .ci/run installs them.
"""
from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AUDITORS_KEY = "a browser-test key of at least sixteen bytes"
# The action list's entries and the finding codes behind them (the page contract, issue 20).
ACTION_CODES = {"over-capacity": "OVER_CAPACITY", "expiring": "AGREEMENT_EXPIRING", "overdue": "EVALUATION_MISSING"}
NEW_CHANGES = ("NEW_FINDING", "AGREEMENT_ENTERED_EXPIRY")
SOURCE_TOKEN = re.compile(r"[^\s,;]+:\d+")
CSP_PATTERN = re.compile(r"default-src 'none'; script-src( 'sha256-[A-Za-z0-9+/]+=*')+; "
                         r"style-src( 'sha256-[A-Za-z0-9+/]+=*')+; base-uri 'none'; form-action 'none'")
DESKTOP, PHONE = (1440, 900), (390, 844)


class CheckFailed(Exception):
    """A check's failure: the message says what was expected and what the page had."""


class Report:
    """Runs named checks, prints `ok`/`FAIL` per check and keeps the count of failures."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passed = 0

    def check(self, name: str, function, *args) -> object:
        try:
            detail = function(*args)
        except CheckFailed as failure:
            self.fail(name, str(failure))
            return None
        except Exception as error:  # selenium's own errors: name them, go on with the next check
            self.fail(name, f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}")
            return None
        self.passed += 1
        print(f"ok    {name}" + (f": {detail}" if isinstance(detail, str) and detail else ""), flush=True)
        return detail if detail is not None else True

    def fail(self, name: str, message: str) -> None:
        self.failures.append(name)
        print(f"FAIL  {name}: {message}", flush=True)


# MARK: Runs and their CSVs

def run_pipeline(binary: Path, definition: Path, output: Path, args: list[str], env: dict[str, str] | None = None) -> None:
    """Runs `binary run` on a copy of `definition` (next to it, so its relative paths hold) with
    `output:` replaced; exit 0 or 1 (findings with errors) is a run, anything else a failure."""
    text = definition.read_text(encoding="utf-8")
    copy = definition.parent / f".browser-{output.name}.yml"
    copy.write_text(re.sub(r"(?m)^output: .*$", f"output: {output}", text), encoding="utf-8")
    try:
        result = subprocess.run([str(binary), "run", str(copy), "--quiet", *args], capture_output=True, text=True,
                                env={**os.environ, **(env or {})}, timeout=300)
    finally:
        copy.unlink(missing_ok=True)
    if result.returncode not in (0, 1):
        raise CheckFailed(f"`stagebalans run {' '.join(args)}` exited {result.returncode}: "
                          + (result.stderr.strip().splitlines() or ["(no message)"])[0])
    page = output / "latest" / "report.html"
    if not page.is_file():
        raise CheckFailed(f"the run wrote no {page}")
    return None


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def discipline_groups(reference: Path) -> dict[str, str]:
    """Discipline code -> its group (the top of its `parent:` chain) from the taxonomy YAML."""
    parents: dict[str, str | None] = {}
    code = None
    for line in reference.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\s*- code:\s*\"?([^\"#]+?)\"?\s*$", line):
            code = match.group(1)
            parents[code] = None
        elif (match := re.match(r"\s*parent:\s*\"?([^\"#]+?)\"?\s*$", line)) and code:
            parents[code] = match.group(1)

    def top(code: str) -> str:
        seen = set()
        while parents.get(code) and code not in seen:
            seen.add(code)
            code = parents[code] or code
        return code
    return {code: top(code) for code in parents}


def number(value: int, language: str) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if language == "nl" else grouped


# MARK: The browser

def start_browser():
    try:
        from selenium import webdriver
    except ImportError:
        sys.exit("error: selenium is missing: python3 -m pip install selenium")
    if not shutil.which("chromedriver"):
        sys.exit("error: chromedriver is missing: apt-get install chromium chromium-driver")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    binary = next((p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)
    if binary:
        options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--window-size=1440,900", "--lang=nl"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


def viewport(driver, size: tuple[int, int], mobile: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": mobile})


def open_page(driver, page: Path) -> None:
    viewport(driver, DESKTOP, False)
    driver.get(page.resolve().as_uri())
    # The page's script parses its data block in the task after DOMContentLoaded and marks the
    # page ready (html[data-ready]); an old page or a page without script never does.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not driver.execute_script(
            "return document.readyState === 'complete' && (document.documentElement.dataset.ready === 'yes'"
            " || !document.getElementById('page-data'))"):
        time.sleep(0.05)


def drain_requests_and_console(driver, into: dict[str, list[str]]) -> None:
    """Moves the browser's performance and console logs (read once, then gone) into `into`."""
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            into["requests"].append(message["params"]["request"]["url"])
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            into["console"].append(entry.get("message", ""))


def no_network(seen: dict[str, list[str]]) -> str:
    outside = [url for url in seen["requests"] if not url.startswith(("file://", "data:", "about:"))]
    if outside:
        raise CheckFailed(f"{len(outside)} request(s) beyond file:// and data:, first {outside[0][:200]}")
    return f"{len(seen['requests'])} requests, all file:// or data:"


def no_console_error(seen: dict[str, list[str]]) -> str:
    if seen["console"]:
        raise CheckFailed(f"{len(seen['console'])} console error(s), first: {seen['console'][0][:300]}")
    return ""


def visible(driver, css: str) -> int:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).filter(e => !e.closest('[hidden]')).length", css)


def one(driver, css: str, what: str):
    from selenium.webdriver.common.by import By
    found = driver.find_elements(By.CSS_SELECTOR, css)
    if not found:
        raise CheckFailed(f"no element matches `{css}` ({what}; page contract, issue 20)")
    return found[0]


def body_text(driver) -> str:
    return driver.execute_script(
        "var c = document.body.cloneNode(true); c.querySelectorAll('script, style').forEach(s => s.remove());"
        " return c.textContent;")


def drill_sources(driver) -> list[list[str]]:
    """The open drill-down panel's rows: the `path:line`s of each row's td.source."""
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        WebDriverWait(driver, 5).until(lambda d: d.execute_script(
            "var p = document.getElementById('drill'); return p && !p.closest('[hidden]') && p.querySelector('table td.source');"))
    except Exception:
        raise CheckFailed("after the click `#drill` shows no table with a `td.source` cell (page contract, issue 20)")
    texts = driver.execute_script(
        "return Array.from(document.querySelectorAll('#drill table tr')).map(r => "
        "Array.from(r.querySelectorAll('td.source')).map(c => c.textContent).join(' ')).filter(t => t.trim())")
    return [SOURCE_TOKEN.findall(text) for text in texts]


def click(driver, element) -> None:
    """A real click; when something lies over the element (a sticky heading), the click event
    itself, so that the handler still runs on the data."""
    from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    try:
        element.click()
    except (ElementClickInterceptedException, ElementNotInteractableException):
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))", element)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", type=Path, nargs="?")
    parser.add_argument("--screenshots", type=Path, help="folder for report-desktop.png and report-phone.png")
    parser.add_argument("--only", choices=["page", "hostile"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary runs")
    parser.add_argument("--measure", type=Path, help="a page to measure (the 1 M-row run's): bytes and load time")
    parser.add_argument("--schedule", type=Path, nargs="+", help="pages of `plan --schedule --format html` (scripts/browser_schedule.py)")
    options = parser.parse_args()
    if options.measure:
        return measure(options.measure)
    if options.schedule:
        return schedule_pages(options.schedule, options.screenshots)
    if options.binary is None:
        parser.error("give the stagebalans executable, e.g. .build/debug/stagebalans")
    binary = options.binary.resolve()
    if not binary.is_file():
        print(f"error: {options.binary}: no such executable; build it first (`swift build`)", file=sys.stderr)
        return 2
    import browser_page
    import browser_hostile
    report, work = Report(), Path(tempfile.mkdtemp(prefix="stagebalans-browser-"))
    started = time.monotonic()
    driver = start_browser()
    try:
        if options.only in (None, "page"):
            browser_page.check_samples(report, driver, binary, work, options.screenshots)
        if options.only in (None, "hostile"):
            browser_hostile.check_hostile(report, driver, binary, work)
    finally:
        driver.quit()
        if options.keep:
            print(f"runs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = report.passed + len(report.failures)
    print(f"\n{report.passed} of {total} browser checks passed in {time.monotonic() - started:.1f} s"
          + (f"; failed: {', '.join(report.failures)}" if report.failures else ""))
    return 1 if report.failures else 0


def schedule_pages(pages: list[Path], screenshots: Path | None) -> int:
    """The checks of scripts/browser_schedule.py on the given pages of `plan --schedule`."""
    import browser_schedule
    report, started = Report(), time.monotonic()
    driver = start_browser()
    try:
        browser_schedule.check_schedule_pages(report, driver, pages, screenshots)
    finally:
        driver.quit()
    total = report.passed + len(report.failures)
    print(f"\n{report.passed} of {total} schedule page checks passed in {time.monotonic() - started:.1f} s"
          + (f"; failed: {', '.join(report.failures)}" if report.failures else ""))
    return 1 if report.failures else 0


def load_time(driver) -> float:
    """domContentLoadedEventEnd of the page last opened, in milliseconds from navigation start."""
    return driver.execute_script("var n = performance.getEntriesByType('navigation')[0];"
                                 " return n ? n.domContentLoadedEventEnd : -1;")


def measure(page: Path) -> int:
    """The budget's figures of issue 20 for any page: its size and, over five loads, the median
    domContentLoadedEventEnd in headless Chromium."""
    if not page.is_file():
        print(f"error: {page}: no such file", file=sys.stderr)
        return 2
    driver = start_browser()
    try:
        times, ready = [], []
        for _ in range(5):
            open_page(driver, page)
            times.append(load_time(driver))
            ready.append(driver.execute_script("var m = performance.getEntriesByName('page-ready')[0]; return m ? m.startTime : -1;"))
    finally:
        driver.quit()
    print(f"{page}: {page.stat().st_size:,} bytes, domContentLoadedEventEnd median {sorted(times)[2]:.0f} ms "
          f"(of {', '.join(f'{t:.0f}' for t in times)}); interactive (data parsed, filters and paging set up) median "
          f"{sorted(ready)[2]:.0f} ms (of {', '.join(f'{t:.0f}' for t in ready)})")
    return 0


def csp_and_hashes(html: str) -> str:
    """The CSP meta's exact text, and its hashes equal to the page's inline script and style."""
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    if not match:
        raise CheckFailed('no <meta http-equiv="Content-Security-Policy" content="…"> in the page')
    policy = match.group(1).replace("&#39;", "'").replace("&apos;", "'")
    if "unsafe-inline" in policy or not CSP_PATTERN.fullmatch(policy):
        raise CheckFailed(f"the policy reads {policy!r}; expected exactly \"default-src 'none'; script-src 'sha256-…'; "
                          "style-src 'sha256-…'; base-uri 'none'; form-action 'none'\"")
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        allowed = set(re.findall(directive + r"((?: 'sha256-[^']+')+)", policy)[0].split())
        for attributes, body in re.findall(rf"<{tag}([^>]*)>(.*?)</{tag}>", html, re.S):
            if "application/json" in attributes:
                continue
            digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
            if digest not in allowed:
                raise CheckFailed(f"an inline <{tag}> hashes to {digest}, which {directive} does not list")
    return policy[:60] + "…"


if __name__ == "__main__":
    # Run as the module `browser_check`, the one browser_page and browser_hostile import, so that
    # there is one CheckFailed class, not one per name.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import browser_check
    sys.exit(browser_check.main())
