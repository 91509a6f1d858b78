"""Analytics on the demo dataset: planted brokers on top, planted cells recovered, no victim ranked."""

from __future__ import annotations

from typing import Any

from sklearn.metrics import normalized_mutual_info_score

from analytics.pipeline import analyze
from analytics.ranking import rank
from graph.connection import Graph


def _broker_positions(ranked_ids: list[str], brokers: set[str]) -> list[int]:
    return sorted(ranked_ids.index(b) + 1 for b in brokers if b in ranked_ids)


def test_demo_brokers_cells_and_victims(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    brokers = {b["person_id"] for b in key["brokers"]}
    victims = set(key["victims"])
    # the weighted run (distance 1/weight) puts the cell leaders, the brokers' contacts, among them
    weighted = analyze(graph, None, weighted=True, write=False)
    w_ids = [r["person_id"] for r in rank(weighted.network, weighted.measures, "betweenness")]
    w_positions = _broker_positions(w_ids, brokers)
    print(f"weighted betweenness ranks of the planted brokers {w_positions} of {len(w_ids)}")
    assert len(w_positions) == len(brokers)
    assert max(w_positions) <= 0.2 * len(w_ids), w_positions
    # the default analysis (unweighted betweenness, as `hilorojo brokers` ranks)
    result = analyze(graph, None, write=False)
    net = result.network
    ranking = rank(net, result.measures, "betweenness")
    ranked_ids = [r["person_id"] for r in ranking]
    assert not victims & set(ranked_ids)
    top = ranked_ids[: 2 * len(brokers)]
    found = brokers & set(top)
    positions = _broker_positions(ranked_ids, brokers)
    print(
        f"planted brokers {len(brokers)}; in the top {len(top)}: {len(found)}; betweenness ranks {positions}"
        f" of {len(ranked_ids)}"
    )
    # all planted brokers in the top tenth, and at least 4 of 5 in the top 2x5
    assert len(positions) == len(brokers)
    assert len(found) >= 0.8 * len(brokers), positions
    assert max(positions) <= 0.1 * len(ranked_ids), positions
    # the default ranking (bridging between cells): every planted broker in the top 2x5
    default = [r["person_id"] for r in rank(net, result.measures, "cell_bridging")]
    positions = _broker_positions(default, brokers)
    print(f"bridging between cells: ranks of the planted brokers {positions} of {len(default)}")
    assert len(positions) == len(brokers) and max(positions) <= 2 * len(brokers), positions
    assert not victims & set(default[: 2 * len(brokers)])
    cells = {pid: info["cell"] for pid, info in key["cells"].items() if pid in net.index}
    truth = [cells[p] for p in cells]
    found_comm = [int(result.communities.membership[net.index[p]]) for p in cells]
    nmi = normalized_mutual_info_score(truth, found_comm)
    print(f"cells: {len(set(truth))}, found {result.communities.count}, NMI {nmi:.3f}")
    # one Leiden run: 0.981 ± 0.012 over 20 seeds, 0.963 to 1.000 (python -m bench.cell_seeds)
    assert nmi >= 0.95, nmi
    # organisations group whole cells, and recover the planted organisations
    orgs = [key["cell_info"][cells[p]]["org"] for p in cells]
    found_org = [int(result.organisations.membership[net.index[p]]) for p in cells]
    for c in set(found_comm):
        assert len({o for o, fc in zip(found_org, found_comm, strict=True) if fc == c}) == 1
    org_nmi = normalized_mutual_info_score(orgs, found_org)
    print(f"organisations: {len(set(orgs))}, found {result.organisations.count}, NMI {org_nmi:.3f}")
    # the small demo plants one organisation (NMI against one class is 0): organisations group cells
    assert 1 <= result.organisations.count <= result.communities.count
    kp_ids = {net.ids()[v] for v in result.key_players.members}
    assert not kp_ids & victims
