"""The commands that read what an analysis wrote: brokers, communities, key players, hidden links, paths."""

from __future__ import annotations

from typing import Any

import click

from analytics.pipeline import latest_disruption
from analytics.ranking import stored_ranking
from graph import analysis_store
from graph.connection import get_graph
from graph.entities import resolve_entity
from graph.paths import shortest_paths
from ui.cli.output import console, print_json, print_table
from values.phone import phone_candidates

# What each rankable measure is called on screen.
MEASURE_NAMES = {
    "cell_bridging": "bridging between cells",
    "cell_brokerage": "brokerage between cells",
    "k_betweenness": "short-path betweenness (k links)",
    "betweenness": "betweenness",
    "pagerank": "PageRank",
    "degree": "degree",
    "effective_size": "effective size (Burt)",
    "constraint": "constraint (Burt)",
}


def _number(value: Any) -> str:
    """A measure rounded to what a table needs: 3 significant digits, counts as integers."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, int):
        return str(value)
    x = float(value)
    return f"{x:,.0f}" if abs(x) >= 1000 or x == int(x) else f"{x:.3g}"


def broker_rows(rows: list[dict[str, Any]], by: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Table rows for `brokers`: the ranked measure, betweenness (a band where estimated), degree, cell."""
    label = MEASURE_NAMES.get(by, by)
    out = []
    for r in rows:
        band = r.get("betweenness_band")
        between = f"{band[0]:.2g}–{band[1]:.2g}" if band else _number(r.get("betweenness"))
        item = {
            "rank": f"{r['rank_band'][0]}–{r['rank_band'][1]}" if r.get("rank_band") else r["rank"],
            "person_id": r["person_id"],
            "name": r["name"],
            label: _number(r.get(by)),
        }
        then = analysis_store.TIE_BREAK.get(by)
        if then:
            item[MEASURE_NAMES.get(then, then)] = _number(r.get(then))
        item |= {
            "betweenness": between,
            "degree": _number(r.get("degree")),
            "cell": r.get("community"),
        }
        if by == "betweenness":
            item.pop(label)
        out.append(item)
    return out, list(out[0]) if out else []


@click.command("brokers")
@click.option("--top", default=20, show_default=True, type=int)
@click.option(
    "--by",
    default=analysis_store.DEFAULT_RANKING,
    show_default=True,
    type=click.Choice(analysis_store.RANKABLE_MEASURES),
    help="Measure to rank by (docs/analytics.md says what each means).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def brokers(top: int, by: str, as_json: bool) -> None:
    """People ranked by bridging between cells (or --by another measure), victims excluded."""
    graph = get_graph()
    rows = stored_ranking(graph, by, top)
    methods = analysis_store.measure_methods(analysis_store.latest_analysis(graph))
    method = methods.get(by, {})
    if as_json:
        print_json({"by": by, "method": method, "people": rows})
        return
    table, columns = broker_rows(rows, by)
    exact = method.get("exact")
    how = "exact" if exact else ("estimated: ranks and values as bands" if exact is False else "")
    print_table(
        table, columns, title=f"Brokers by {MEASURE_NAMES.get(by, by)}" + (f" ({how})" if how else "")
    )
    between = methods.get("betweenness", {})
    if between and not between.get("exact", True):
        console.print(f"Betweenness {between.get('how', '')}; shown as estimate ± 2 standard errors.")


@click.command("communities")
@click.option("--top", default=5, show_default=True, type=int, help="Top members listed per community.")
@click.option(
    "--level",
    default="cell",
    show_default=True,
    type=click.Choice(list(analysis_store.LEVEL_PROPERTY)),
    help="Cells (groups of a few to a few dozen people) or the organisations that group them.",
)
@click.option("--organisation", type=int, default=None, help="Only the cells of this organisation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def communities_cmd(top: int, level: str, organisation: int | None, as_json: bool) -> None:
    """The latest analysis' cells or organisations: size, nationalities, top members."""
    graph = get_graph()
    analysis = analysis_store.latest_analysis(graph)
    rows = analysis_store.community_members(graph, analysis["analysis_id"], level)
    if organisation is not None:
        rows = [r for r in rows if r["organisation"] == organisation]
    comms: dict[int, dict[str, Any]] = {}
    for r in rows:
        c = comms.setdefault(
            int(r["community"]),
            {
                "community_id": int(r["community"]),
                "organisation": r["organisation"],
                "size": 0,
                "victims": 0,
                "nationalities": {},
                "top_members": [],
                "members": [],
            },
        )
        c["size"] += 1
        nat = r["nationality"] or "unknown"
        c["nationalities"][nat] = c["nationalities"].get(nat, 0) + 1
        if r["role"] == "victim":
            c["victims"] += 1
        elif len(c["top_members"]) < top:
            c["top_members"].append({"person_id": r["person_id"], "name": r["name"]})
        c["members"].append({"person_id": r["person_id"], "name": r["name"], "role": r["role"]})
    out = [comms[c] for c in sorted(comms)]
    if as_json:
        print_json(out)
        return
    table = [
        {
            level: c["community_id"],
            **({"organisation": c["organisation"]} if level == "cell" else {}),
            "size": c["size"],
            "victims": c["victims"],
            "nationalities": ", ".join(
                f"{k} {v}" for k, v in sorted(c["nationalities"].items(), key=lambda kv: -kv[1])
            ),
            "top members": ", ".join(m["name"] for m in c["top_members"]),
        }
        for c in out
    ]
    method = analysis_store.measure_methods(analysis).get(analysis_store.LEVEL_PROPERTY[level], {})
    how = f"; {method['how']}" if method.get("how") else ""
    print_table(table, title=f"{len(out)} {level}s{how}")


@click.command("keyplayers")
@click.option("--k", "k", default=5, show_default=True, type=int, help="How many people to remove.")
@click.option("--random-runs", default=5, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def keyplayers_cmd(k: int, random_runs: int, as_json: bool) -> None:
    """KPP-Neg key players on the latest analysis' network, and how it falls apart under each strategy."""
    latest = latest_disruption(get_graph(), k, random_runs)
    net, bt, kpp, sim = latest.network, latest.betweenness, latest.key_players, latest.simulation
    ids = net.ids()
    people = [
        {
            "person_id": ids[v],
            "name": net.g.vs[v]["name"],
            "rank": r,
            "kpp_rank": r,
            "degree": int(net.g.degree(v)),
            "betweenness": float(bt[v]),
        }
        for r, v in enumerate(kpp.members, start=1)
    ]
    if as_json:
        print_json(
            {
                "k": k,
                "fragmentation": kpp.fragmentation,
                "initial_fragmentation": kpp.initial_fragmentation,
                "key_players": people,
                "disruption": sim,
            }
        )
        return
    print_table(
        people,
        ["rank", "person_id", "name", "degree", "betweenness"],
        title=f"Key players (fragmentation {kpp.initial_fragmentation:.3f} to {kpp.fragmentation:.3f})",
    )
    rows = []
    for name, s in sim["strategies"].items():
        for step, (lcc, eff) in enumerate(zip(s["lcc"], s["efficiency"], strict=True), start=1):
            rows.append({"strategy": name, "removed": step, "largest component": lcc, "efficiency": eff})
    print_table(
        rows,
        title=f"Disruption (initial largest component {sim['initial']['lcc']}, "
        f"efficiency {sim['initial']['efficiency']:.4f}; random averaged over {random_runs} runs)",
    )


@click.command("links")
@click.option("--top", default=20, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def links(top: int, as_json: bool) -> None:
    """Predicted hidden links of the latest analysis (inference, not evidence)."""
    graph = get_graph()
    analysis = analysis_store.latest_analysis(graph)
    rows = analysis_store.likely_links(graph, analysis["analysis_id"], top)
    out = [dict(r, rank=i) for i, r in enumerate(rows, start=1)]
    if as_json:
        print_json({"link_auc": analysis["link_auc"], "links": out})
        return
    print_table(
        out,
        ["rank", "a_id", "a_name", "b_id", "b_name", "score"],
        title=f"Likely links (AUC on hidden links {analysis['link_auc'] or float('nan'):.3f})",
    )


@click.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--limit", default=3, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def path(source: str, target: str, limit: int, as_json: bool) -> None:
    """Shortest evidence paths between two people, phones or accounts."""
    graph = get_graph()

    def resolve(ref: str) -> Any:
        return resolve_entity(graph, ref, phone_candidates(ref))

    a, b = resolve(source), resolve(target)
    paths = shortest_paths(graph, a, b, limit)
    if as_json:
        print_json({"from": a.__dict__, "to": b.__dict__, "paths": paths})
        return
    if not paths:
        console.print(f"No path of at most 8 relationships between {a.name} and {b.name}.")
        return
    for i, p in enumerate(paths, start=1):
        names = {n["id"]: f"{n['labels'][0]} {n['name']}" for n in p["nodes"]}
        rows = [
            {"step": s, "from": names[r["start"]], "relationship": r["type"], "to": names[r["end"]]}
            for s, r in enumerate(p["relationships"], start=1)
        ]
        print_table(rows, title=f"Path {i}: {len(rows)} relationships")
