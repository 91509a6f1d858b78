"""Nodes of loads: look-ups for entity resolution, batched merges of people and the things they use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import LiteralString

from graph.connection import Graph, Row

# -- look-ups for entity resolution -----------------------------------------------------------

PEOPLE_BY_NAME_KEY = """
UNWIND $keys AS k
MATCH (p:Person {name_key: k})
RETURN p.person_id AS person_id, p.name_key AS name_key, p.date_of_birth AS date_of_birth,
       p.nationality AS nationality, p.roles AS roles
"""
ACCOUNT_HOLDERS = """
UNWIND $pairs AS q
MATCH (p:Person {name_key: q.name_key})-[:HOLDS]->(:Account {account_id: q.account})
RETURN q.account AS account, q.name_key AS name_key, min(p.person_id) AS person_id
"""


def people_by_name_key(graph: Graph, keys: Sequence[str]) -> list[Row]:
    """The people whose ``name_key`` is one of ``keys``."""
    return graph.read(PEOPLE_BY_NAME_KEY, {"keys": list(keys)})


def account_holders(graph: Graph, pairs: Sequence[Mapping[str, str]]) -> list[Row]:
    """For (account, name_key) pairs, the person who holds that account under that name key."""
    return graph.read(ACCOUNT_HOLDERS, {"pairs": list(pairs)})


# -- nodes --------------------------------------------------------------------------------------

MERGE_PEOPLE = """
UNWIND $people AS row
MERGE (p:Person {person_id: row.person_id})
ON CREATE SET p.name = coalesce(row.name, row.person_id), p.name_key = row.name_key, p.aliases = [],
              p.roles = [], p.source_ids = []
SET p.name_key = coalesce(p.name_key, row.name_key),
    p.date_of_birth = coalesce(p.date_of_birth, row.date_of_birth),
    p.gender = coalesce(p.gender, row.gender),
    p.nationality = coalesce(p.nationality, row.nationality)
WITH p, row,
     row.aliases + CASE WHEN row.name IS NULL OR row.name = p.name THEN [] ELSE [row.name] END AS names
SET p.aliases = reduce(acc = coalesce(p.aliases, []), a IN names |
                       CASE WHEN a IN acc THEN acc ELSE acc + a END),
    p.roles = CASE WHEN row.role IS NULL AND size(coalesce(p.roles, [])) = 0 THEN ['unknown']
                   WHEN row.role IS NULL OR row.role IN coalesce(p.roles, []) THEN p.roles
                   ELSE coalesce(p.roles, []) + row.role END,
    p.source_ids = CASE WHEN $source_id IN coalesce(p.source_ids, []) THEN p.source_ids
                        ELSE coalesce(p.source_ids, []) + $source_id END
SET p.aliases_text = reduce(s = '', a IN p.aliases | CASE WHEN s = '' THEN a ELSE s + ' ; ' + a END),
    p.role = head([r IN $roles WHERE r IN p.roles])
"""
MERGE_PHONE_ROW: LiteralString = """
MERGE (n:Phone {number: row.number})
ON CREATE SET n.digits = row.digits, n.quality = row.quality, n.region = row.region,
              n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_DEVICE_ROW: LiteralString = """
MERGE (n:Device {imei: row.imei})
ON CREATE SET n.luhn_ok = row.luhn_ok, n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_PHONES = "UNWIND $phones AS row" + MERGE_PHONE_ROW
MERGE_DEVICES = "UNWIND $devices AS row" + MERGE_DEVICE_ROW
MERGE_ACCOUNTS = """
UNWIND $accounts AS row
MERGE (n:Account {account_id: row.account_id})
ON CREATE SET n.source_ids = []
SET n.holder_name = coalesce(n.holder_name, row.holder_name),
    n.country = coalesce(n.country, row.country),
    n.source_ids = CASE WHEN $source_id IN n.source_ids THEN n.source_ids ELSE n.source_ids + $source_id END
"""
MERGE_EMAILS = """
UNWIND $emails AS row
MERGE (n:Email {address: row.address})
ON CREATE SET n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_DOCUMENTS = """
UNWIND $documents AS row
MERGE (n:Document {doc_id: row.doc_id})
ON CREATE SET n.doc_type = row.doc_type, n.number = row.number, n.source_ids = [$source_id]
ON MATCH SET n.source_ids = CASE WHEN $source_id IN coalesce(n.source_ids, []) THEN n.source_ids
                                 ELSE coalesce(n.source_ids, []) + $source_id END
"""
MERGE_COUNTRIES = """
UNWIND $countries AS row
MERGE (c:Country {code: row.code})
ON CREATE SET c.name = row.name
"""
MERGE_OPERATIONS = """
UNWIND $operations AS row
MERGE (o:Operation {name: row.name})
ON CREATE SET o.source_ids = [$source_id]
ON MATCH SET o.source_ids = CASE WHEN $source_id IN coalesce(o.source_ids, []) THEN o.source_ids
                                 ELSE coalesce(o.source_ids, []) + $source_id END
"""
MERGE_ARRESTS = """
UNWIND $arrests AS row
MERGE (a:Arrest {arrest_id: row.arrest_id})
ON CREATE SET a.source_ids = []
SET a.arrest_date = coalesce(a.arrest_date, row.arrest_date),
    a.agency = coalesce(a.agency, row.agency),
    a.city = coalesce(a.city, row.city),
    a.country = coalesce(a.country, row.country),
    a.latitude = coalesce(a.latitude, row.latitude),
    a.longitude = coalesce(a.longitude, row.longitude),
    a.source_ids = CASE WHEN $source_id IN a.source_ids THEN a.source_ids ELSE a.source_ids + $source_id END
"""
