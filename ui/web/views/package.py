"""Target package page: pick a person, preview the package, download it as PDF, HTML or JSON."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from access.roles import Permission
from dossier.contents import build_package
from dossier.document import TargetPackage
from dossier.formats import MEDIA_TYPES, file_name, render
from graph.connection import Graph
from ui.web.common import describe, page, search_box

FORMATS = ("pdf", "html", "json")


def _deferred(pkg: TargetPackage, files: dict[str, bytes], fmt: str) -> Callable[[], bytes]:
    """The file rendered when the analyst downloads it, once (kept with the package in the session)."""

    def data() -> bytes:
        if fmt not in files:
            files[fmt] = render(pkg, fmt)
        return files[fmt]

    return data


def body(g: Graph) -> None:
    hits = [h for h in search_box(g, key="package_search", label="Person") if h["label"] == "Person"]
    if not hits:
        st.info("Search the person the package is about. Packages are never produced on victims.")
        return
    person = st.selectbox("Person", hits, format_func=describe, key="package_person")
    if person["role"] == "victim":
        st.error("This person is recorded as a victim: target packages are never produced on victims.")
        return
    hops = st.slider("Network picture: hops around the person", 1, 3, 2, key="package_hops")
    if st.button("Build the package", type="primary", icon=":material/description:", key="build"):
        with st.spinner("Assembling identity, associates, calls, money, arrests and sources…"):
            # the package's own redaction pseudonymises victims (dossier.redaction), so it reads them all
            pkg = build_package(g.unshielded(), person["key"], hops=hops)
            # HTML (the preview) and JSON rendered once here; the slower PDF when first downloaded
            files = {fmt: render(pkg, fmt) for fmt in ("html", "json")}
            st.session_state["package"] = (person["key"], pkg, files)
    built = st.session_state.get("package")
    if not built or built[0] != person["key"]:
        return
    _, pkg, files = built
    cols = st.columns(3)
    for col, fmt in zip(cols, FORMATS, strict=True):
        col.download_button(
            f"Download {fmt.upper()}",
            files[fmt] if fmt in files else _deferred(pkg, files, fmt),
            file_name=file_name(pkg, fmt),
            mime=MEDIA_TYPES[fmt],
            key=f"dl-{fmt}",
        )
    st.iframe(files["html"].decode("utf-8"), height=900)


def main() -> None:
    page(
        "Target package",
        body,
        needs=Permission.PACKAGE,
        caption="A dossier for investigators and prosecutors; victims are pseudonymised.",
    )


main()
