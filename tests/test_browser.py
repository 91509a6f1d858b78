"""The web app in a real headless Chromium on a small hand-made network; the helpers of the browser tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from graph.connection import Graph
from tests.conftest import ROOT, free_port
from tests.test_ui_network import build_ui_network

if TYPE_CHECKING:
    from playwright.sync_api import Page, Playwright

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
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}


@contextmanager
def serve(log_name: str) -> Iterator[str]:
    """`hilorojo ui` on a free port, on whatever the test database holds; yields its address."""
    port = free_port()
    exe = Path(sys.executable).parent / "hilorojo"
    log = (ROOT / "test-output").joinpath(log_name)
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(exe), "ui", "--port", str(port)],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"`hilorojo ui` did not start: see {log}")
                time.sleep(0.5)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def web_app(empty_graph: Graph) -> Iterator[str]:
    """`hilorojo ui` on the small hand-made network."""
    build_ui_network(empty_graph)
    with serve("browser-ui.log") as url:
        yield url


def new_page(pw: Playwright, requests: list[str], width: int = 1500, height: int = 1000) -> Page:
    """A page of a new headless Chromium that records every address it asks for in ``requests``."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.on("request", lambda r: requests.append(r.url))
    page.on("websocket", lambda ws: requests.append(ws.url))
    page.set_default_timeout(60_000)
    from playwright.sync_api import expect

    # expect's checks wait 30 s, not 5: a page reruns slowly while the other test process is busy
    expect.set_options(timeout=30_000)
    return page


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


# the screen position (in the iframe) of the first person that is not José, and that person's name
PICK_NODE = """() => {
  const n = nodes.get().find((x) => x.kind === "Person" && !x.label.startsWith("José"));
  const pos = network.canvasToDOM(network.getPositions([n.id])[n.id]);
  const box = document.getElementById("hr-network").getBoundingClientRect();
  return {x: box.left + pos.x, y: box.top + pos.y, name: n.label.split("\\n")[0]};
}"""


def test_clicking_a_node_shows_its_details(web_app: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-browser.sh installs it)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(f"{web_app}/search")
        box = page.get_by_label("Name, alias, phone number, IMEI or account")
        box.fill("jose ramirez")
        box.press("Enter")
        page.get_by_role("button", name="Person · José Ramírez").click()
        page.get_by_role("button", name="Explore its network").click()
        expect(page.get_by_role("heading", name="Explore")).to_be_visible()
        # the details panel starts on the explored person
        expect(page.get_by_text("Person: José Ramírez")).to_be_visible()
        drawing = page.frame_locator("iframe").first
        expect(drawing.locator("#hr-status")).to_contain_text("entities", timeout=60_000)
        expect(drawing.locator("#hr-status")).not_to_contain_text("Laying out")
        # the drawing must be inside the viewport: a mouse click outside it reaches nothing
        page.locator("iframe").first.scroll_into_view_if_needed()
        frame = next(f for f in page.frames if f is not page.main_frame)
        target = frame.evaluate(PICK_NODE)
        offset = page.locator("iframe").first.bounding_box()
        assert offset is not None
        x, y = offset["x"] + target["x"], offset["y"] + target["y"]
        assert 0 < x < 1500 and 0 < y < 1000, (x, y)
        page.mouse.click(x, y)
        # the drawing selected the node (its status line names it) before the page is asked to follow
        expect(drawing.locator("#hr-status")).to_contain_text(target["name"], timeout=30_000)
        # the click reaches the panel beside the drawing: that person's details replace José's
        # (a rerun of the page: give a busy machine more than expect's default 5 s)
        expect(page.get_by_text(f"Person: {target['name']}")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Person: José Ramírez")).not_to_be_visible(timeout=30_000)
        browser.close()


def select_row(page: Page, table: int, row: int) -> None:
    """Click a row's selection box in the page's ``table``-th table (a canvas: no element per row)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(table)
    # the table in the middle of the viewport: a mouse click outside the viewport reaches nothing, and
    # one under the app's header reaches the header
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = grid.bounding_box()
    assert box is not None
    header, height = 35, 35  # Streamlit's row height and its header's
    x, y = box["x"] + 18, box["y"] + header + height * row + height / 2
    viewport = page.viewport_size
    assert viewport is not None and 60 < y < viewport["height"], (y, viewport)
    page.mouse.click(x, y)


def outline_pixels(png: bytes) -> int:
    """Pixels of the map's border grey: neutral, darker than the sea, lighter than the labels."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    neutral = rgb.max(axis=2) - rgb.min(axis=2) <= 6
    grey = (rgb[:, :, 0] >= 110) & (rgb[:, :, 0] <= 215)
    return int((neutral & grey).sum())


def check_rows_and_map(page: Page, url: str, shots: Path, prefix: str = "") -> None:
    """Brokers: a selected row opens the person beside the table and names it in the address;
    Map: Natural Earth's borders and coastlines are drawn under the data."""
    from playwright.sync_api import expect

    page.goto(f"{url}/brokers")
    expect(page.get_by_role("heading", name="Ranking")).to_be_visible()
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    select_row(page, 0, 0)
    panel = page.get_by_text(re.compile(r"^Person: "))
    expect(panel).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Target package")).to_be_visible()
    assert "person=" in page.url  # the selection travels with the link
    page.get_by_role("heading", name="Ranking").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(shots / f"{prefix}brokers.png"))
    page.goto(f"{url}/map")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    page.wait_for_timeout(1000)
    # the outlines: thousands of grey pixels; without them the chart has none but a few of labels
    assert outline_pixels(chart.screenshot()) > 3000
    page.screenshot(path=str(shots / f"{prefix}map.png"))


@pytest.mark.skipif(not os.environ.get("HILOROJO_SCREENSHOTS"), reason="`make screenshots` only")
def test_screenshots_of_the_demo(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    """The README's pictures: the main pages on the analysed small demo, 1280x800 (`make screenshots`)."""
    from playwright.sync_api import expect, sync_playwright

    from analytics.pipeline import analyze

    graph, key = demo_graph
    analyze(graph, None, weighted=True, write=True)
    shots = ROOT / os.environ["HILOROJO_SCREENSHOTS"]
    shots.mkdir(parents=True, exist_ok=True)
    broker = key["people"][key["brokers"][0]["person_id"]]["name"]
    with serve("screenshots-ui.log") as url, sync_playwright() as pw:
        page = new_page(pw, [], 1280, 800)
        page.goto(url)
        expect(page.get_by_role("heading", name="Hilo Rojo")).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots / "overview.png"))
        check_rows_and_map(page, url, shots)
        page.goto(f"{url}/search")
        box = page.get_by_label("Name, alias, phone number, IMEI or account")
        box.fill(broker)
        box.press("Enter")
        page.get_by_role("button", name=f"Person · {broker}").first.click()
        page.get_by_role("button", name="Explore its network").click()
        drawing = page.frame_locator("iframe").first
        expect(drawing.locator("#hr-status")).to_contain_text("entities", timeout=60_000)
        expect(drawing.locator("#hr-status")).not_to_contain_text("Laying out")
        page.wait_for_timeout(500)
        page.screenshot(path=str(shots / "explore.png"))
    for png in shots.glob("*.png"):  # small files for the repository: 256 colours are plenty for a screen
        from PIL import Image

        Image.open(png).convert("RGB").quantize(256).save(png, optimize=True)
