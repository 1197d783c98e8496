"""End to end in headless Chromium: start `warta serve`'s server, type an article, press Extract, check the view.

The server gets `FakePipeline` (tests/test_server.py), whose output for the
article is annotated by hand, so the test can say which entity labels and
event rows must appear. A second test uses the shipped model when it is
present. The screenshot of the page after extraction is saved to
artifacts/browser/extract.png (printed in the test output).

Needs Debian's `chromium` package (or any Chromium: set WARTA_CHROMIUM) and the
`playwright` Python package (the driver only: `playwright install` is never
needed). Without them the tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from test_server import ARTICLE, FakePipeline

from warta.server import make_server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
INSTALL = ("install Debian's chromium (apt-get install -y chromium) and the driver (pip install playwright); "
           ".ci/run does both when the package registries are reachable")


def _chromium() -> str | None:
    candidates = [os.environ.get("WARTA_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                  shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome")]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"browser test skipped: the playwright package is not installed ({INSTALL})")
    exe = _chromium()
    if exe is None:
        pytest.skip(f"browser test skipped: no Chromium executable found ({INSTALL})")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=exe, args=ARGS, timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - a browser that cannot start is a missing browser
            pytest.skip(f"browser test skipped: {exe} did not start ({str(exc).splitlines()[0]})")
        yield b
        b.close()


def _server(pipeline, **kw):
    srv = make_server(pipeline, port=0, quiet=True, **kw)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return srv


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    pg = ctx.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def _extract(page, text: str, date: str | None = None) -> None:
    page.locator("#text").click()
    page.locator("#text").press_sequentially(text)  # typed key by key, as a user would
    if date:
        page.locator("#date").fill(date)
    page.get_by_role("button", name="Extract").click()


def test_type_article_extract_and_see_the_view(page, capsys):
    fake = FakePipeline()
    srv = _server(fake)
    try:
        page.goto(srv.url)
        assert page.title() == "warta: extract"
        _extract(page, ARTICLE, "2024-05-17")
        page.wait_for_selector("#result table.events tr.event", timeout=30_000)
        assert fake.calls == [(ARTICLE, "2024-05-17")]

        # the legend lists every entity label
        legend = page.locator("#result ul.legend li")
        assert legend.evaluate_all("els => els.map(e => e.dataset.label)") == \
            ["PER", "ROLE", "ORG", "LOC", "LAW", "QTY", "DATE"]
        # the expected entities are highlighted with their labels, at the right offsets of the typed text
        spans = page.locator("#result mark.ent").evaluate_all(
            "els => els.map(e => [e.dataset.label, +e.dataset.start, +e.dataset.end, e.textContent,"
            " getComputedStyle(e).backgroundColor])")
        got = [(label, text) for label, _, _, text, _ in spans]
        assert ("PER", "Yudha Pratama") in got and ("ROLE", "Kepala") in got
        assert ("ORG", "Badan Pelindungan Pekerja Migran Indonesia") in got
        assert ("LOC", "Bandara Soekarno-Hatta") in got and ("QTY", "46 calon pekerja migran") in got
        assert ("DATE", "Kamis (16/5/2024)") in got and ("LAW", "Undang-Undang Nomor 18 Tahun 2017") in got
        for _, start, end, text, colour in spans:
            assert ARTICLE[start:end] == text
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the label colour is applied
        # the event rows, with trigger, arguments by role and normalised values
        rows = page.locator("#result table.events tr.event")
        assert rows.evaluate_all("els => els.map(e => e.dataset.type)") == ["RESCUE", "STATEMENT", "LEGAL_ACTION"]
        rescue = rows.nth(0)
        assert rescue.locator("td.trigger-text").inner_text() == "menggagalkan"
        assert rescue.locator("li.arg").evaluate_all("els => els.map(e => e.dataset.role)") == \
            ["agent", "patient", "place", "time"]
        assert "2024-05-16" in rescue.locator("li.arg[data-role=time]").inner_text()
        assert "UU 18/2017" in rows.nth(2).inner_text()
        # relations under their sentence, and the status line
        assert page.locator("#result .sentence ul.relations li[data-label=HAS_ROLE]").count() == 1
        assert page.locator("#status").inner_text() == "3 events, 12 entities, 3 relations."
        assert page.locator("#json-box").is_visible()

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "extract.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        with capsys.disabled():
            print(f"\n[browser test] screenshot after extraction: {shot.relative_to(ROOT)}")
        assert page.problems == []  # no script errors, no CSP violations
    finally:
        srv.shutdown()
        srv.server_close()


def test_script_in_text_is_shown_not_run(page):
    srv = _server(FakePipeline())
    try:
        page.goto(srv.url)
        hostile = ('<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> '
                   "Kepala BP2MI Yudha Pratama mengatakan hal itu.")
        _extract(page, hostile)
        page.wait_for_selector("#result .sentence", timeout=30_000)
        assert page.evaluate("window.pwned") is None
        assert page.locator("#result script, #result img").count() == 0
        assert page.locator("#result .sentence p.text").first.text_content() == hostile
        assert ("PER", "Yudha Pratama") in [tuple(x) for x in page.locator("#result mark.ent").evaluate_all(
            "els => els.map(e => [e.dataset.label, e.textContent])")]
        assert [p for p in page.problems if "dialog" in p] == []
    finally:
        srv.shutdown()
        srv.server_close()


def test_errors_are_shown(page):
    srv = _server(FakePipeline(), max_bytes=200)
    try:
        page.goto(srv.url)
        page.get_by_role("button", name="Extract").click()  # nothing typed: the browser asks for text
        assert page.locator("#result").inner_html() == ""
        _extract(page, ARTICLE)  # over the server's 200-byte limit
        page.wait_for_selector("#status.error", timeout=30_000)
        assert page.locator("#status").inner_text().startswith("Error 413: body of ")
        assert page.locator("#result").inner_html() == ""
        assert page.get_by_role("button", name="Extract").is_enabled()
    finally:
        srv.shutdown()
        srv.server_close()


def test_shipped_model(page):
    """With the real model (when it is there): the same page shows the view for the article."""
    from warta.pipeline import default_model_dir

    try:
        model_dir = default_model_dir()
    except FileNotFoundError:
        pytest.skip("no shipped model (models/warta-id-small/warta.json) in this checkout")
    pytest.importorskip("torch")
    srv = _server(None, model=str(model_dir))
    try:
        page.goto(srv.url)
        _extract(page, ARTICLE, "2024-05-17")
        page.wait_for_selector("#result ul.legend", timeout=120_000)
        assert page.locator("#result ul.legend li").count() == 7
        assert page.locator("#result table.events, #result p.events-empty").count() == 1
        for m in page.locator("#result mark.ent").evaluate_all(
                "els => els.map(e => [+e.dataset.start, +e.dataset.end, e.textContent])"):
            assert ARTICLE[m[0]:m[1]] == m[2]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "extract-shipped-model.png"), full_page=True)
    finally:
        srv.shutdown()
        srv.server_close()
