"""Hilo Rojo's web app: page configuration and the navigation between the pages."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="Hilo Rojo", page_icon=":material/share:", layout="wide")


def _page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / file, title=title, icon=icon, url_path=file.removesuffix(".py"), default=default)


navigation = st.navigation(
    {
        "Hilo Rojo": [_page("overview.py", "Overview", ":material/dashboard:", default=True)],
        "Investigate": [
            _page("search.py", "Search", ":material/search:"),
            _page("explore.py", "Explore", ":material/hub:"),
            _page("paths.py", "Paths", ":material/route:"),
            _page("timeline.py", "Timeline", ":material/timeline:"),
            _page("map.py", "Map & routes", ":material/public:"),
        ],
        "Analyses": [
            _page("brokers.py", "Brokers & key players", ":material/star:"),
            _page("communities.py", "Communities", ":material/groups:"),
            _page("money.py", "Money", ":material/payments:"),
            _page("phones.py", "Phones", ":material/call:"),
        ],
        "Data": [
            _page("import_data.py", "Import", ":material/upload_file:"),
            _page("cypher.py", "Cypher", ":material/terminal:"),
            _page("package.py", "Target package", ":material/description:"),
        ],
    }
)
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
