"""Links of loads: the batched merges of the links between nodes, each with its provenance."""

from __future__ import annotations

# -- links between nodes (one query per pattern: labels and types are fixed text) -----------------

LINK_USES_PHONE = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Phone {number: row.key})
MERGE (p)-[r:USES]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_USES_DEVICE = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Device {imei: row.key})
MERGE (p)-[r:USES]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HOLDS = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Account {account_id: row.key})
MERGE (p)-[r:HOLDS]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HAS_EMAIL = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Email {address: row.key})
MERGE (p)-[r:HAS_EMAIL]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_HAS_DOCUMENT = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (t:Document {doc_id: row.key})
MERGE (p)-[r:HAS_DOCUMENT]->(t)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.valid_from = CASE WHEN r.valid_from IS NULL OR row.valid_from < r.valid_from THEN row.valid_from
                        ELSE r.valid_from END,
    r.valid_to = CASE WHEN r.valid_to IS NULL OR row.valid_to > r.valid_to THEN row.valid_to
                      ELSE r.valid_to END,
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows
                           OR ($first_only AND any(x IN r.source_rows WHERE x STARTS WITH $row_prefix))
                         THEN r.source_rows ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_INVOLVED_IN = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (a:Arrest {arrest_id: row.arrest_id})
MERGE (p)-[r:INVOLVED_IN]->(a)
ON CREATE SET r.role = row.role, r.charges = [], r.source_ids = [], r.source_rows = []
SET r.charges = reduce(acc = r.charges, c IN row.charges | CASE WHEN c IN acc THEN acc ELSE acc + c END),
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows THEN r.source_rows
                         ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
LINK_PART_OF = """
UNWIND $links AS row
MATCH (a:Arrest {arrest_id: row.arrest_id})
MATCH (o:Operation {name: row.operation})
MERGE (a)-[r:PART_OF]->(o)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_NATIONAL_OF = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (c:Country {code: row.code})
MERGE (p)-[r:NATIONAL_OF]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_ARREST_COUNTRY = """
UNWIND $links AS row
MATCH (a:Arrest {arrest_id: row.arrest_id})
MATCH (c:Country {code: row.code})
MERGE (a)-[r:IN_COUNTRY]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
LINK_ACCOUNT_COUNTRY = """
UNWIND $links AS row
MATCH (a:Account {account_id: row.account_id})
MATCH (c:Country {code: row.code})
MERGE (a)-[r:IN_COUNTRY]->(c)
ON CREATE SET r.source_ids = [$source_id]
ON MATCH SET r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids
                                 ELSE r.source_ids + $source_id END
"""
