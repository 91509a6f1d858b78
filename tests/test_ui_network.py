"""A small hand-made network for the web UI's tests, and the tests of the UI's queries (graph/explore.py)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import networkx as nx
import pytest

from graph import explore
from graph.connection import Graph
from graph.errors import InputError

PEOPLE = [
    # person_id, name, role, nationality, community, betweenness, pagerank, degree, aliases
    ("P1", "José Ramírez", "suspect", "VE", 1, 0.60, 0.30, 5, ["El Flaco"]),
    ("P2", "Ana María Gómez", "suspect", "CO", 1, 0.10, 0.15, 2, []),
    ("P3", "Luis Pérez", "suspect", "CO", 2, 0.30, 0.20, 3, []),
    ("P4", "Carlos Mejía", "suspect", "MX", 2, 0.05, 0.12, 2, ["Don Carlos"]),
    ("V1", "María López", "victim", "VE", 1, 0.90, 0.40, 2, []),  # highest scores: must never be ranked
    ("P5", "Pedro Castillo", "unknown", "PA", 2, 0.00, 0.03, 1, []),
]
# person_id: organisation, bridging and brokerage between cells, betweenness' standard error (estimated)
MORE_MEASURES = {
    "P1": (7, 2.0, 2.0, 0.05),
    "P2": (7, 0.0, 0.0, 0.02),
    "P3": (7, 2.0, 1.5, 0.05),
    "P4": (7, 0.0, 0.5, 0.02),
    "V1": (7, 4.0, 3.0, 0.05),
    "P5": (7, 0.0, 0.0, 0.0),
}
# how the analysis says it computed each measure (graph.analysis_store.measure_methods reads it)
METHODS = {
    "cell_bridging": {"exact": True, "how": "working ties on both sides of each pair of cells"},
    "cell_brokerage": {
        "exact": True,
        "how": "pairs of contacts in different cells linked only through the person",
    },
    "betweenness": {"exact": False, "how": "estimated from 100 random pivot sources"},
    "community": {"exact": True, "how": "Leiden, CPM (density γ = 0.05)", "level": "cell"},
    "organisation": {"exact": True, "how": "Leiden, modularity, on the cells", "level": "organisation"},
}
PHONES = [  # number, digits, quality, owner
    ("+584121110001", "584121110001", "e164", "P1"),
    ("+573001110002", "573001110002", "e164", "P2"),
    ("+573001110003", "573001110003", "e164", "P3"),
    ("+525511110004", "525511110004", "e164", "P4"),
    ("+584121110005", "584121110005", "e164", "V1"),
    ("+18005550000", "18005550000", "e164", None),  # the number everyone calls
    ("12345", "12345", "unparsed", "P5"),
]
CALLS = [  # caller, callee, count, first start time
    ("+584121110001", "+573001110002", 3, datetime(2025, 3, 1, 10, 0, tzinfo=UTC)),
    ("+584121110001", "+573001110003", 2, datetime(2025, 3, 2, 11, 0, tzinfo=UTC)),
    ("+573001110003", "+525511110004", 1, datetime(2025, 4, 5, 9, 30, tzinfo=UTC)),
    ("+584121110001", "+584121110005", 1, datetime(2025, 2, 20, 8, 0, tzinfo=UTC)),
    ("+584121110001", "+18005550000", 1, datetime(2025, 1, 10, 8, 0, tzinfo=UTC)),
    ("+573001110002", "+18005550000", 1, datetime(2025, 1, 11, 8, 0, tzinfo=UTC)),
    ("+573001110003", "+18005550000", 1, datetime(2025, 1, 12, 8, 0, tzinfo=UTC)),
    ("+525511110004", "+18005550000", 1, datetime(2025, 1, 13, 8, 0, tzinfo=UTC)),
    ("+584121110005", "+18005550000", 1, datetime(2025, 1, 14, 8, 0, tzinfo=UTC)),
    ("12345", "+18005550000", 1, datetime(2025, 1, 15, 8, 0, tzinfo=UTC)),
]
ACCOUNTS = [("ACC1", "P1", "VE"), ("ACC2", "P4", "MX"), ("ACC3", "V1", "VE")]
TRANSFERS = [  # id, from, to, amount, time
    ("T1", "ACC3", "ACC1", "9500.00", datetime(2025, 3, 3, 12, 0, tzinfo=UTC)),
    ("T2", "ACC1", "ACC2", "9000.00", datetime(2025, 3, 4, 12, 0, tzinfo=UTC)),
]
ARRESTS = [  # id, date, city, country, lat, lon, people, operation
    ("A1", date(2025, 4, 10), "Tapachula", "MX", 14.9, -92.26, ["P3", "P4"], "Operación Darién"),
    ("A2", date(2025, 5, 2), "Ciudad de Panamá", "PA", 8.98, -79.52, ["P1", "V1"], "Operación Darién"),
]
COUNTRIES = [("VE", "Venezuela"), ("CO", "Colombia"), ("MX", "Mexico"), ("PA", "Panama")]
IMEI = "356938035643809"

PEOPLE_QUERY = """
UNWIND $rows AS r
CREATE (p:Person {person_id: r.id, name: r.name, role: r.role, roles: [r.role], nationality: r.nat,
                  community: r.community, betweenness: r.betweenness, pagerank: r.pagerank, degree: r.degree,
                  aliases: r.aliases, aliases_text: r.aliases_text, source_ids: ['S1']})
WITH p, r MERGE (c:Country {code: r.nat}) CREATE (p)-[:NATIONAL_OF {source_ids: ['S1']}]->(c)
"""
MORE_MEASURES_QUERY = """
UNWIND $rows AS r MATCH (p:Person {person_id: r.id})
SET p.organisation = r.org, p.cell_bridging = r.bridging, p.cell_brokerage = r.cb, p.betweenness_se = r.se,
    p.analysis_id = 'AN1'
"""
COUNTRY_QUERY = "UNWIND $rows AS r MERGE (c:Country {code: r.code}) SET c.name = r.name"
PHONES_QUERY = """
UNWIND $rows AS r
CREATE (ph:Phone {number: r.number, digits: r.digits, quality: r.quality, source_ids: ['S1']})
WITH ph, r MATCH (p:Person {person_id: r.owner}) CREATE (p)-[:USES {source_ids: ['S1']}]->(ph)
"""
CALLS_QUERY = """
UNWIND $rows AS r
MATCH (a:Phone {number: r.caller}), (b:Phone {number: r.callee})
UNWIND range(1, r.count) AS i
CREATE (a)-[:CALLED {call_id: r.caller + '>' + r.callee + '#' + toString(i), call_type: 'voice',
                     start_time: r.start + duration({days: i - 1}), duration_s: 60 * i,
                     source_id: 'S1', row: i}]->(b)
"""
ACCOUNTS_QUERY = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.owner})
CREATE (p)-[:HOLDS {source_ids: ['S1']}]->
       (a:Account {account_id: r.id, country: r.country, holder_name: p.name})
"""
TRANSFERS_QUERY = """
UNWIND $rows AS r
MATCH (a:Account {account_id: r.source}), (b:Account {account_id: r.target})
CREATE (a)-[:TRANSFERRED {transaction_id: r.id, amount: r.amount, amount_micro: r.micro, currency: 'USD',
                          timestamp: r.at, source_id: 'S1', row: 2}]->(b)
"""
ARRESTS_QUERY = """
UNWIND $rows AS r
MERGE (o:Operation {name: r.operation})
CREATE (a:Arrest {arrest_id: r.id, arrest_date: r.date, city: r.city, country: r.country,
                  latitude: r.lat, longitude: r.lon})-[:PART_OF]->(o)
WITH a, r MATCH (c:Country {code: r.country}) CREATE (a)-[:IN_COUNTRY]->(c)
WITH a, r UNWIND r.people AS pid MATCH (p:Person {person_id: pid})
CREATE (p)-[:INVOLVED_IN {role: p.role}]->(a)
"""
DEVICE_QUERY = """
MATCH (p:Person {person_id: 'P1'}), (ph:Phone {number: '+584121110001'})
CREATE (d:Device {imei: $imei, luhn_ok: true})
CREATE (p)-[:USES]->(d), (ph)-[:IN_DEVICE]->(d)
"""
SOURCE_QUERY = """
CREATE (:Source {source_id: 'S1', file_name: 'arrests_darien.csv', kind: 'arrests', loaded_at: datetime($at),
                 rows_read: 12, rows_loaded: 10, rows_rejected: 2})
CREATE (:Analysis {analysis_id: 'AN1', run_at: datetime($at), layers: ['calls', 'money'], nodes: 6, edges: 7,
                   modularity: 0.41, parameters: $parameters})
"""


def build_ui_network(graph: Graph) -> None:
    """Write the network above into the (empty) database with parameterised Cypher."""
    graph.write_many(
        [
            (COUNTRY_QUERY, {"rows": [{"code": c, "name": n} for c, n in COUNTRIES]}),
            (
                PEOPLE_QUERY,
                {
                    "rows": [
                        {
                            "id": i,
                            "name": n,
                            "role": r,
                            "nat": c,
                            "community": k,
                            "betweenness": b,
                            "pagerank": pr,
                            "degree": d,
                            "aliases": al,
                            "aliases_text": " ".join(al),
                        }
                        for i, n, r, c, k, b, pr, d, al in PEOPLE
                    ]
                },
            ),
            (
                PHONES_QUERY,
                {
                    "rows": [
                        dict(zip(("number", "digits", "quality", "owner"), p, strict=True)) for p in PHONES
                    ]
                },
            ),
            (
                CALLS_QUERY,
                {"rows": [{"caller": a, "callee": b, "count": n, "start": t} for a, b, n, t in CALLS]},
            ),
            (ACCOUNTS_QUERY, {"rows": [{"id": a, "owner": o, "country": c} for a, o, c in ACCOUNTS]}),
            (
                TRANSFERS_QUERY,
                {
                    "rows": [
                        {
                            "id": i,
                            "source": s,
                            "target": t,
                            "amount": a,
                            "at": at,
                            "micro": int(float(a)) * 1_000_000,
                        }
                        for i, s, t, a, at in TRANSFERS
                    ]
                },
            ),
            (
                ARRESTS_QUERY,
                {
                    "rows": [
                        {
                            "id": i,
                            "date": d,
                            "city": c,
                            "country": k,
                            "lat": la,
                            "lon": lo,
                            "people": p,
                            "operation": o,
                        }
                        for i, d, c, k, la, lo, p, o in ARRESTS
                    ]
                },
            ),
            (DEVICE_QUERY, {"imei": IMEI}),
            (
                MORE_MEASURES_QUERY,
                {
                    "rows": [
                        {"id": i, "org": o, "bridging": b, "cb": cb, "se": se}
                        for i, (o, b, cb, se) in MORE_MEASURES.items()
                    ]
                },
            ),
            (SOURCE_QUERY, {"at": "2025-06-01T09:00:00Z", "parameters": json.dumps({"methods": METHODS})}),
        ]
    )


def as_networkx() -> nx.MultiGraph:
    """The same network built independently in networkx, node names as 'Label:key'."""
    g = nx.MultiGraph()
    for pid, *_ in PEOPLE:
        g.add_node(f"Person:{pid}")
    for number, _, _, owner in PHONES:
        g.add_node(f"Phone:{number}")
        if owner:
            g.add_edge(f"Person:{owner}", f"Phone:{number}", type="USES")
    for a, b, n, _ in CALLS:
        for _ in range(n):
            g.add_edge(f"Phone:{a}", f"Phone:{b}", type="CALLED")
    for acc, owner, _ in ACCOUNTS:
        g.add_edge(f"Person:{owner}", f"Account:{acc}", type="HOLDS")
    for _, s, t, _, _ in TRANSFERS:
        g.add_edge(f"Account:{s}", f"Account:{t}", type="TRANSFERRED")
    g.add_edge("Person:P1", f"Device:{IMEI}", type="USES")
    g.add_edge("Phone:+584121110001", f"Device:{IMEI}", type="IN_DEVICE")
    return g


@pytest.fixture
def ui_graph(empty_graph: Graph) -> Graph:
    build_ui_network(empty_graph)
    return empty_graph


def key_of(node: explore.Node) -> str:
    key = {"Person": "person_id", "Phone": "number", "Device": "imei", "Account": "account_id"}[node.label]
    return f"{node.label}:{node.props[key]}"


def seed(graph: Graph, person_id: str) -> list[str]:
    ids = explore.person_node_ids(graph, [person_id])
    assert len(ids) == 1
    return ids


@pytest.mark.parametrize("hops", [1, 2, 3])
def test_neighbourhood_matches_networkx_ego_graph(ui_graph: Graph, hops: int) -> None:
    # phones + money layers only; networkx's ego graph of the same network gives the expected node set
    sub = explore.neighbourhood(ui_graph, seed(ui_graph, "P1"), hops=hops, layers=("phones", "money"))
    expected = set(nx.ego_graph(as_networkx(), "Person:P1", radius=hops).nodes)
    assert {key_of(n) for n in sub.nodes.values()} == expected
    assert not sub.capped


def test_neighbourhood_two_hops_by_hand(ui_graph: Graph) -> None:
    # 1 hop from P1: its phone, its device, ACC1 (4 nodes with P1). 2 hops: phone1 calls P2, P3, V1 and the
    # hub phone (+4); ACC1 sends to ACC2 and receives from ACC3 (+2): 4 + 4 + 2 = 10 nodes.
    sub = explore.neighbourhood(ui_graph, seed(ui_graph, "P1"), hops=2, layers=("phones", "money"))
    assert len(sub.nodes) == 10
    # edges among them: USES x2 (P1-phone, P1-device), IN_DEVICE, HOLDS, CALLED phone1->{P2,P3,V1,hub} (4
    # aggregated pairs), phone2->hub, phone3->hub and V1's phone->hub (both ends drawn: 3), TRANSFERRED x2:
    # 2 + 1 + 1 + 4 + 3 + 2 = 13 aggregated edges; phone1->phone2 carries the 3 calls
    assert len(sub.edges) == 13
    weights = {(sub.nodes[e.source].name, sub.nodes[e.target].name, e.type): e.weight for e in sub.edges}
    assert weights[("+584121110001", "+573001110002", "CALLED")] == 3


def test_hub_phone_hidden_above_contact_threshold(ui_graph: Graph) -> None:
    # the hub is called by 6 distinct phones (P1..P4, V1, P5's); P1's phone has 4 contacts (P2, P3, V1, hub).
    # At most 5 contacts: the hub alone disappears (10 - 1 = 9); at most 6: it stays; at most 3: P1's phone
    # goes too, and with it everything reached through it: P1, device, ACC1, ACC2, ACC3 = 5 nodes
    def names(limit: int) -> set[str]:
        sub = explore.neighbourhood(
            ui_graph, seed(ui_graph, "P1"), hops=2, layers=("phones", "money"), max_contacts=limit
        )
        return {n.name for n in sub.nodes.values()}

    assert "+18005550000" not in names(5) and len(names(5)) == 9
    assert "+18005550000" in names(6) and len(names(6)) == 10
    assert names(3) == {"José Ramírez", IMEI, "ACC1", "ACC2", "ACC3"}


def test_cap_and_role_and_time_filters(ui_graph: Graph) -> None:
    seeds = seed(ui_graph, "P1")
    capped = explore.neighbourhood(ui_graph, seeds, hops=2, layers=("phones", "money"), cap=5)
    assert len(capped.nodes) == 5 and capped.capped
    # arrests layer, 1 hop: P1 -> A2; 2 hops: A2 -> V1 and Operación Darién. Without victims V1 is gone.
    everyone = explore.neighbourhood(ui_graph, seeds, hops=2, layers=("arrests",))
    assert {n.name for n in everyone.nodes.values()} == {
        "José Ramírez",
        "A2",
        "María López",
        "Operación Darién",
    }
    no_victims = explore.neighbourhood(
        ui_graph, seeds, hops=2, layers=("arrests",), roles=("suspect", "witness", "unknown")
    )
    assert "María López" not in {n.name for n in no_victims.nodes.values()}
    # calls from 2025-03-01: phone1's calls to P2 (Mar 1-3) and P3 (Mar 2-3) remain; V1 (Feb 20) and hub (Jan)
    # go; 1 hop from phone1 = phone1 + P1 (USES) + device + phone2 + phone3 = 5 nodes
    phone1 = [n for n in everyone.nodes.values() if n.label == "Person"]
    assert phone1
    p1_phone = [r["id"] for r in explore.search(ui_graph, "+584121110001") if r["label"] == "Phone"]
    windowed = explore.neighbourhood(
        ui_graph, p1_phone, hops=1, layers=("phones",), since=datetime(2025, 3, 1, tzinfo=UTC)
    )
    assert {n.name for n in windowed.nodes.values()} == {
        "+584121110001",
        "José Ramírez",
        IMEI,
        "+573001110002",
        "+573001110003",
    }


def test_search_is_accent_typo_and_format_tolerant(ui_graph: Graph) -> None:
    def names(text: str, **kw: Any) -> list[str]:
        return [r["name"] for r in explore.search(ui_graph, text, **kw)]

    assert names("jose ramirez")[0] == "José Ramírez"  # no accents
    assert "José Ramírez" in names("jose ramires")  # one typo
    assert names("El Flaco")[0] == "José Ramírez"  # alias
    assert names("0584121110001", phone_candidates=["+584121110001"])[0] == "+584121110001"
    assert names("58 412 111 0001")[0] == "+584121110001"  # digits in any grouping
    assert names(IMEI)[0] == IMEI
    assert names("acc 1")[0] == "ACC1"  # account ids without spaces, upper case
    # Lucene syntax typed in the box is escaped: no parse error, and '*:*' does not match everything
    # ('or' is a stop word of the index's analyzer, so only 'ramirez' counts: one person of 6)
    assert names('ramirez" OR *:*') == ["José Ramírez"]
    assert names("*:*") == [] and names("ramírez (") == ["José Ramírez"]
    assert "+584121110005" not in names("+584121110001")  # numbers match exactly, never fuzzily
    with pytest.raises(InputError):
        explore.search(ui_graph, "  ")


def test_ranking_excludes_victims_and_filters(ui_graph: Graph) -> None:
    rows = explore.ranking(ui_graph, "betweenness")
    # betweenness written above, victim V1 (0.90) left out: P1 0.60 > P3 0.30 > P2 0.10 > P4 0.05 > P5 0.00
    assert [r["person_id"] for r in rows] == ["P1", "P3", "P2", "P4", "P5"]
    assert [r["person_id"] for r in explore.ranking(ui_graph, "pagerank", community=2)] == ["P3", "P4", "P5"]
    assert [r["person_id"] for r in explore.ranking(ui_graph, "pagerank", country="CO")] == ["P3", "P2"]
    darien = explore.ranking(ui_graph, "pagerank", operation="Operación Darién")
    assert [r["person_id"] for r in darien] == ["P1", "P3", "P4"]  # arrested in A1 or A2, victim left out
    with pytest.raises(InputError):
        explore.ranking(ui_graph, "role")


def test_overview_queries(ui_graph: Graph) -> None:
    q = explore.quality(ui_graph)
    assert q["unparsed_phones"] == 1 and q["rejected_rows"] == 2 and q["loads_with_rejects"] == 1
    assert explore.loads(ui_graph)[0]["rows_rejected"] == 2
    analysis = explore.last_analysis(ui_graph)
    assert analysis is not None and analysis["analysis_id"] == "AN1"
    comms = {c["community"]: c for c in explore.communities(ui_graph)}
    # community 1: P1, P2, V1 (3 members, 1 victim); community 2: P3, P4, P5
    assert comms[1]["size"] == 3 and comms[1]["victims"] == 1
    assert "María López" not in {p["name"] for p in comms[1]["people"]}
    assert comms[2]["size"] == 3 and comms[2]["suspects"] == 2
    orgs = explore.communities(ui_graph, "organisation")
    assert [(o["community"], o["size"], o["cells"], o["victims"]) for o in orgs] == [(7, 6, 2, 1)]
    assert [c["community"] for c in explore.communities(ui_graph, "cell", organisation=8)] == []
    with pytest.raises(InputError):
        explore.communities(ui_graph, "country")


def test_timeline_and_map(ui_graph: Graph) -> None:
    rows = explore.timeline(ui_graph, seed(ui_graph, "P1"))
    kinds = [r["kind"] for r in rows]
    # P1: 1 arrest (A2); calls of phone1: 3 + 2 + 1 + 1 = 7; transfers of ACC1: T1 and T2 = 2
    assert kinds.count("arrest") == 1 and kinds.count("call") == 7 and kinds.count("transfer") == 2
    flows = {(f["origin"], f["destination"]): f for f in explore.nationality_flows(ui_graph)}
    # A1 in MX: P3 (CO), P4 (MX); A2 in PA: P1 (VE), V1 (VE, victim)
    assert flows[("VE", "PA")]["people"] == 2 and flows[("VE", "PA")]["victims"] == 1
    assert flows[("CO", "MX")]["people"] == 1
    money = explore.money_flows(ui_graph)
    # only T2 crosses a border (VE -> MX); T1 stays in VE
    assert [(m["origin"], m["destination"], m["amount_micro"]) for m in money] == [
        ("VE", "MX", 9_000_000_000)
    ]
    assert len(explore.arrest_places(ui_graph)) == 2
