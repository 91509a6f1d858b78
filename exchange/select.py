"""Read the selected part of the network from the graph: people, identifiers, calls, transfers, arrests."""

from __future__ import annotations

from dataclasses import replace

from exchange.network import Identifier, Link, Network, Selection
from graph import analysis_store
from graph import exchange as queries
from graph.connection import Graph
from graph.entities import resolve_person
from graph.errors import InputError, NotFound
from graph.projection import parse_layers, window_params

MAX_HOPS = 4
# Identifier labels exported with every person; the others (documents, e-mails, handsets) come with
# the identifiers layer. Phones and accounts place the calls and transfers.
ALWAYS = ("Phone", "Account")


def selected_ids(graph: Graph, selection: Selection) -> list[str] | None:
    """The person_ids selected (None: everyone)."""
    window = window_params(selection.since, selection.until)
    if selection.community is not None:
        prop = analysis_store.LEVEL_PROPERTY.get(selection.level)
        if prop is None:
            raise InputError(f"unknown level {selection.level!r}", "use cell or organisation")
        aid = str(analysis_store.latest_analysis(graph)["analysis_id"])
        ids = queries.group_members(graph, aid, prop, selection.community)
        if not ids:
            raise NotFound(
                f"no {selection.level} {selection.community} in analysis {aid}",
                "see `hilorojo communities` for the groups of the latest analysis",
            )
        return ids
    if selection.people is not None:
        return sorted(set(selection.people))
    if selection.around is not None:
        if not 0 <= selection.hops <= MAX_HOPS:
            raise InputError(f"--hops {selection.hops} is out of range", f"use 0 to {MAX_HOPS} hops")
        start = resolve_person(graph, selection.around).key
        found = {start}
        frontier = {start}
        for _ in range(selection.hops):
            if not frontier:
                break
            frontier = queries.neighbours(graph, sorted(frontier), selection.layers, window) - found
            found |= frontier
        return sorted(found)
    return None


def select(graph: Graph, selection: Selection) -> Network:
    """The selected network as stored (victims not yet pseudonymised)."""
    selection = replace(selection, layers=parse_layers(list(selection.layers)))
    window = window_params(selection.since, selection.until)
    ids = selected_ids(graph, selection)
    people = {str(p["person_id"]): p for p in queries.people(graph, ids)}
    identifiers: dict[tuple[str, str], Identifier] = {}
    links: list[Link] = []
    for row in queries.identity(graph, ids):
        label = str(row["label"])
        if label not in ALWAYS and "identifiers" not in selection.layers:
            continue
        key = str(row["key"])
        roles = row["user_roles"]
        protected = bool(roles) and all(r == "victim" for r in roles)
        identifiers.setdefault((label, key), Identifier(label, key, dict(row["props"]), protected))
        links.append(
            Link(
                str(row["person_id"]),
                str(row["rel"]),
                label,
                key,
                row["valid_from"],
                row["valid_to"],
                tuple(row["source_rows"]),
            )
        )
    numbers = None if ids is None else sorted(k for (lb, k) in identifiers if lb == "Phone")
    accounts = None if ids is None else sorted(k for (lb, k) in identifiers if lb == "Account")
    calls = queries.calls(graph, numbers, window) if "calls" in selection.layers else []
    transfers = queries.transfers(graph, accounts, window) if "money" in selection.layers else []
    arrests = queries.arrests(graph, ids, window) if "arrests" in selection.layers else []
    calls.sort(key=lambda c: (c["start_time"], str(c["call_id"])))
    transfers.sort(key=lambda t: (t["timestamp"], str(t["transaction_id"])))
    # the far ends that no one selected uses: phones and accounts nobody is known to use or hold
    ends = {(c[side]) for c in calls for side in ("caller", "callee")} - {
        k for (lb, k) in identifiers if lb == "Phone"
    }
    for key, props in queries.phones(graph, sorted(ends)).items():
        identifiers[("Phone", key)] = Identifier("Phone", key, props)
    ends = {(t[side]) for t in transfers for side in ("sender", "receiver")} - {
        k for (lb, k) in identifiers if lb == "Account"
    }
    for key, props in queries.accounts(graph, sorted(ends)).items():
        identifiers[("Account", key)] = Identifier("Account", key, props)
    return Network(
        selection=selection,
        people=people,
        identifiers=identifiers,
        links=links,
        calls=calls,
        transfers=transfers,
        arrests=arrests,
        sources=queries.sources(graph),
        likely=queries.likely_links(graph, ids),
    )
