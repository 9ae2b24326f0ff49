"""The report pages in a real browser: headless Chromium opens the roster's index and a
member page from disk, renders them (scripts run), takes screenshots, and no request
leaves the machine.

Chromium is the Debian package ``chromium``; ``.ci/run`` installs it when it is missing.
Without it these tests say so plainly: skipped on a developer's machine, failed in CI
(``CI`` set, as ``.ci/run`` does), never silently passed over.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser_helpers import INSTALL_HINT, Browser, find_chromium
from cli_helpers import cep

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = find_chromium()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        message = f"Chromium is not installed, so the report pages were not tested in a browser: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    b = Browser(CHROMIUM, tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    r = cep(ROOT / "ledgers", "report", "--all", "--year", "2025", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    return out


def local_only(requests: list[str]) -> list[str]:
    """The requests that would leave the machine (anything but file: and data: URLs)."""
    return [u for u in requests if not u.startswith(("file:", "data:", "about:"))]


def test_index_renders_sorts_and_filters_without_the_network(browser, site, tmp_path):
    index = site / "index.html"
    requests = browser.open(index.as_uri())
    assert requests and requests[0] == index.as_uri()
    assert local_only(requests) == []
    assert browser.errors() == []
    text = browser.evaluate("document.body.innerText")
    assert "Continuing education roster" in text and "6 members, 6 programs: 4 met, 2 short, 0 overdue." in text
    assert "6 of 6 shown" in text  # written by the page's script: it ran
    for name in ("Amelia Okafor", "Brian Tallman", "Dana Reyes", "Fatima Haddad"):
        assert name in text
    assert browser.evaluate("document.querySelectorAll('#roster svg.bar').length") == 6
    shot = browser.screenshot(tmp_path / "index.png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000

    # filter: the standing menu, then words
    browser.evaluate("var s = document.getElementById('standing'); s.value = 'short';"
                     "s.dispatchEvent(new Event('change'))")
    visible = "Array.from(document.querySelectorAll('#roster tbody tr')).filter(r => !r.hidden).map(r => r.querySelector('code').textContent)"
    assert browser.evaluate(visible) == ["brian-tallman", "eli-nakamura"]
    assert "2 of 6 shown" in browser.evaluate("document.getElementById('shown').textContent")
    browser.evaluate("var s = document.getElementById('standing'); s.value = ''; s.dispatchEvent(new Event('change'));"
                     "var q = document.getElementById('q'); q.value = 'butte'; q.dispatchEvent(new Event('input'))")
    assert browser.evaluate(visible) == ["dana-reyes"]
    browser.evaluate("var q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")

    # sort: by the earned/required share, then descending
    browser.evaluate("document.querySelectorAll('#roster th')[4].click()")
    order = browser.evaluate(visible)
    assert order[:2] == ["brian-tallman", "eli-nakamura"]  # 22/30 < 33/40 < the met ones
    browser.evaluate("document.querySelectorAll('#roster th')[4].click()")
    assert browser.evaluate(visible)[-2:] == ["eli-nakamura", "brian-tallman"]
    assert browser.evaluate("document.querySelectorAll('#roster th')[4].getAttribute('aria-sort')") == "descending"


def test_a_member_page_renders_with_its_charts_without_the_network(browser, site, tmp_path):
    page = site / "members" / "dana-reyes.html"
    requests = browser.open(page.as_uri())
    assert local_only(requests) == [] and browser.errors() == []
    text = browser.evaluate("document.body.innerText")
    assert "Continuing education report" in text and "Dana Reyes (dana-reyes)" in text
    # --year 2025: the program year with the most days in 2025-26 (RULES.md), not every year begun
    assert "Program year 2: 2025-09-03 to 2026-09-02" in text and "Program year 1:" not in text
    assert "CPSEL matrix" in text and "Coaching log" in text and "I certify that" in text
    assert browser.evaluate("document.querySelectorAll('svg.chart').length") == 1  # the year's progress by activity
    back = browser.evaluate("document.querySelector('nav a').href")
    assert back == (site / "index.html").as_uri()
    shot = browser.screenshot(tmp_path / "member.png")
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 20_000


def test_a_page_that_fetches_something_is_caught(browser, tmp_path):
    """The check can fail: a page with an image from the web makes a request that is seen."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://192.0.2.1/pixel.png">hi</body></html>',
                    encoding="utf-8")
    requests = browser.open(page.as_uri())
    assert local_only(requests) == ["http://192.0.2.1/pixel.png"]


@pytest.mark.parametrize("ci, outcome", [("1", "error"), ("", "skipped")])
def test_without_chromium_the_tests_say_so_and_fail_in_ci(tmp_path, ci, outcome):
    import subprocess
    import sys

    env = {**os.environ, "CHROMIUM": "none", "CI": ci}
    done = subprocess.run([sys.executable, "-m", "pytest", "-rsfE", "-k", "index_renders",
                           str(Path(__file__))], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert f"1 {outcome}" in done.stdout, done.stdout
    assert "Chromium is not installed, so the report pages were not tested in a browser" in done.stdout
    assert done.returncode == (1 if ci else 0)


def test_the_folder_works_from_a_plain_static_server(browser, site):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        requests = browser.open(origin + "index.html")
        assert requests and all(u.startswith(origin) for u in requests), requests
        assert "6 of 6 shown" in browser.evaluate("document.body.innerText")
        browser.evaluate("document.querySelector('a[href=\"members/chantal-morin.html\"]').click()")
        browser.wait_for("Page.loadEventFired")
        assert browser.evaluate("location.href") == origin + "members/chantal-morin.html"
        assert "Chantal Morin (chantal-morin)" in browser.evaluate("document.body.innerText")
        assert all(u.startswith(origin) for u in browser.requests())
    finally:
        server.shutdown()
        server.server_close()
