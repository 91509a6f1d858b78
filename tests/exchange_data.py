"""A small network for the export tests, written as input files and loaded by the loaders."""

from __future__ import annotations

from pathlib import Path

from graph.connection import Graph
from loaders.pipeline import load_file

ARRESTS = """arrest_id,arrest_date,full_name,person_id,date_of_birth,nationality,role,operation,city,country
A1,2024-01-10,José Núñez Peña,P1,1980-02-03,CO,suspect,Rio,Cali,CO
A1,2024-01-10,Luis Gómez,P2,,CO,suspect,Rio,Cali,CO
A1,2024-01-10,María Fernanda López,V1,2001-05-06,HN,victim,Rio,Cali,CO
A2,2024-03-01,Carla Ruiz,P3,,,suspect,,Bogotá,CO
"""
IDENTIFIERS = """person_id,full_name,identifier_type,identifier,role,aliases
P1,José Núñez Peña,phone,+573001110001,suspect,
P1,José Núñez Peña,account,ACC-1,suspect,
P1,José Núñez Peña,passport,CO-PASS-1,suspect,
P2,Luis Gómez,phone,+573001110002,suspect,
P2,Luis Gómez,account,ACC-2,suspect,
P3,Carla Ruiz,phone,+573001110003,suspect,
V1,María Fernanda López,phone,+50499990000,victim,Mafe
V1,María Fernanda López,account,ACC-V1,victim,Mafe
V1,María Fernanda López,passport,HN-PASS-777,victim,Mafe
"""
CALLS = """call_id,caller,callee,start_time,duration_s,call_type
C1,+573001110001,+573001110002,2024-01-05T10:00:00Z,60,voice
C2,+573001110002,+573001110001,2024-01-06T11:00:00Z,30,voice
C3,+573001110001,+50499990000,2024-01-07T12:00:00Z,45,voice
C4,+573001110002,+573009999999,2024-02-01T09:00:00Z,20,sms
C5,+573001110003,+573001110001,2024-03-05T08:00:00Z,100,voice
"""
TRANSFERS = """transaction_id,sender_account,receiver_account,amount,currency,timestamp,reference
T1,ACC-1,ACC-2,500.00,USD,2024-01-08T10:00:00Z,pago
T2,ACC-1,ACC-X,9500.00,USD,2024-02-02T10:00:00Z,=cmd|' /C calc'!A0
T3,ACC-2,ACC-V1,100.00,USD,2024-01-09T10:00:00Z,para María Fernanda López
"""
FILES = {"arrests": ARRESTS, "identifiers": IDENTIFIERS, "calls": CALLS, "transfers": TRANSFERS}
VICTIM_SECRETS = (
    "María Fernanda López",
    "Mafe",
    "V1",
    "+50499990000",
    "50499990000",
    "ACC-V1",
    "HN-PASS-777",
    "2001-05-06",
)
# the cells and community of the hand-made analysis written by ``analyse``
COMMUNITY = {"P1": 1, "P2": 1, "V1": 1, "P3": 2}
MEASURES = {"P1": 0.5, "P2": 0.3, "P3": 0.1, "V1": 0.2}
ANALYSIS = """
CREATE (:Analysis {analysis_id: 'A-test', status: 'complete', run_at: datetime('2024-04-01T00:00:00Z'),
                   layers: ['calls', 'money', 'arrests', 'identifiers']})
WITH 1 AS one
UNWIND $rows AS r
MATCH (p:Person {person_id: r.id})
SET p.analysis_id = 'A-test', p.community = r.community, p.organisation = 0, p.pagerank = r.pagerank,
    p.key_player = r.id = 'P1', p.kpp_rank = CASE WHEN r.id = 'P1' THEN 1 ELSE null END
WITH count(*) AS done
MATCH (a:Person {person_id: 'P2'}), (b:Person {person_id: 'P3'}), (v:Person {person_id: 'V1'})
CREATE (a)-[:LIKELY_LINKED {score: 0.75, analysis_id: 'A-test'}]->(b)
CREATE (v)-[:LIKELY_LINKED {score: 0.5, analysis_id: 'A-test'}]->(b)
"""


def load_network(graph: Graph, folder: Path) -> None:
    """Write the four files in ``folder`` and load them, then the hand-made analysis."""
    for kind, text in FILES.items():
        path = folder / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        load_file(graph, kind, path, progress=False)
    rows = [{"id": pid, "community": c, "pagerank": MEASURES[pid]} for pid, c in COMMUNITY.items()]
    graph.write(ANALYSIS, {"rows": rows})
