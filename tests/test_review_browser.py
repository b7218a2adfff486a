"""The review app end to end in headless Chromium (Debian's /usr/bin/chromium via Playwright).

scripts/test.sh installs the browser, so CI runs these; they are skipped, saying why, only where
/usr/bin/chromium is missing. No Playwright browser download is used.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_review_support import EVIL, make_flags, make_output, rerun, running_server

from pipeline.review.db import DB_NAME

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (scripts/test.sh installs Debian's)"),
]

if CHROMIUM.exists():
    from playwright.sync_api import BrowserContext, Page, expect, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with tempfile.TemporaryDirectory(prefix="vnclaims-chromium-") as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=ARGS, timeout=60_000
        )
        ctx.set_default_timeout(15_000)
        yield ctx
        ctx.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    out = make_output(tmp_path)
    with running_server(out) as url:
        yield out, url


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    pg = browser.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    pg.close()
    assert errors == []  # no script error on any page


def card(page: Page, flag_id: str):
    return page.locator(f'article.flag[data-flag-id="{flag_id}"]')


def stored(out: Path, flag_id: str) -> tuple[str, str, int] | None:
    conn = sqlite3.connect(out / DB_NAME)
    try:
        return conn.execute("SELECT decision, note, version FROM decisions WHERE flag_id=?", (flag_id,)).fetchone()
    finally:
        conn.close()


def test_decide_reload_rerun_decision_stays(page: Page, served: tuple[Path, str]) -> None:
    out, url = served
    page.goto(url)
    expect(page.locator("article.flag")).to_have_count(len(make_flags()))
    c = card(page, "f-scale")
    expect(c.locator(".decision-badge")).to_have_text("undecided")
    c.locator("button[data-decision=confirmed]").click()
    expect(c.locator(".decision-badge")).to_have_text("confirmed")
    assert stored(out, "f-scale") == ("confirmed", "", 1)

    page.reload()
    c = card(page, "f-scale")
    expect(c.locator(".decision-badge")).to_have_text("confirmed")
    expect(c.locator("button[data-decision=confirmed]")).to_have_attribute("aria-pressed", "true")

    rerun(out)  # the pipeline rewrites every table, with the same flag_ids
    page.reload()
    c = card(page, "f-scale")
    expect(c.locator(".decision-badge")).to_have_text("confirmed")
    expect(c).not_to_have_class("stale")

    rerun(out, drop=("f-scale",))  # a later run no longer produces the flag: kept, shown as stale
    page.reload()
    c = card(page, "f-scale")
    expect(c.locator(".badge-stale")).to_be_visible()
    expect(c.locator(".decision-badge")).to_have_text("confirmed")


def test_keyboard_moves_decides_and_notes(page: Page, served: tuple[Path, str]) -> None:
    out, url = served
    page.goto(url)
    order = page.locator("article.flag").evaluate_all("cards => cards.map(c => c.dataset.flagId)")
    first, second, third = order
    expect(page.locator("article.flag.current")).to_have_attribute("data-flag-id", first)
    page.keyboard.press("j")
    expect(page.locator("article.flag.current")).to_have_attribute("data-flag-id", second)
    page.keyboard.press("k")
    expect(page.locator("article.flag.current")).to_have_attribute("data-flag-id", first)
    page.keyboard.press("d")  # decide, then move on
    expect(card(page, first).locator(".decision-badge")).to_have_text("dismissed")
    expect(page.locator("article.flag.current")).to_have_attribute("data-flag-id", second)
    page.keyboard.press("u")
    expect(card(page, second).locator(".decision-badge")).to_have_text("unsure")
    expect(page.locator("article.flag.current")).to_have_attribute("data-flag-id", third)
    page.keyboard.press("n")
    note = card(page, third).locator(".decide textarea")
    expect(note).to_be_focused()
    page.keyboard.type("cn xem lại: 46 + 5 ≠ 52")
    page.keyboard.press("Enter")
    expect(card(page, third).locator(".saved")).to_contain_text("v1")
    page.keyboard.press("c")  # the note field was left: shortcuts work again
    expect(card(page, third).locator(".decision-badge")).to_have_text("confirmed")

    page.reload()
    expect(card(page, first).locator(".decision-badge")).to_have_text("dismissed")
    expect(card(page, second).locator(".decision-badge")).to_have_text("unsure")
    expect(card(page, third).locator(".decide textarea")).to_have_value("cn xem lại: 46 + 5 ≠ 52")
    assert stored(out, third) == ("confirmed", "cn xem lại: 46 + 5 ≠ 52", 2)


def test_filter_by_decision(page: Page, served: tuple[Path, str]) -> None:
    _, url = served
    page.goto(url)
    card(page, "f-evil").locator("button[data-decision=unsure]").click()
    expect(card(page, "f-evil").locator(".decision-badge")).to_have_text("unsure")
    page.select_option("select[name=decision]", "unsure")  # submits the filter form
    page.wait_for_url("**decision=unsure**")
    expect(page.locator("article.flag")).to_have_count(1)
    expect(page.locator("article.flag")).to_have_attribute("data-flag-id", "f-evil")
    page.select_option("select[name=decision]", "undecided")
    page.wait_for_url("**decision=undecided**")
    expect(page.locator("article.flag")).to_have_count(len(make_flags()) - 1)


def test_two_tabs_deciding_at_once_lose_nothing(browser: BrowserContext, served: tuple[Path, str]) -> None:
    out, url = served
    tab_a, tab_b = browser.new_page(), browser.new_page()
    try:
        tab_a.goto(url)
        tab_b.goto(url)  # both show version 0
        card(tab_a, "f-sum").locator("button[data-decision=confirmed]").click()
        expect(card(tab_a, "f-sum").locator(".decision-badge")).to_have_text("confirmed")
        card(tab_b, "f-sum").locator("button[data-decision=dismissed]").click()
        expect(card(tab_b, "f-sum").locator(".decision-badge")).to_have_text("dismissed")
        expect(tab_b.locator("#toast")).to_contain_text("Another tab")  # B is told A decided meanwhile
        tab_a.reload()
        expect(card(tab_a, "f-sum").locator(".decision-badge")).to_have_text("dismissed")
        tab_a.goto(url + "flag?id=f-sum")
        expect(tab_a.locator("section.history tbody tr")).to_have_count(2)  # both writes are on record
    finally:
        tab_a.close()
        tab_b.close()
    assert stored(out, "f-sum") == ("dismissed", "", 2)


def test_article_script_is_shown_as_text(page: Page, with_report: tuple[Path, str]) -> None:
    _, url = with_report
    for path in ("", "flag?id=f-evil", "doc?id=b%2Fevil.txt", "files/report.html"):
        page.goto(url + path)
        if path != "files/report.html":
            expect(page.locator("html")).to_have_attribute("data-ready", "1")  # the app's own script ran
        assert EVIL in page.locator("body").inner_text()
        assert page.evaluate("window.__pwned") is None
        assert page.locator("script:not([src='/static/review.js'])").count() == 0


@pytest.fixture
def with_report(served: tuple[Path, str]) -> tuple[Path, str]:
    from pipeline.review.report import write_report

    write_report(served[0])
    return served
