"""The write queries of outcomes files: cases, and the stage each person reached in each, with provenance."""

from __future__ import annotations

MERGE_CASES = """
UNWIND $cases AS row
MERGE (c:Case {case_id: row.case_id})
SET c.source_ids = CASE WHEN $source_id IN coalesce(c.source_ids, []) THEN c.source_ids
                        ELSE coalesce(c.source_ids, []) + $source_id END
"""
# One IN_CASE link per person, case and stage: a reload or a second file repeating it adds only its row.
LINK_IN_CASE = """
UNWIND $links AS row
MATCH (p:Person {person_id: row.person_id})
MATCH (c:Case {case_id: row.case_id})
MERGE (p)-[r:IN_CASE {stage: row.stage}]->(c)
ON CREATE SET r.source_ids = [], r.source_rows = []
SET r.date = coalesce(r.date, row.date),
    r.court = coalesce(r.court, row.court),
    r.source_ids = CASE WHEN $source_id IN r.source_ids THEN r.source_ids ELSE r.source_ids + $source_id END,
    r.source_rows = CASE WHEN row.source_row IN r.source_rows THEN r.source_rows
                         ELSE r.source_rows + row.source_row END
SET r += row.extra
"""
