"""The map's aggregates: countries, arrest places, nationality flows and money flows between countries."""

from __future__ import annotations

from typing import Any

from graph.connection import Graph

COUNTRIES_QUERY = """
MATCH (c:Country)
RETURN c.code AS code, c.name AS name,
       COUNT { (c)<-[:NATIONAL_OF]-(:Person) } AS nationals,
       COUNT { (c)<-[:IN_COUNTRY]-(:Arrest) } AS arrests
"""
ARREST_PLACES_QUERY = """
MATCH (a:Arrest)
WHERE a.latitude IS NOT NULL AND a.longitude IS NOT NULL
RETURN a.city AS city, a.country AS country, a.latitude AS latitude, a.longitude AS longitude,
       count(a) AS arrests
"""
NATIONALITY_FLOWS_QUERY = """
MATCH (p:Person)-[:INVOLVED_IN]->(a:Arrest)
WHERE p.nationality IS NOT NULL AND a.country IS NOT NULL
RETURN p.nationality AS origin, a.country AS destination, count(DISTINCT p) AS people,
       count(DISTINCT CASE WHEN p.role = 'victim' THEN p END) AS victims
"""
MONEY_FLOWS_QUERY = """
MATCH (x:Account)-[t:TRANSFERRED]->(y:Account)
WHERE x.country IS NOT NULL AND y.country IS NOT NULL AND x.country <> y.country
RETURN x.country AS origin, y.country AS destination, t.currency AS currency, count(t) AS transfers,
       sum(t.amount_micro) AS amount_micro
"""


def countries(graph: Graph) -> list[dict[str, Any]]:
    """Countries with the number of nationals and of arrests in them."""
    return graph.read(COUNTRIES_QUERY)


def arrest_places(graph: Graph) -> list[dict[str, Any]]:
    """Arrest locations (latitude, longitude) with the number of arrests at each."""
    return graph.read(ARREST_PLACES_QUERY)


def nationality_flows(graph: Graph) -> list[dict[str, Any]]:
    """People by nationality and country of arrest (victims counted apart)."""
    return graph.read(NATIONALITY_FLOWS_QUERY)


def money_flows(graph: Graph) -> list[dict[str, Any]]:
    """Transfers between accounts of different countries, summed by currency."""
    return graph.read(MONEY_FLOWS_QUERY)
