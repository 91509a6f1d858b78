"""Graph Data Science in the database: detect it, and run the analysis there through its Python client."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import numpy as np

from graph.analysis_store import PERSON_MEASURES
from graph.connection import Graph
from graph.errors import QueryFailed
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES
from graph.projection import parse_layers, window_params

# Whether the server has the GDS plugin: SHOW FUNCTIONS answers on every Neo4j 5 server, and a query
# naming a missing function would be refused before it runs.
GDS_FUNCTION: Final = "SHOW FUNCTIONS YIELD name WHERE name = 'gds.version' RETURN count(*) AS n"
GDS_VERSION: Final = "RETURN gds.version() AS version"

# The person network of the chosen layers, projected into GDS's in-memory catalogue (Cypher aggregation):
# the same four layers as graph/projection.py, each pair of people once (undirected), weight n = number
# of calls, transfers, shared arrests and shared identifiers. Phones and accounts without an owner are
# left out, and SAME_AS records stay separate vertices (the in-process engine merges them).
GDS_PROJECT: Final = """
CALL () {
  MATCH (p:Person)-[:USES]->(:Phone)-[c:CALLED]->(:Phone)<-[:USES]-(q:Person)
  WHERE 'calls' IN $layers AND p <> q
    AND ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
  RETURN p, q, count(c) AS n
  UNION ALL
  MATCH (p:Person)-[:HOLDS]->(:Account)-[t:TRANSFERRED]->(:Account)<-[:HOLDS]-(q:Person)
  WHERE 'money' IN $layers AND p <> q
    AND ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
  RETURN p, q, count(t) AS n
  UNION ALL
  MATCH (p:Person)-[:INVOLVED_IN]->(a:Arrest)<-[:INVOLVED_IN]-(q:Person)
  WHERE 'arrests' IN $layers AND p.person_id < q.person_id
    AND ($since_date IS NULL OR a.arrest_date >= $since_date)
    AND ($until_date IS NULL OR a.arrest_date <= $until_date)
  RETURN p, q, count(DISTINCT a) AS n
  UNION ALL
  MATCH (p:Person)-[:USES|HOLDS|HAS_DOCUMENT]->(x)<-[:USES|HOLDS|HAS_DOCUMENT]-(q:Person)
  WHERE 'identifiers' IN $layers AND p.person_id < q.person_id
    AND (x:Phone OR x:Device OR x:Account OR x:Document)
  RETURN p, q, count(DISTINCT x) AS n
}
WITH CASE WHEN p.person_id < q.person_id THEN [p, q] ELSE [q, p] END AS pair, n
WITH pair[0] AS a, pair[1] AS b, sum(n) AS n
RETURN gds.graph.project($graph_name, a, b,
  {sourceNodeLabels: 'Person', targetNodeLabels: 'Person', relationshipProperties: {n: toFloat(n)}},
  {undirectedRelationshipTypes: ['*']})
"""
_USED_LABELS = ("Person", "Phone", "Account", "Arrest", "Device", "Document")
_USED_TYPES = ("CALLED", "USES", "TRANSFERRED", "HOLDS", "INVOLVED_IN", "HAS_DOCUMENT")
assert all(label in NODE_KEYS for label in _USED_LABELS)
assert all(rel in RELATIONSHIP_TYPES for rel in _USED_TYPES)

LIKELY_LINK_CANDIDATES: Final = 10  # most similar people per person considered for a hidden link


def gds_version(graph: Graph) -> str | None:
    """The version of the server's Graph Data Science plugin, or None when it has none."""
    row = graph.read_one(GDS_FUNCTION)
    if not row or not row["n"]:
        return None
    version = graph.read_one(GDS_VERSION)
    return str(version["version"]) if version else None


@dataclass
class GdsRun:
    """What one analysis in GDS computed, ready for graph.analysis_store.save_analysis."""

    version: str
    nodes: int
    edges: int
    modularity: float | None
    person_rows: list[dict[str, Any]]
    links: list[dict[str, Any]]
    parameters: dict[str, Any] = field(default_factory=dict)


def run_in_gds(
    graph: Graph,
    layers: str | Sequence[str] | None,
    since: date | None,
    until: date | None,
    weighted: bool,
    resolution: float,
    seed: int,
    sampling: Callable[[int, int], int | None],
    link_top: int,
) -> GdsRun:
    """Project the person network into GDS and run degree, PageRank, betweenness (exact, or from
    ``sampling(people, links)`` sources: Brandes & Pich 2007), Leiden (Traag, Waltman & van Eck 2019:
    its first level the cells, its last the organisations) and hidden links (Jaccard similarity of
    contacts, Liben-Nowell & Kleinberg 2007) through the ``graphdatascience`` client; the projection is
    dropped afterwards. Needs the GDS plugin on the server (``gds_version``)."""
    try:
        from graphdatascience import GraphDataScience
    except ImportError as exc:  # the optional dependency [gds]
        raise QueryFailed(
            "the server has Graph Data Science but its Python client is not installed",
            "pip install 'hilorojo[gds]', or run `hilorojo analyze --engine in-process`",
        ) from exc
    names = list(parse_layers(layers))
    name = f"hilorojo-{uuid.uuid4().hex[:12]}"
    weight = "n" if weighted else None
    with graph._errors(), _client_refusals():
        gds = GraphDataScience(
            graph.driver, database=graph.settings.database, arrow=False, show_progress=False
        )
        projected, info = gds.graph.project.cypher(
            GDS_PROJECT, graph_name=name, layers=names, **window_params(since, until)
        )
        sampling_size = sampling(int(info.node_count), int(info.relationship_count) // 2)
        try:
            gds.degree.mutate(projected, "degree")
            gds.degree.mutate(projected, "weighted_degree", relationship_weight_property="n")
            gds.page_rank.mutate(
                projected,
                "pagerank",
                damping_factor=0.85,
                max_iterations=100,
                relationship_weight_property=weight,
            )
            gds.betweenness.mutate(projected, "betweenness", sampling_size=sampling_size, sampling_seed=seed)
            leiden = gds.leiden.mutate(
                projected,
                "levels",
                gamma=resolution,
                include_intermediate_communities=True,
                random_seed=seed,
                relationship_weight_property=weight,
            )
            frame = gds.graph.node_properties.stream(
                projected,
                ["degree", "weighted_degree", "pagerank", "betweenness", "levels"],
                db_node_properties=["person_id"],
            )
            similar = gds.node_similarity.stream(projected, top_k=LIKELY_LINK_CANDIDATES)
            existing = gds.graph.relationships.stream(projected)
        finally:
            gds.graph.drop(projected, fail_if_missing=False)
        version = str(gds.server_version())
        gds.close()
    person_rows = _person_rows(frame)
    links = _likely_links(frame, similar, existing, link_top)
    return GdsRun(
        version=version,
        nodes=int(info.node_count),
        edges=int(info.relationship_count) // 2,  # undirected: GDS counts each link both ways
        modularity=float(leiden.modularity),
        person_rows=person_rows,
        links=links,
        parameters={"betweenness_sampling_size": sampling_size, "link_candidates": LIKELY_LINK_CANDIDATES},
    )


@contextmanager
def _client_refusals() -> Iterator[None]:
    """The client's own ValueErrors (an empty projection, an unexpected answer) as one line, not as the
    connection's 'bad address'."""
    try:
        yield
    except ValueError as exc:
        raise QueryFailed(
            f"Graph Data Science could not analyse the network: {str(exc).splitlines()[0]}",
            "check that the chosen layers link people, or run `hilorojo analyze --engine in-process`",
        ) from exc


def _person_rows(frame: Any) -> list[dict[str, Any]]:
    """One ``{"person_id", "props"}`` per projected person: GDS's measures, every other measure null (so
    that values of an earlier in-process analysis do not stay beside these)."""
    rows = []
    for rec in frame.to_dict("records"):
        levels = list(rec["levels"]) if rec["levels"] is not None else [-1]
        props: dict[str, Any] = dict.fromkeys(PERSON_MEASURES)
        props.update(
            degree=int(rec["degree"]),
            weighted_degree=float(rec["weighted_degree"]),
            pagerank=float(rec["pagerank"]),
            betweenness=float(rec["betweenness"]),
            betweenness_se=0.0,
            community=int(levels[0]),
            organisation=int(levels[-1]),
            key_player=False,
        )
        rows.append({"person_id": str(rec["person_id"]), "props": props})
    return rows


def _likely_links(frame: Any, similar: Any, existing: Any, top: int) -> list[dict[str, Any]]:
    """The ``top`` most similar pairs of people who are not linked yet, each pair once."""
    if len(similar) == 0:
        return []
    ids = dict(zip(frame["nodeId"].tolist(), frame["person_id"].tolist(), strict=True))
    a = np.minimum(similar["node1"].to_numpy(), similar["node2"].to_numpy())
    b = np.maximum(similar["node1"].to_numpy(), similar["node2"].to_numpy())
    span = int(max(ids)) + 1
    key = a.astype(np.int64) * span + b
    linked_a = np.minimum(existing["sourceNodeId"].to_numpy(), existing["targetNodeId"].to_numpy())
    linked_b = np.maximum(existing["sourceNodeId"].to_numpy(), existing["targetNodeId"].to_numpy())
    new = ~np.isin(key, linked_a.astype(np.int64) * span + linked_b)
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(len(key), dtype=bool)
    keep[first] = True
    keep &= new
    score = similar["similarity"].to_numpy()
    order = [i for i in np.argsort(-score, kind="stable") if keep[i]][:top]
    return [{"a": ids[int(a[i])], "b": ids[int(b[i])], "score": float(score[i])} for i in order]
