"""Hilo Rojo's web app: page configuration and the navigation between the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw

from access.roles import Permission
from access.session import Principal
from ui.web import login

PAGES = Path(__file__).parent / "views"


def icon() -> Image.Image:
    """The tab icon, drawn here (a material icon would be fetched from Google's font server)."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [(12, 46), (30, 16), (52, 40)]
    draw.line([*points, points[0]], fill=(185, 28, 28, 255), width=5)
    for x, y in points:
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(127, 29, 29, 255))
    return img


st.set_page_config(page_title="Hilo Rojo", page_icon=icon(), layout="wide")


def _page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / file, title=title, icon=icon, url_path=file.removesuffix(".py"), default=default)


# Streamlit listens on every interface when no address is configured.
ADDRESS = str(st.get_option("server.address") or "0.0.0.0")
signed_in = login.gate(ADDRESS)
if signed_in is None:
    st.stop()
    raise SystemExit  # st.stop() ends the run; this line only tells the type checker
principal: Principal = signed_in
# Pages a role may not use are left out of the menu; the functions they call refuse anyway.
ALLOWED = {
    "import_data.py": Permission.IMPORT,
    "cypher.py": Permission.CONSOLE,
    "package.py": Permission.PACKAGE,
    "audit.py": Permission.AUDIT,
}


def _allowed(file: str) -> bool:
    needed = ALLOWED.get(file)
    return needed is None or principal.may(needed)


def _data_pages() -> list[st.Page]:
    pages = [
        ("import_data.py", "Import", ":material/upload_file:"),
        ("cypher.py", "Cypher", ":material/terminal:"),
        ("package.py", "Target package", ":material/description:"),
        ("audit.py", "Audit trail", ":material/policy:"),
    ]
    return [_page(f, t, i) for f, t, i in pages if _allowed(f)]


navigation = st.navigation(
    {
        "Hilo Rojo": [_page("overview.py", "Overview", ":material/dashboard:", default=True)],
        "Investigate": [
            _page("search.py", "Search", ":material/search:"),
            _page("explore.py", "Explore", ":material/hub:"),
            _page("paths.py", "Paths", ":material/route:"),
            _page("timeline.py", "Timeline", ":material/timeline:"),
            _page("map.py", "Map & routes", ":material/public:"),
            _page("cases.py", "Cases", ":material/folder_open:"),
        ],
        "Analyses": [
            _page("brokers.py", "Brokers & key players", ":material/star:"),
            _page("communities.py", "Communities", ":material/groups:"),
            _page("money.py", "Money", ":material/payments:"),
            _page("phones.py", "Phones", ":material/call:"),
            _page("strategic.py", "Strategic", ":material/insights:"),
        ],
        "Data": _data_pages(),
    },
    expanded=True,
)
login.sidebar(principal)
with st.sidebar:
    st.caption(
        "Hilo Rojo · link analysis of criminal networks. Works offline. "
        "Victims are protected and never ranked."
    )
    if st.button(
        "Refresh data", icon=":material/refresh:", help="Forget cached results and re-read the database"
    ):
        st.cache_data.clear()
navigation.run()
