"""Write analysis results back to Neo4j (Person properties, Analysis node, LIKELY_LINKED) and read them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

from graph.connection import Graph, batched
from graph.errors import InputError, NotFound

# The Person properties an analysis writes (docs/architecture.md); the only names SET or ranked by.
PERSON_MEASURES: Final[tuple[str, ...]] = (
    "cell_bridging",
    "cell_brokerage",
    "k_betweenness",
    "degree",
    "weighted_degree",
    "betweenness",
    "betweenness_se",
    "closeness",
    "harmonic",
    "eigenvector",
    "pagerank",
    "community",
    "organisation",
    "constraint",
    "effective_size",
    "brokerage_coordinator",
    "brokerage_itinerant",
    "brokerage_gatekeeper",
    "brokerage_representative",
    "brokerage_liaison",
    "key_player",
    "kpp_rank",
)
RANKABLE_MEASURES: Final[tuple[str, ...]] = tuple(
    m for m in PERSON_MEASURES if m not in ("community", "organisation", "key_player", "betweenness_se")
)
# What `hilorojo brokers` and the Brokers page rank by unless told otherwise (docs/analytics.md).
DEFAULT_RANKING: Final = "cell_bridging"
# Equal values of a measure are ordered by another before the person id: bridging takes whole numbers.
TIE_BREAK: Final[dict[str, str]] = {"cell_bridging": "cell_brokerage"}

# An analysis is 'writing' until every result is written; readers only see 'complete' ones (an analysis
# stopped half-way by an outage is ignored, and the next one removes it).
CREATE_ANALYSIS: Final = """
CREATE (a:Analysis {analysis_id: $analysis_id, status: 'writing'})
SET a.layers = $layers, a.since = $since, a.until = $until, a.parameters = $parameters,
    a.run_at = datetime($run_at), a.nodes = $nodes, a.edges = $edges,
    a.modularity = $modularity, a.link_auc = $link_auc, a.engine = $engine
"""
SET_PERSON_RESULTS: Final = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person_id})
SET p += r.props, p.analysis_id = $analysis_id
"""
CREATE_LIKELY_LINKS: Final = """
UNWIND $rows AS r
MATCH (a:Person {person_id: r.a}), (b:Person {person_id: r.b})
CREATE (a)-[:LIKELY_LINKED {score: r.score, analysis_id: $analysis_id}]->(b)
"""
CLEAR_STALE_PERSONS: Final = """
MATCH (p:Person) WHERE p.analysis_id IS NOT NULL AND p.analysis_id <> $analysis_id
CALL (p) {
  REMOVE p.cell_bridging, p.cell_brokerage, p.k_betweenness, p.betweenness_se, p.organisation, p.degree,
         p.weighted_degree, p.betweenness, p.closeness, p.harmonic, p.eigenvector, p.pagerank, p.community,
         p.constraint, p.effective_size, p.brokerage_coordinator, p.brokerage_itinerant,
         p.brokerage_gatekeeper, p.brokerage_representative, p.brokerage_liaison, p.key_player, p.kpp_rank,
         p.analysis_id
} IN TRANSACTIONS OF 10000 ROWS
"""
CLEAR_STALE_LINKS: Final = """
MATCH ()-[r:LIKELY_LINKED]->() WHERE r.analysis_id <> $analysis_id
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS
"""
CLEAR_STALE_ANALYSES: Final = "MATCH (a:Analysis) WHERE a.analysis_id <> $analysis_id DETACH DELETE a"
COMPLETE_ANALYSIS: Final = "MATCH (a:Analysis {analysis_id: $analysis_id}) SET a.status = 'complete'"

LATEST_ANALYSIS: Final = """
MATCH (a:Analysis) WHERE coalesce(a.status, 'complete') = 'complete'
RETURN a.analysis_id AS analysis_id, a.layers AS layers, a.since AS since, a.until AS until,
       a.parameters AS parameters, a.run_at AS run_at, a.nodes AS nodes, a.edges AS edges,
       a.modularity AS modularity, a.link_auc AS link_auc, coalesce(a.engine, 'in-process') AS engine
ORDER BY a.run_at DESC LIMIT 1
"""
RANKING: Final = """
MATCH (p:Person {analysis_id: $analysis_id})
WHERE ($include_victims OR coalesce(p.role, 'unknown') <> 'victim') AND p[$measure] IS NOT NULL
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.nationality AS nationality,
       p {.cell_bridging, .cell_brokerage, .k_betweenness, .betweenness_se, .organisation,
          .degree, .weighted_degree, .betweenness, .closeness, .harmonic, .eigenvector, .pagerank,
          .community, .constraint, .effective_size, .brokerage_coordinator, .brokerage_itinerant,
          .brokerage_gatekeeper, .brokerage_representative, .brokerage_liaison, .key_player,
          .kpp_rank} AS measures
ORDER BY p[$measure] DESC, coalesce(p[$then], 0) DESC, p.person_id
LIMIT $top
"""
MEASURE_WITH_ERROR: Final = """
MATCH (p:Person {analysis_id: $analysis_id})
WHERE ($include_victims OR coalesce(p.role, 'unknown') <> 'victim') AND p[$measure] IS NOT NULL
RETURN p.person_id AS person_id, p[$measure] AS value, coalesce(p[$error], 0.0) AS stderr
"""
KEY_PLAYERS: Final = """
MATCH (p:Person {analysis_id: $analysis_id}) WHERE p.kpp_rank IS NOT NULL AND coalesce(p.role, '') <> 'victim'
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.kpp_rank AS kpp_rank,
       p.degree AS degree, p.betweenness AS betweenness
ORDER BY p.kpp_rank
"""
# The Person property holding each level of the community hierarchy (cells within organisations).
LEVEL_PROPERTY: Final[dict[str, str]] = {"cell": "community", "organisation": "organisation"}
COMMUNITY_MEMBERS: Final = """
MATCH (p:Person {analysis_id: $analysis_id}) WHERE p[$property] IS NOT NULL
RETURN p[$property] AS community, p.community AS cell, p.organisation AS organisation,
       p.person_id AS person_id, p.name AS name, p.role AS role, p.nationality AS nationality,
       p.pagerank AS pagerank, p.cell_bridging AS cell_bridging, p.cell_brokerage AS cell_brokerage,
       p.betweenness AS betweenness
ORDER BY community, coalesce(p.cell_bridging, 0) DESC, coalesce(p.cell_brokerage, 0) DESC, p.pagerank DESC,
         p.person_id
"""
LIKELY_LINKS: Final = """
MATCH (a:Person)-[r:LIKELY_LINKED {analysis_id: $analysis_id}]->(b:Person)
RETURN a.person_id AS a_id, a.name AS a_name, a.role AS a_role, b.person_id AS b_id, b.name AS b_name,
       b.role AS b_role, r.score AS score
ORDER BY r.score DESC, a.person_id, b.person_id
LIMIT $top
"""


def save_analysis(
    graph: Graph,
    analysis: Mapping[str, Any],
    person_rows: Sequence[Mapping[str, Any]],
    links: Sequence[Mapping[str, Any]],
    batch: int = 5000,
) -> None:
    """Write one analysis: its Analysis node, each person's measures, its LIKELY_LINKED relationships;
    then remove the Person properties, links and Analysis nodes of earlier runs.

    ``person_rows`` are ``{"person_id", "props"}`` with props keys from PERSON_MEASURES;
    ``links`` are ``{"a", "b", "score"}`` (person ids).
    """
    aid = analysis["analysis_id"]
    for row in person_rows:
        bad = set(row["props"]) - set(PERSON_MEASURES)
        if bad:
            raise InputError(
                f"unknown person measure {sorted(bad)[0]!r}", "see graph.analysis_store.PERSON_MEASURES"
            )
    # engine: which computed it, 'in-process' (analytics/) or 'gds' (Graph Data Science in the server)
    graph.write(CREATE_ANALYSIS, {"engine": "in-process", **analysis})
    # Batches touch disjoint Person nodes: two transactions at a time keep both server cores busy.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="hilorojo-write-back") as pool:
        for _ in pool.map(
            lambda rows: graph.write(SET_PERSON_RESULTS, {"rows": rows, "analysis_id": aid}),
            batched(person_rows, batch),
        ):
            pass
    for rows in batched(links, batch):
        graph.write(CREATE_LIKELY_LINKS, {"rows": rows, "analysis_id": aid})
    graph.write(COMPLETE_ANALYSIS, {"analysis_id": aid})
    graph.run_in_batches(CLEAR_STALE_PERSONS, {"analysis_id": aid})
    graph.run_in_batches(CLEAR_STALE_LINKS, {"analysis_id": aid})
    graph.write(CLEAR_STALE_ANALYSES, {"analysis_id": aid})


def latest_analysis(graph: Graph) -> dict[str, Any]:
    """The most recent Analysis node, or NotFound when nothing was analysed yet."""
    row = graph.read_one(LATEST_ANALYSIS)
    if row is None:
        raise NotFound("no analysis in the database", "run `hilorojo analyze` first")
    return row


def ranking(
    graph: Graph, analysis_id: str, measure: str, top: int, include_victims: bool = False
) -> list[dict[str, Any]]:
    """People of an analysis ordered by ``measure`` (victims left out unless asked)."""
    if measure not in RANKABLE_MEASURES:
        raise InputError(f"cannot rank by {measure!r}", f"choose among {', '.join(RANKABLE_MEASURES)}")
    if top < 1:
        raise InputError(f"--top {top} is not positive", "give --top 1 or more")
    params = {
        "analysis_id": analysis_id,
        "measure": measure,
        "then": TIE_BREAK.get(measure, measure),
        "top": top,
        "include_victims": include_victims,
    }
    return graph.read(RANKING, params)


def measure_with_error(
    graph: Graph, analysis_id: str, measure: str, error: str, include_victims: bool = False
) -> list[dict[str, Any]]:
    """Every ranked person's value of ``measure`` and its standard error ``error`` (0 when absent)."""
    if measure not in PERSON_MEASURES or error not in PERSON_MEASURES:
        raise InputError(f"no measure {measure!r} with error {error!r}", "see PERSON_MEASURES")
    params = {
        "analysis_id": analysis_id,
        "measure": measure,
        "error": error,
        "include_victims": include_victims,
    }
    return graph.read(MEASURE_WITH_ERROR, params)


def measure_methods(analysis: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """How each measure of an analysis was computed (``{"exact": bool, "how": str, ...}`` by name)."""
    params = json.loads(analysis.get("parameters") or "{}")
    methods = params.get("methods") or {}
    return {str(k): dict(v) for k, v in methods.items()}


def key_players(graph: Graph, analysis_id: str) -> list[dict[str, Any]]:
    """The analysis' KPP-Neg set in rank order."""
    return graph.read(KEY_PLAYERS, {"analysis_id": analysis_id})


def community_members(graph: Graph, analysis_id: str, level: str = "cell") -> list[dict[str, Any]]:
    """Every person of the analysis with their community at ``level`` (cell or organisation), by
    community, then bridging and brokerage between cells and PageRank."""
    if level not in LEVEL_PROPERTY:
        raise InputError(f"no community level {level!r}", f"choose among {', '.join(LEVEL_PROPERTY)}")
    return graph.read(COMMUNITY_MEMBERS, {"analysis_id": analysis_id, "property": LEVEL_PROPERTY[level]})


def likely_links(graph: Graph, analysis_id: str, top: int) -> list[dict[str, Any]]:
    """The analysis' predicted links, best score first."""
    if top < 1:
        raise InputError(f"--top {top} is not positive", "give --top 1 or more")
    return graph.read(LIKELY_LINKS, {"analysis_id": analysis_id, "top": top})
