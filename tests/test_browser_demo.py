"""The web app in Chromium on the analysed medium demo: every page, a row of each table, the map, a case."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from graph.connection import Graph
from tests.conftest import CLEAR_QUERY
from tests.test_browser import CHROMIUM, is_local, new_page, outline_pixels, select_row, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

# the navigation's pages (ui/web/app.py) as the sidebar names them, each with the title its page shows
PAGES = {
    "Overview": "Hilo Rojo",
    "Search": "Search",
    "Explore": "Explore",
    "Paths": "Paths",
    "Timeline": "Timeline",
    "Map & routes": "Map & routes",
    "Cases": "Cases",
    "Brokers & key players": "Brokers & key players",
    "Communities": "Communities",
    "Money": "Money",
    "Phones": "Phones",
    "Strategic": "Strategic",
    "Import": "Import",
    "Cypher": "Cypher",
    "Target package": "Target package",
    "Audit trail": "Audit trail",
}
# the address's parameter for each kind of entity a row can open, and the panel's heading for it
PANEL = {"person": "Person", "phone": "Phone", "account": "Account", "device": "Device", "arrest": "Arrest"}
GRID = '[data-testid="stDataFrame"]'
CASE = "Ruta del Pacífico"
PROTECTED = "(protected)"  # what a shielded view shows instead of a victim's or a child's identifier


@pytest.fixture(scope="module")
def medium_demo(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The medium demo loaded and analysed as `hilorojo demo --scale medium` and `hilorojo analyze` do;
    its answer key. The database is emptied afterwards: the worker's next file finds no medium demo."""
    from analytics.pipeline import analyze
    from loaders.demo import DEFAULT_SEED, SCALES, generate, load_demo

    out = tmp_path_factory.mktemp("demo") / f"medium-{DEFAULT_SEED}"
    key = generate(out, SCALES["medium"], DEFAULT_SEED)
    graph.run_in_batches(CLEAR_QUERY)
    load_demo(graph, out, progress=False)
    analyze(graph)
    yield key
    graph.run_in_batches(CLEAR_QUERY)


def open_page(page: Page, link: str) -> None:
    """Follow the sidebar's link (the same Streamlit session: the exploration stays); the page's title
    shows, its run ends, and no exception or unexpected error is on it."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link, exact=False).click()
    settled(page, PAGES[link])


def settled(page: Page, title: str) -> None:
    """The page titled ``title`` is shown, its run has ended, and no exception or error is on it."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute("data-test-script-state", "notRunning")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Unexpected error on this page")).to_have_count(0)


def row_cells(page: Page, table: int, row: int) -> list[str]:
    """The texts of a table row's cells (the grid's accessible copy of what its canvas draws)."""
    from playwright.sync_api import expect

    grid = page.locator(GRID).nth(table)
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    cells = grid.locator(f'[role="row"][aria-rowindex="{row + 2}"] [role="gridcell"]')
    expect(cells.first).to_have_text(re.compile(r"\S"))  # drawn once the grid is on screen
    return cells.all_text_contents()


def open_row(page: Page, table: int, row: int | None = None) -> tuple[str, str]:
    """Select a row (by default the first that shows no protected identifier): the address names the
    entity the row shows, and the panel opens on it. Returns the address's (kind, key)."""
    from playwright.sync_api import expect

    if row is None:
        row = unprotected_row(page, table)
    cells = row_cells(page, table, row)
    select_row(page, table, row)
    expect(page).to_have_url(re.compile(r"[?&](" + "|".join(PANEL) + ")="))
    named = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items() if k in PANEL}
    assert len(named) == 1, page.url
    kind, value = next(iter(named.items()))
    assert value in cells, (value, cells)
    heading = page.get_by_role("heading", level=4, name=re.compile(f"^{PANEL[kind]}: "))
    expect(heading).to_be_visible()
    return kind, value


def unprotected_row(page: Page, table: int) -> int:
    """The first of a table's rows on screen that shows no victim's or child's withheld identifier."""
    rows = int(page.locator(GRID).nth(table).locator('[role="grid"]').get_attribute("aria-rowcount") or 1)
    for row in range(min(rows - 1, 8)):
        if not any(PROTECTED in cell for cell in row_cells(page, table, row)):
            return row
    raise AssertionError(f"table {table}: every row on screen shows {PROTECTED}")


def open_person_row(page: Page, table: int, key: dict[str, Any], row: int | None = None) -> str:
    """Select a row naming a person: the panel shows that person's name from the answer key."""
    from playwright.sync_api import expect

    kind, person_id = open_row(page, table, row)
    assert kind == "person", (kind, person_id)
    name = key["people"][person_id]["name"]
    expect(page.get_by_role("heading", level=4, name=f"Person: {name}", exact=True)).to_be_visible()
    return person_id


def plain(name: str) -> str:
    """A name as an investigator types it: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def choose(page: Page, option: str) -> None:
    """Pick one of a page's radio views (Money's, Phones')."""
    page.locator('[data-testid="stRadio"]').get_by_text(option, exact=True).click()


def search(page: Page, label: str, text: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")


def test_every_page_of_the_medium_demo_in_chromium(medium_demo: dict[str, Any], output_dir: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-browser.sh installs it)")
    from playwright.sync_api import expect, sync_playwright

    key = medium_demo
    broker, other = (b["person_id"] for b in key["brokers"][:2])  # two brokers of one organisation
    name = key["people"][broker]["name"]
    requests: list[str] = []
    with serve("browser-demo-ui.log") as url, sync_playwright() as pw:
        page = new_page(pw, requests)
        page.goto(url)
        settled(page, PAGES["Overview"])

        # Search: the broker's name as typed (no accents); the result opens the panel and names the person
        open_page(page, "Search")
        search(page, "Name, alias, phone number, IMEI or account", plain(name))
        page.get_by_role("button", name=f"Person · {name} ({broker})").click()
        expect(page.get_by_role("heading", level=4, name=f"Person: {name}", exact=True)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"[?&]person={broker}(&|$)"))
        page.get_by_role("button", name="Explore its network").click()
        settled(page, PAGES["Explore"])
        drawing = page.frame_locator("iframe").first
        expect(drawing.locator("#hr-status")).to_contain_text("entities", timeout=60_000)

        # the exploration (the broker) saved as a case; reopened below from another session
        open_page(page, "Cases")
        page.get_by_label("Case name").fill(CASE)
        page.get_by_role("button", name="Save case").click()
        expect(page.get_by_text(f"Saved the case '{CASE}' (1 entities)")).to_be_visible()

        # Timeline: the broker's events; an event opens its phone, account or arrest
        open_page(page, "Timeline")
        assert open_row(page, 0)[0] in ("phone", "account", "arrest")

        # Paths: between the two brokers; the path's first entity is the broker it starts from
        open_page(page, "Paths")
        search(page, "From (person, phone, account, handset)", broker)
        search(page, "To", other)
        expect(page.get_by_text(re.compile(r"shortest path\(s\) of \d+ links"))).to_be_visible()
        assert open_person_row(page, 0, key) == broker

        # the map: Natural Earth's borders and coastlines under the data (thousands of grey pixels)
        open_page(page, "Map & routes")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        expect(chart.locator("canvas, svg").first).to_be_visible()
        chart.scroll_into_view_if_needed()
        deadline = time.monotonic() + 30  # the outlines are drawn after the chart's first frame
        while (grey := outline_pixels(chart.screenshot())) <= 3000 and time.monotonic() < deadline:
            page.wait_for_timeout(500)
        assert grey > 3000, f"{grey} pixels of the outlines' grey"
        page.screenshot(path=str(output_dir / "ui-demo-map.png"))

        # Brokers: the top of the ranking opens with what to do next one click away
        open_page(page, "Brokers & key players")
        top = open_person_row(page, 0, key)
        for action in ("Add to exploration", "Path from here", "Path to here", "Target package"):
            expect(page.get_by_role("button", name=action)).to_be_visible()
        page.screenshot(path=str(output_dir / "ui-demo-brokers.png"))

        # Communities: the first table sums the organisations; the second lists the opened one's people
        open_page(page, "Communities")
        open_person_row(page, 1, key)

        # Money and Phones: their rows name accounts, numbers and handsets
        open_page(page, "Money")
        choose(page, "Structuring")
        assert open_row(page, 0)[0] == "account"
        open_page(page, "Phones")
        choose(page, "Handset swaps")
        assert open_row(page, 0)[0] in ("device", "phone")

        for link in ("Strategic", "Import", "Cypher", "Target package", "Audit trail"):
            open_page(page, link)
        sidebar = page.locator('[data-testid="stSidebarNav"]').get_by_role("link")
        assert len(sidebar.all()) == len(PAGES)

        # a colleague's session: the shared link opens the person, and the case reopens on Explore
        later = new_page(pw, requests)
        later.goto(f"{url}/brokers?person={top}")
        shared = f"Person: {key['people'][top]['name']}"
        expect(later.get_by_role("heading", level=4, name=shared, exact=True)).to_be_visible()
        assert f"person={top}" in later.url
        open_page(later, "Cases")
        later.get_by_role("button", name="Reopen").click()  # the only case is the one chosen
        settled(later, PAGES["Explore"])
        expect(later.get_by_text(f"Case: {CASE}")).to_be_visible()
        expect(later.frame_locator("iframe").first.locator("#hr-status")).to_contain_text(
            "entities", timeout=60_000
        )

    assert requests, "the browser made no request at all"
    outside = sorted({u for u in requests if not is_local(u)})
    assert outside == [], f"requests left the machine: {outside}"
