"""The Strategic page in a real headless Chromium: its charts draw and nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.connection import Graph
from loaders.pipeline import load_file
from tests.test_browser import ARGS, CHROMIUM, is_local, web_app  # noqa: F401  (fixture)
from tests.test_strategic import files  # noqa: F401  (fixture)


def test_strategic_page_in_chromium_stays_offline(
    web_app: str,  # noqa: F811
    graph: Graph,
    files: tuple[Path, Path],  # noqa: F811
    output_dir: Path,
) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/install-browser.sh installs it)")
    from playwright.sync_api import expect, sync_playwright

    for kind, path in zip(("arrests", "outcomes"), files, strict=True):
        load_file(graph, kind, path, progress=False)
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.on("request", lambda r: requests.append(r.url))
        page.on("websocket", lambda ws: requests.append(ws.url))
        page.set_default_timeout(60_000)  # expect's checks get 30 s each: the page reruns on a busy machine
        page.goto(f"{web_app}/strategic")
        expect(page.get_by_role("heading", name="Strategic", exact=True)).to_be_visible(timeout=30_000)
        expect(page.get_by_role("heading", name="Justice chain")).to_be_visible(timeout=30_000)
        # the corridors drawn by Vega in the page (the other charts leave out counts under 5)
        expect(page.get_by_text("Countries at their approximate centre")).to_be_visible(timeout=30_000)
        expect(page.locator(".vega-embed canvas, .vega-embed svg").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(output_dir / "ui-strategic.png"), full_page=True)
        browser.close()

    assert requests, "the browser made no request at all"
    outside = sorted({u for u in requests if not is_local(u)})
    assert outside == [], f"requests left the machine: {outside}"
