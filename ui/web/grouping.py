"""Collapse phones, devices, accounts, documents and e-mails into their one owner, so people link people."""

from __future__ import annotations

from collections import defaultdict
from typing import Final

from graph.explore import Edge, Subgraph

OWNERSHIP: Final = ("USES", "HOLDS", "HAS_DOCUMENT", "HAS_EMAIL")
IDENTIFIERS: Final = ("Phone", "Device", "Account", "Document", "Email")


def owners(sub: Subgraph) -> dict[str, str]:
    """Identifier node -> its owner, for identifiers that exactly one drawn person owns."""
    found: dict[str, set[str]] = defaultdict(set)
    for e in sub.edges:
        if e.type in OWNERSHIP and e.target in sub.nodes and sub.nodes[e.target].label in IDENTIFIERS:
            found[e.target].add(e.source)
    # a device is owned through its phone when nobody is recorded as using it directly
    for e in sub.edges:
        if e.type == "IN_DEVICE" and e.target not in found and len(found.get(e.source, ())) == 1:
            found[e.target] = set(found[e.source])
    return {ident: next(iter(people)) for ident, people in found.items() if len(people) == 1}


def group_identifiers(sub: Subgraph) -> Subgraph:
    """The subgraph with owned identifiers merged into their owners; their links now join the owners.

    Links between the same two entities and of the same type are summed; links that fall inside one
    owner (a person and their own phone) disappear. Identifiers with no single owner stay as they are.
    """
    owner = owners(sub)
    out = Subgraph(seeds=[owner.get(s, s) for s in sub.seeds], capped=sub.capped, hops_done=sub.hops_done)
    out.nodes = {nid: n for nid, n in sub.nodes.items() if nid not in owner}
    merged: dict[tuple[str, str, str], Edge] = {}
    for e in sub.edges:
        a, b = owner.get(e.source, e.source), owner.get(e.target, e.target)
        if a == b:
            continue
        k = (a, b, e.type)
        if k not in merged:
            merged[k] = Edge(a, b, e.type, 0, e.first, e.last, 0)
        m = merged[k]
        m.weight += e.weight
        m.amount_micro = (m.amount_micro or 0) + (e.amount_micro or 0)
        if e.first is not None and (m.first is None or e.first < m.first):
            m.first = e.first
        if e.last is not None and (m.last is None or e.last > m.last):
            m.last = e.last
    out.edges = list(merged.values())
    out.seeds = list(dict.fromkeys(out.seeds))
    return out
