"""Rankings of people by the measures an analysis wrote back, and the communities it found."""

from __future__ import annotations

from typing import Any, Final

from graph.analysis_store import LEVEL_PROPERTY, TIE_BREAK
from graph.connection import Graph
from graph.errors import InputError

# Person properties that `hilorojo analyze` writes back (docs/architecture.md) and the UI may rank by.
# The first is what the Brokers page ranks by unless told otherwise (docs/analytics.md).
MEASURES: Final[tuple[str, ...]] = (
    "cell_bridging",
    "cell_brokerage",
    "pagerank",
    "k_betweenness",
    "betweenness",
    "degree",
    "weighted_degree",
    "closeness",
    "harmonic",
    "eigenvector",
    "effective_size",
    "constraint",
    "brokerage_coordinator",
    "brokerage_itinerant",
    "brokerage_gatekeeper",
    "brokerage_representative",
    "brokerage_liaison",
)
RANKING_QUERY = """
MATCH (p:Person)
WHERE coalesce(p.role, 'unknown') <> 'victim' AND p[$measure] IS NOT NULL
  AND ($community IS NULL OR p.community = $community)
  AND ($organisation IS NULL OR p.organisation = $organisation)
  AND ($country IS NULL OR p.nationality = $country)
  AND ($operation IS NULL
       OR EXISTS { (p)-[:INVOLVED_IN]->(:Arrest)-[:PART_OF]->(:Operation {name: $operation}) })
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.nationality AS nationality,
       p.community AS community, p.organisation AS organisation, p[$measure] AS score,
       p.cell_bridging AS cell_bridging, p.cell_brokerage AS cell_brokerage,
       p.k_betweenness AS k_betweenness, p.degree AS degree,
       p.betweenness AS betweenness, p.betweenness_se AS betweenness_se,
       p.pagerank AS pagerank, p.constraint AS constraint, p.effective_size AS effective_size,
       p.brokerage_coordinator AS coordinator, p.brokerage_itinerant AS itinerant,
       p.brokerage_gatekeeper AS gatekeeper, p.brokerage_representative AS representative,
       p.brokerage_liaison AS liaison, p.key_player AS key_player, p.kpp_rank AS kpp_rank
ORDER BY score DESC, coalesce(p[$then], 0) DESC, person_id
LIMIT $limit
"""
RANKING_FILTERS_QUERY = """
CALL () { MATCH (p:Person) WHERE p.organisation IS NOT NULL
          RETURN collect(DISTINCT p.organisation) AS organisations }
CALL () { MATCH (p:Person) WHERE p.nationality IS NOT NULL
          RETURN collect(DISTINCT p.nationality) AS countries }
CALL () { MATCH (o:Operation) RETURN collect(o.name) AS operations }
RETURN organisations, countries, operations
"""
# $property is the level's Person property (graph.analysis_store.LEVEL_PROPERTY).
COMMUNITIES_QUERY = """
MATCH (p:Person) WHERE p[$property] IS NOT NULL AND ($organisation IS NULL OR p.organisation = $organisation)
WITH p[$property] AS community, collect(p) AS members, count(DISTINCT p.community) AS cells,
     min(p.organisation) AS organisation
RETURN community, size(members) AS size, organisation, cells,
       size([m IN members WHERE m.role = 'suspect']) AS suspects,
       size([m IN members WHERE m.role = 'victim']) AS victims,
       [m IN members WHERE coalesce(m.role, 'unknown') <> 'victim'
           | {person_id: m.person_id, name: m.name, pagerank: m.pagerank,
              cell_bridging: m.cell_bridging, cell_brokerage: m.cell_brokerage}] AS people,
       [m IN members WHERE m.nationality IS NOT NULL | m.nationality] AS nationalities
ORDER BY size DESC, community
"""
COMMUNITY_MEMBERS_QUERY = """
MATCH (p:Person) WHERE p[$property] = $community
RETURN elementId(p) AS id
ORDER BY coalesce(p.cell_bridging, 0) DESC, coalesce(p.cell_brokerage, 0) DESC, coalesce(p.pagerank, 0) DESC
LIMIT $limit
"""


def ranking(
    graph: Graph,
    measure: str,
    community: int | None = None,
    country: str | None = None,
    operation: str | None = None,
    limit: int = 50,
    organisation: int | None = None,
) -> list[dict[str, Any]]:
    """People (never victims) ranked by a measure that the analysis wrote back, with their other measures;
    ``community`` is a cell, ``organisation`` a group of cells."""
    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}", f"choose among {', '.join(MEASURES)}")
    params = {
        "measure": measure,
        "then": TIE_BREAK.get(measure, measure),
        "community": community,
        "organisation": organisation,
        "country": country,
        "operation": operation,
    }
    return graph.read(RANKING_QUERY, {**params, "limit": limit})


def ranking_filters(graph: Graph) -> dict[str, list[Any]]:
    """The organisations, nationalities and operations present, for the ranking filters."""
    row = graph.read_one(RANKING_FILTERS_QUERY) or {}
    return {k: sorted(v or [], key=str) for k, v in row.items()}


def communities(graph: Graph, level: str = "cell", organisation: int | None = None) -> list[dict[str, Any]]:
    """Every community at ``level`` (cell or organisation; cells only of ``organisation`` when given)
    with its size, cells, counts of suspects and victims, and its people (victims left out)."""
    if level not in LEVEL_PROPERTY:
        raise InputError(f"no community level {level!r}", f"choose among {', '.join(LEVEL_PROPERTY)}")
    params = {"property": LEVEL_PROPERTY[level], "organisation": organisation}
    return graph.read(COMMUNITIES_QUERY, params)


def community_node_ids(graph: Graph, community: int, limit: int = 200, level: str = "cell") -> list[str]:
    """Element ids of a cell's (or organisation's) people, the strongest brokers first."""
    params = {"property": LEVEL_PROPERTY[level], "community": community, "limit": limit}
    return [r["id"] for r in graph.read(COMMUNITY_MEMBERS_QUERY, params)]
