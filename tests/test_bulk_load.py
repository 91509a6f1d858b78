"""`hilorojo load bulk calls` against the real local server: the graph and rejects of the online loader."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from graph.connection import Graph
from loaders.pipeline import load_file
from tests.conftest import SpareServer, run_cli
from tests.test_load_arrests import counts

# Two files of calls: national and international numbers, times with and without an offset, IMEIs
# (a handset that moves), an extra column, a row without call_id, and bad rows of each sort.
CALLS_A = """call_id,caller,callee,start_time,duration_s,call_type,caller_imei,callee_imei,caller_cell,caller_lat,caller_lon,tower note
C1,300 123 4567,+57 310 555 0101,2025-03-01T10:00:00,60,voice,490154203237518,,CELL-1,4.6,-74.1,north
C2,+573001234567,3105550101,2025-03-02 11:30:00,1:15,sms,490154203237518,356938035643809,,,,
C3,+573001234567,+573105550101,2025-03-03T09:00:00-05:00,30,voice,356938035643809,356938035643809,,,,
C4,not a phone,3105550101,2025-03-03T09:00:00,30,voice,,,,,,
C5,3001234567,3001234567,2025-03-03T09:00:00,30,voice,,,,,,
C2,3001234567,3105550101,2025-03-02 11:30:00,75,sms,,,,,,
C3,3001234567,3209998888,2025-03-03T09:00:00,30,voice,,,,,,
,3209998888,+44 20 7946 0958,2025-03-04T08:00:00,5,voice,,,,,,
C6,3209998888,3105550101,2025-03-05T08:00:00,abc,voice,,,,,,
"""  # noqa: E501
CALLS_B = """call_id,caller,callee,start_time,duration_s,caller_imei
C7,3209998888,3001234567,2025-04-01T08:00:00,12,490154203237518
C1,3001234567,3105550101,2025-03-01T10:00:00,60,
C3,3001234567,3105550101,2025-03-03T14:00:00,30,
"""
OPTIONS = ["--region", "CO", "--timezone", "America/Bogota"]
NODES = "MATCH (n) WHERE NOT n:Migration RETURN labels(n) AS labels, properties(n) AS props"
RELS = """
MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS props, a.number AS a, coalesce(b.number, b.imei) AS b
"""


def write_inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    paths = [folder / "calls_a.csv", folder / "calls_b.csv"]
    for path, text in zip(paths, (CALLS_A, CALLS_B), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def graph_text(graph: Graph) -> list[str]:
    """Every node and relationship with its properties as sorted text; a Source's load time left out."""

    def text(row: dict[str, Any]) -> str:
        row["props"].pop("loaded_at", None)
        return json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)

    return sorted([text(r) for r in graph.read(NODES)] + [text(r) for r in graph.read(RELS)])


def rejected_lines(path: Path) -> list[int]:
    with path.with_name(path.name + ".rejects.csv").open(encoding="utf-8", newline="") as handle:
        return sorted(int(row["line"]) for row in csv.DictReader(handle))


def test_bulk_load_writes_the_online_loaders_graph_and_refuses_a_full_database(
    empty_graph: Graph, spare_graph: Graph, spare_server: SpareServer, tmp_path: Path
) -> None:
    online_files = write_inputs(tmp_path / "online")
    for path in online_files:
        load_file(empty_graph, "calls", path, region="CO", timezone="America/Bogota", progress=False)
    online = graph_text(empty_graph)

    bulk_files = write_inputs(tmp_path / "bulk")
    out = run_cli(["load", "bulk", "calls", *map(str, bulk_files), *OPTIONS, "--heap", "512m", "--json"],
                  spare_server.env)  # fmt: skip
    assert out.returncode == 12, out.stderr  # some rows rejected, the others loaded
    summary = json.loads(out.stdout)
    assert (summary["rows_read"], summary["rows_rejected"]) == (12, 5)
    bulk_graph = Graph(spare_server.settings)
    try:
        bulk = graph_text(bulk_graph)
        nodes, rels = counts(bulk_graph)
    finally:
        bulk_graph.close()
    assert bulk == online
    # By hand: phones +573001234567, +573105550101, +573209998888, +442079460958; handsets
    # 490154203237518 and 356938035643809; calls C1, C2, C3 (line 4), the row without id and C7 (C2 on
    # line 7 repeats line 3; C3 on line 8 and in file b, and C1 in file b, repeat ids: left out or
    # rejected); handset links 3001234567-4901…, 3105550101-3569…, 3001234567-3569…, 3209998888-4901….
    assert nodes == {"Phone": 4, "Device": 2, "Source": 2}
    assert rels == {"CALLED": 5, "IN_DEVICE": 4}
    # Rejected: line 5 (no digits), 6 (calls itself), 8 (C3 with other content), 10 (duration); file b's C3.
    for online_path, bulk_path in zip(online_files, bulk_files, strict=True):
        assert rejected_lines(bulk_path) == rejected_lines(online_path)
    assert rejected_lines(bulk_files[0]) == [5, 6, 8, 10]
    assert rejected_lines(bulk_files[1]) == [4]

    again = run_cli(["load", "bulk", "calls", str(bulk_files[0]), *OPTIONS], spare_server.env)
    assert again.returncode != 0
    message = again.stderr.strip()
    assert "not empty" in message and len(message.splitlines()) == 1 and "Traceback" not in message


def test_bulk_load_refuses_a_remote_server_in_one_line(tmp_path: Path) -> None:
    path = write_inputs(tmp_path / "in")[0]
    env = dict(os.environ, NEO4J_URI="neo4j+s://db.example.org:7687")
    out = run_cli(["load", "bulk", "calls", str(path)], env)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "hilorojo: the bulk load writes the store of the local server, not the server at "
        "neo4j+s://db.example.org:7687 -- load a remote server or cluster with `hilorojo load KIND FILE`, "
        "or its own neo4j-admin"
    ]
    assert not path.with_name(path.name + ".rejects.csv").exists()
