"""The web app in a real headless Chromium: search a name, open its network; nothing leaves the machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graph.connection import Graph
from tests.conftest import ROOT, free_port
from tests.test_ui_network import build_ui_network

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


@pytest.fixture
def web_app(empty_graph: Graph) -> Iterator[str]:
    """`hilorojo ui` on a free port, on the small hand-made network; yields its address."""
    build_ui_network(empty_graph)
    port = free_port()
    exe = Path(sys.executable).parent / "hilorojo"
    log = (ROOT / "test-output").joinpath("browser-ui.log")
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


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


def test_search_and_network_in_chromium_stay_offline(web_app: str, output_dir: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-browser.sh installs it)")
    from playwright.sync_api import expect, sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.on("websocket", lambda ws: requests.append(ws.url))
        page.set_default_timeout(60_000)
        page.goto(web_app)
        expect(page.get_by_role("heading", name="Hilo Rojo")).to_be_visible()
        page.screenshot(path=str(output_dir / "ui-overview.png"), full_page=True)

        page.goto(f"{web_app}/search")
        box = page.get_by_label("Name, alias, phone number, IMEI or account")
        box.fill("jose ramires")  # no accents, one typo
        box.press("Enter")
        page.get_by_role("button", name="Person · José Ramírez").click()
        expect(page.get_by_text("Person: José Ramírez")).to_be_visible()
        page.get_by_role("button", name="Explore its network").click()

        expect(page.get_by_role("heading", name="Explore")).to_be_visible()
        frame = page.frame_locator("iframe").first
        expect(frame.locator("canvas")).to_be_visible()
        # the status line changes once the layout has settled and physics is switched off
        expect(frame.locator("#hr-status")).to_contain_text("entities", timeout=60_000)
        expect(frame.locator("#hr-status")).not_to_contain_text("Laying out")
        page.wait_for_timeout(500)
        page.screenshot(path=str(output_dir / "ui-explore.png"), full_page=True)
        browser.close()

    assert requests, "the browser made no request at all"
    outside = sorted({u for u in requests if not is_local(u)})
    assert outside == [], f"requests left the machine: {outside}"


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
        frame = next(f for f in page.frames if f is not page.main_frame)
        target = frame.evaluate(PICK_NODE)
        offset = page.locator("iframe").first.bounding_box()
        assert offset is not None
        page.mouse.click(offset["x"] + target["x"], offset["y"] + target["y"])
        # the click reaches the panel beside the drawing: that person's details replace José's
        # (a rerun of the page: give a busy machine more than expect's default 5 s)
        expect(page.get_by_text(f"Person: {target['name']}")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Person: José Ramírez")).not_to_be_visible(timeout=30_000)
        browser.close()
