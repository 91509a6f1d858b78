"""Network analytics validated on a real Neo4j against hand computation, networkx and published results."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from analytics import brokerage, centrality, communities, hidden_links, keyplayers
from analytics.network import PersonNetwork, project
from analytics.ranking import rank
from graph.connection import Graph
from tests.test_analytics_helpers import (
    ADD_CALLS,
    ADD_PHONES,
    add_people,
    load_coarrests,
)

DATA = Path("/work/shared/data/911_hijackers")


def measures_by_node(net: PersonNetwork, values: np.ndarray) -> dict[str, float]:
    return {pid: float(values[i]) for i, pid in enumerate(net.ids())}


def loaded(graph: Graph, g: nx.Graph, **kw: object) -> PersonNetwork:
    load_coarrests(graph, g, **kw)  # type: ignore[arg-type]
    return project(graph, "arrests")


# ---------------------------------------------------------------- classic networks with known answers
def test_florentine_medici_betweenness(empty_graph: Graph) -> None:
    """Padgett & Ansell (1993) Florentine marriages: the Medici broker the network (betweenness 0.522)."""
    g = nx.florentine_families_graph()
    net = loaded(empty_graph, g)
    m, method = centrality.centralities(net)
    assert method.exact
    top = rank(net, m, "betweenness", top=3)
    assert top[0]["person_id"] == "Medici"
    assert top[0]["betweenness"] == pytest.approx(0.522, abs=5e-4)  # published 0.522 (normalised)
    ref = nx.betweenness_centrality(g)
    got = measures_by_node(net, m["betweenness"])
    assert all(got[k] == pytest.approx(ref[k], abs=1e-9) for k in ref)


def test_karate_club_against_networkx_and_factions(empty_graph: Graph) -> None:
    """Zachary (1977) karate club: centralities equal networkx's; Leiden finds the optimum Q = 0.4198
    (Brandes et al. 2008 proved it optimal) and its communities nest the two factions (NMI > 0.55)."""
    g = nx.karate_club_graph()
    for _, _, d in g.edges(data=True):
        d.pop("weight", None)
    net = loaded(empty_graph, g)
    m, _ = centrality.centralities(net)
    refs = {
        "betweenness": nx.betweenness_centrality(g),
        "closeness": nx.closeness_centrality(g),
        "eigenvector": nx.eigenvector_centrality(g, tol=1e-14, max_iter=10_000),
        "pagerank": nx.pagerank(g, tol=1e-14),
    }
    for name, ref in refs.items():
        got = measures_by_node(net, m[name])
        err = max(abs(got[str(k)] - v) for k, v in ref.items())
        assert err < 1e-9, (name, err)
    comms = communities.leiden(net, resolution=1.0, seed=42)
    assert comms.modularity == pytest.approx(0.4198, abs=1e-4)
    assert comms.count == 4
    faction = [g.nodes[int(pid)]["club"] for pid in net.ids()]
    nmi = normalized_mutual_info_score(faction, comms.membership)
    assert nmi > 0.55, nmi


def test_hand_drawn_broker_star_path(empty_graph: Graph) -> None:
    """Hand-computed betweenness, closeness, constraint and effective size."""
    g = nx.Graph()
    # broker x between cliques K4 {a1..a4} and K4 {b1..b4}
    g.add_edges_from((f"a{i}", f"a{j}") for i in range(1, 5) for j in range(i + 1, 5))
    g.add_edges_from((f"b{i}", f"b{j}") for i in range(1, 5) for j in range(i + 1, 5))
    g.add_edges_from([("x", "a1"), ("x", "b1")])
    net = loaded(empty_graph, g)
    m, _ = centrality.centralities(net)
    b = measures_by_node(net, m["betweenness"])
    # n = 9, scale 2/((n-1)(n-2)) = 2/56. x lies on all 4·4 = 16 a–b geodesics: 16·2/56 = 0.571428…
    assert b["x"] == pytest.approx(32 / 56, abs=1e-12)
    # a1 lies on the geodesics from a2, a3, a4 to x, b1..b4: 3·5 = 15 → 30/56
    assert b["a1"] == pytest.approx(30 / 56, abs=1e-12)
    assert b["a2"] == 0.0
    con, esize = brokerage.burt(net, weighted=False)
    c, e = measures_by_node(net, con), measures_by_node(net, esize)
    # x: two unconnected contacts, p = 1/2 each: constraint = 2·(1/2)² = 0.5; effective size = 2
    assert c["x"] == pytest.approx(0.5) and e["x"] == pytest.approx(2.0)
    # a1: 4 contacts, 3 ties among them (a2a3, a2a4, a3a4): effective size = 4 - 2·3/4 = 2.5
    assert e["a1"] == pytest.approx(2.5)
    # a1's constraint: p = 1/4 each; for a2: indirect via a3, a4 = 2·(1/4·1/3) = 1/6 → (1/4+1/6)² = 25/144,
    # the same for a3, a4; for x: no common contact → (1/4)² = 9/144. Sum = (3·25 + 9)/144 = 84/144
    assert c["a1"] == pytest.approx(84 / 144)


def test_star_and_path(empty_graph: Graph) -> None:
    star = nx.star_graph(4)  # centre 0, leaves 1..4
    path = nx.relabel_nodes(nx.path_graph(5), {i: f"p{i}" for i in range(5)})
    net = loaded(empty_graph, nx.union(star, path))
    m, _ = centrality.centralities(net)
    b, c = measures_by_node(net, m["betweenness"]), measures_by_node(net, m["closeness"])
    n = 10  # both components, as networkx normalises: 2/((n-1)(n-2)) = 2/72
    assert b["0"] == pytest.approx(6 * 2 / 72)  # the centre is on all C(4,2) = 6 leaf pairs
    assert b["p2"] == pytest.approx(4 * 2 / 72)  # p2 on (p0,p3) (p0,p4) (p1,p3) (p1,p4)
    assert b["p1"] == pytest.approx(3 * 2 / 72)  # p1 on (p0,p2) (p0,p3) (p0,p4)
    # closeness (Wasserman–Faust): r = 5 reachable incl. itself; centre: 4/4 · 4/9; leaf: 4/(1+2·3) · 4/9
    assert c["0"] == pytest.approx(1.0 * 4 / (n - 1))
    assert c["1"] == pytest.approx(4 / 7 * 4 / (n - 1))
    assert c["p2"] == pytest.approx(4 / 6 * 4 / (n - 1))  # distances 2+1+1+2


def test_random_graphs_agree_with_networkx(empty_graph: Graph) -> None:
    """Same values as networkx within 1e-9 on a G(n, m) random graph, unweighted and weighted."""
    g = nx.gnm_random_graph(120, 420, seed=7)
    g = g.subgraph(max(nx.connected_components(g), key=len)).copy()
    rng = np.random.default_rng(1)
    for u, v in g.edges():
        g[u][v]["w"] = int(rng.choice([1, 2, 4]))  # 1/w exact in binary: no floating-point ties
        g[u][v]["dist"] = 1.0 / g[u][v]["w"]
    net = loaded(empty_graph, g, weight="w")
    assert net.m == g.number_of_edges()
    m, _ = centrality.centralities(net)
    mw, _ = centrality.centralities(net, weighted=True)
    n = g.number_of_nodes()
    refs = {
        "degree": dict(g.degree()),
        "weighted_degree": dict(g.degree(weight="w")),
        "betweenness": nx.betweenness_centrality(g),
        "closeness": nx.closeness_centrality(g),
        "harmonic": {k: v / (n - 1) for k, v in nx.harmonic_centrality(g).items()},
        "eigenvector": nx.eigenvector_centrality(g, tol=1e-15, max_iter=100_000),
        "pagerank": nx.pagerank(g, weight=None, tol=1e-15),
    }
    for name, ref in refs.items():
        got = measures_by_node(net, m[name])
        assert max(abs(got[str(k)] - v) for k, v in ref.items()) < 1e-9, name
    wref = {
        "betweenness": nx.betweenness_centrality(g, weight="dist"),
        "closeness": nx.closeness_centrality(g, distance="dist"),
        "pagerank": nx.pagerank(g, weight="w", tol=1e-15),
    }
    for name, ref in wref.items():
        got = measures_by_node(net, mw[name])
        assert max(abs(got[str(k)] - v) for k, v in ref.items()) < 1e-9, name
    con, esize = brokerage.burt(net, weighted=False)
    c_ref, e_ref = nx.constraint(g), nx.effective_size(g)
    assert max(abs(measures_by_node(net, con)[str(k)] - v) for k, v in c_ref.items()) < 1e-9
    assert max(abs(measures_by_node(net, esize)[str(k)] - v) for k, v in e_ref.items()) < 1e-9
    conw, esizew = brokerage.burt(net, weighted=True)
    c_ref = nx.constraint(g, weight="w")
    # networkx's sparse fast path for weighted effective size normalises by the wrong vertex's maximum;
    # its per-node path (nodes=...) follows the definition, so compare with that
    e_ref = nx.effective_size(g, weight="w", nodes=list(g))
    assert max(abs(measures_by_node(net, conw)[str(k)] - v) for k, v in c_ref.items()) < 1e-9
    assert max(abs(measures_by_node(net, esizew)[str(k)] - v) for k, v in e_ref.items()) < 1e-9


def test_sampled_betweenness_within_its_bound() -> None:
    """Pivot sampling (Brandes & Pich 2007) stays within the stated Hoeffding error of the exact value."""
    g = nx.barabasi_albert_graph(1500, 3, seed=2)
    from analytics.network import from_edge_list

    net = from_edge_list(list(g.edges()), n=1500)
    method = centrality.choose_method(net.n, net.m, False, exact_work=net.m * 300)
    assert not method.exact and method.pivots == 300
    est = centrality.betweenness(net, method, seed=3)
    exact = centrality.betweenness(net, centrality.choose_method(net.n, net.m, False))
    # ε = n/(n-1)·sqrt(ln(2n/δ)/(2k)) = 1500/1499·sqrt(ln(30000)/600) = 0.131
    assert method.epsilon == pytest.approx(1500 / 1499 * math.sqrt(math.log(30000) / 600))
    assert np.max(np.abs(est - exact)) < method.epsilon


# ---------------------------------------------------------------- brokerage roles
def test_gould_fernandez_roles_on_directed_calls(empty_graph: Graph) -> None:
    """Hand-made directed triads through the calls layer, groups = nationality.

    Calls A→B, B→C, A→C, D→B, B→E, E→B, B→F; A, B, C Colombian, D, E Venezuelan, F Ecuadorian.
    B's two-paths a→B→c (a ≠ c): (A,C) is closed by A→C, not brokered; (A,E) CO→CO→VE representative;
    (A,F) CO→CO→EC representative; (D,C) VE→CO→CO gatekeeper; (E,C) gatekeeper; (D,E) VE→CO→VE
    itinerant; (D,F) VE→CO→EC liaison; (E,F) liaison; (E,E) is not a pair. Nobody else brokers.
    """
    nat = {"A": "CO", "B": "CO", "C": "CO", "D": "VE", "E": "VE", "F": "EC"}
    add_people(empty_graph, [{"id": p, "nationality": n} for p, n in nat.items()])
    empty_graph.write(
        ADD_PHONES, {"rows": [{"person": p, "number": f"+5730000000{i}"} for i, p in enumerate(nat)]}
    )
    num = {p: f"+5730000000{i}" for i, p in enumerate(nat)}
    ties = [("A", "B"), ("B", "C"), ("A", "C"), ("D", "B"), ("B", "E"), ("E", "B"), ("B", "F")]
    calls = [
        {"src": num[a], "dst": num[b], "id": f"c{i}", "t": "2024-03-01T10:00:00Z", "d": 60}
        for i, (a, b) in enumerate(ties)
    ]
    empty_graph.write(ADD_CALLS, {"rows": calls})
    net = project(empty_graph, "calls")
    roles = brokerage.gould_fernandez(net, net.g.vs["nationality"])
    got = {role: measures_by_node(net, counts) for role, counts in roles.items()}
    assert {r: got[r]["B"] for r in brokerage.ROLES} == {
        "coordinator": 0,
        "itinerant": 1,
        "representative": 2,
        "gatekeeper": 2,
        "liaison": 2,
    }
    for p in "ACDEF":
        assert all(got[r][p] == 0 for r in brokerage.ROLES), p


# ---------------------------------------------------------------- key players
def two_stars() -> nx.Graph:
    g = nx.Graph()
    g.add_edges_from(("c1", f"l{i}") for i in range(5))
    g.add_edges_from(("c2", f"m{i}") for i in range(5))
    g.add_edges_from([("x", "c1"), ("x", "c2")])
    return g


def test_kpp_two_stars_joined_by_a_bridge(empty_graph: Graph) -> None:
    """n = 13. Removing x leaves two stars of 6: F = 1 - 2·30/(12·11) = 0.545; removing c1 leaves five
    isolates and a 7-star: F = 1 - 42/132 = 0.682 (best single person); removing c1 and c2 leaves 11
    isolated people: F = 1."""
    net = loaded(empty_graph, two_stars())
    one = keyplayers.kpp_neg(net, 1)
    assert net.ids()[one.members[0]] in ("c1", "c2")
    assert one.fragmentation == pytest.approx(1 - 42 / 132)
    two = keyplayers.kpp_neg(net, 2)
    assert sorted(net.ids()[v] for v in two.members) == ["c1", "c2"]
    assert two.fragmentation == pytest.approx(1.0)
    m, _ = centrality.centralities(net)
    sim = keyplayers.disruption(net, 2, m["betweenness"], two.members, random_runs=3)
    # degree: c1 (6) then c2 → largest component 7 (x, c2, five leaves), then 1
    assert sim["strategies"]["degree"]["lcc"] == [7, 1]
    ref = two_stars()
    ref.remove_node(sim["strategies"]["degree"]["removed"][0])
    assert sim["strategies"]["degree"]["efficiency"][0] == pytest.approx(nx.global_efficiency(ref), abs=1e-12)
    assert sim["initial"]["efficiency"] == pytest.approx(nx.global_efficiency(two_stars()), abs=1e-12)
    assert sim["strategies"]["kpp"]["lcc"][-1] == 1


def test_fragmentation_of_every_removal_matches_networkx() -> None:
    """The O(n+m) block–cut-tree evaluation equals recomputing components after each single removal."""
    from analytics.network import from_edge_list

    g = nx.gnm_random_graph(80, 95, seed=11)
    net = from_edge_list(list(g.edges()), n=80)
    after, idx, _ = keyplayers._component_sums_after_removal(net.g, np.ones(80, dtype=bool))
    for h, v in enumerate(idx):
        ref = g.copy()
        ref.remove_node(int(net.ids()[v]))
        assert after[h] == sum(len(c) * (len(c) - 1) for c in nx.connected_components(ref))


# ---------------------------------------------------------------- hidden links
def test_hidden_links_auc_planted_partition_vs_random(empty_graph: Graph) -> None:
    """Link prediction finds hidden links in a planted partition (Condon & Karp 2001) and not in G(n, p)."""
    planted = nx.planted_partition_graph(4, 30, 0.4, 0.01, seed=5)
    net = loaded(empty_graph, planted)
    comms = communities.leiden(net, seed=1)
    # the AUC of one split rests on ~74 hidden links (SD ≈ 0.03): average three seeded splits
    preds = [hidden_links.predict_links(net, comms.membership, seed=s) for s in (3, 4, 5)]
    assert float(np.mean([p.auc for p in preds])) > 0.85, [p.auc for p in preds]
    pred = preds[0]
    assert len(pred.pairs) > 0 and np.all(np.diff(pred.scores) <= 0)
    random_g = nx.gnp_random_graph(120, 0.1, seed=5)
    from analytics.network import from_edge_list

    rnet = from_edge_list(list(random_g.edges()), n=120)
    aucs = [
        hidden_links.predict_links(rnet, communities.leiden(rnet, seed=s).membership, seed=s).auc
        for s in range(3)
    ]
    assert 0.35 < float(np.mean(aucs)) < 0.65, aucs


# ---------------------------------------------------------------- victims
def test_victim_at_star_centre_is_never_ranked(empty_graph: Graph) -> None:
    star = nx.star_graph(5)
    net = loaded(empty_graph, star, roles={0: "victim"})
    m, _ = centrality.centralities(net)
    for by in ("betweenness", "degree", "pagerank", "eigenvector"):
        ranked = rank(net, m, by)
        assert "0" not in [r["person_id"] for r in ranked]
        assert len(ranked) == 5
    assert "0" in [r["person_id"] for r in rank(net, m, "betweenness", include_victims=True)]
    kp = keyplayers.kpp_neg(net, 2)
    assert net.ids().count("0") == 1 and net.index["0"] not in kp.members


# ---------------------------------------------------------------- real covert networks
def _atta_top(g: nx.Graph, graph: Graph, atta: str) -> tuple[float, list[dict[str, object]]]:
    names = {v: v for v in g}
    net = loaded(graph, nx.relabel_nodes(g, {v: str(v) for v in g}), names=names)
    m, _ = centrality.centralities(net)
    ref = nx.betweenness_centrality(g)
    assert max(ref.values()) == pytest.approx(max(m["betweenness"]), abs=1e-12)
    for by in ("betweenness", "degree", "closeness", "eigenvector", "pagerank"):
        assert rank(net, m, by, top=1)[0]["person_id"] == atta, by
    return float(m["betweenness"][net.index[atta]]), rank(net, m, "betweenness", top=3)


def test_911_hijackers_atta_most_central(empty_graph: Graph) -> None:
    """Krebs (2002), "Mapping networks of terrorist cells", Connections 24(3): Mohamed Atta is the most
    central actor. Three public encodings (files in /work/shared/data/911_hijackers, see SOURCE.md):
    Latora, Nicosia & Russo (2017) 34 nodes / 93 edges; UCINET associates (networkdata, Schoch); the
    SNABook edge list (Tsvetovat & Kouznetsov 2011). Atta is first by betweenness, degree, closeness,
    eigenvector and PageRank in each (the 19-person prior-contacts matrix is not used: there Hamza
    Alghamdi leads betweenness, as SOURCE.md records)."""
    names = {}
    for line in (DATA / "latora_book_krebs/terrorists_node_map.txt").read_text().splitlines():
        if line.strip():
            i, name = line.split(" ", 1)
            names[int(i)] = name.strip()
    latora = nx.Graph()
    for line in (DATA / "latora_book_krebs/terrorists.net").read_text().splitlines():
        if line.strip():
            a, b = (int(x) for x in line.split()[:2])
            latora.add_edge(names[a], names[b])
    assert (latora.number_of_nodes(), latora.number_of_edges()) == (34, 93)  # the book's README
    bt, _ = _atta_top(latora, empty_graph, "Mohamed Atta")
    assert bt == pytest.approx(0.314, abs=5e-4)

    with (DATA / "networkdata_ucinet/csv/9_11_HIJACKERS_ASSOCIATES_edges.csv").open() as fh:
        assoc = nx.Graph((r["source"], r["target"]) for r in csv.DictReader(fh) if r["source"] != r["target"])
    empty_graph.run_in_batches("MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
    bt, _ = _atta_top(assoc, empty_graph, "Mohamed Atta")
    assert bt == pytest.approx(0.512, abs=5e-4)

    snabook = nx.Graph()
    for row in csv.reader((DATA / "snabook_krebs/9_11_edgelist.txt").read_text().splitlines()):
        if len(row) >= 2 and row[0] != row[1]:
            snabook.add_edge(row[0].strip(), row[1].strip())
    empty_graph.run_in_batches("MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
    bt, _ = _atta_top(snabook, empty_graph, "Mohamed Atta")
    assert bt == pytest.approx(0.486, abs=5e-4)
