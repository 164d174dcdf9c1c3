#!/usr/bin/env python3
"""The page's budget on a big run: its size, and domContentLoadedEventEnd and loadEventEnd
in headless Chromium (median of ROUNDS loads, each in a fresh tab).

    python3 scripts/page_budget.py bench-data/scale-1m/out/latest/report.html [ROUNDS]

Needs Debian's chromium and chromium-driver and selenium (pip). Prints one line per load and
the medians; the figures go to docs/benchmarks.md by hand.
"""
import os
import statistics
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def main():
    path = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,900"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    loaded, ready = [], []
    try:
        for _ in range(rounds):
            driver.get("about:blank")
            driver.get("file://" + path)
            timing = driver.execute_script(
                "var t = performance.getEntriesByType('navigation')[0];"
                "return [t.domContentLoadedEventEnd, t.loadEventEnd, document.querySelectorAll('*').length];")
            ready.append(timing[0])
            loaded.append(timing[1])
            print(f"domContentLoadedEventEnd {timing[0]:.0f} ms, loadEventEnd {timing[1]:.0f} ms, {timing[2]} elements")
    finally:
        driver.quit()
    size = os.path.getsize(path)
    print(f"{path}: {size / 1e6:.2f} MB; median domContentLoadedEventEnd {statistics.median(ready):.0f} ms, "
          f"loadEventEnd {statistics.median(loaded):.0f} ms over {rounds} loads")


if __name__ == "__main__":
    main()
