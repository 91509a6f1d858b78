"""Calls loader against a real Neo4j: counts, rejects, devices, file formats, --strict and the CLI."""

from __future__ import annotations

import csv
import gzip
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from graph import ingest
from graph.connection import Graph
from graph.errors import InputError, QueryFailed
from graph.settings import Settings
from loaders import concurrency, pipeline
from loaders.pipeline import load_file
from tests.conftest import run_cli, server_env
from tests.test_load_arrests import counts, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
# Phones: +573001234567 (written "+57 300…", "300…", "0057 300…"), +573007654321, +573105550000, +12125550100.
# Devices: 352099001761481 (lines 2-4, caller), 490154203237518 (line 5, callee).
# Calls: lines 2, 3 (line 4 repeats line 3 exactly: same content hash), 5, 6 = 4 CALLED.
CALLS_NODES = {"Phone": 4, "Device": 2, "Source": 1}
CALLS_RELS = {"CALLED": 4, "IN_DEVICE": 2}
CALLS_REJECTS = {
    7: "missing callee",
    8: "unparseable time 'yesterday'",
    9: "caller and callee are the same number +573001234567",
    10: "IMEI '123' is not 14 or 15 digits",
    11: "unknown call_type 'fax'",
}


def _rejects(path: Path) -> dict[int, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["line"]): row["reason"] for row in csv.DictReader(handle)}


def copy_of_calls(tmp_path: Path) -> Path:
    """A copy of the calls fixture in ``tmp_path`` (a load writes its rejects file beside the file)."""
    path = tmp_path / "calls.csv"
    path.write_bytes((FIXTURES / "calls.csv").read_bytes())
    return path


def test_calls_counts_and_rejects(empty_graph: Graph, tmp_path: Path) -> None:
    path = copy_of_calls(tmp_path)
    summary = load_file(empty_graph, "calls", path, region="CO", progress=False)
    # 10 rows: 5 rejected, 5 loaded, of which one is a repeat of another record
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected, summary.duplicates) == (
        10,
        5,
        5,
        1,
    )
    assert counts(empty_graph) == (CALLS_NODES, CALLS_RELS)
    assert summary.rejects_path == tmp_path / "calls.csv.rejects.csv"
    found = _rejects(summary.rejects_path)
    assert sorted(found) == sorted(CALLS_REJECTS)
    for line, reason in CALLS_REJECTS.items():
        assert found[line].startswith(reason)
    # given call_id kept; others hashed; each raw event has its source and line
    calls = empty_graph.read("MATCH ()-[c:CALLED]->() RETURN c.call_id AS id, c.row AS row, c.source_id AS s")
    assert {c["row"] for c in calls} == {2, 3, 5, 6} and {c["s"] for c in calls} == {summary.source_id}
    assert "K-9" in {c["id"] for c in calls}
    # the Cypher-looking extra column is stored as text
    note = empty_graph.read_one(
        "MATCH ()-[c:CALLED {row: 6}]->() RETURN c.x_operator_note AS v, c.call_type AS t"
    )
    assert note == {"v": "MATCH (n) DETACH DELETE n", "t": "voice"}  # "VOZ" is voice


def test_handset_first_and_last_seen(empty_graph: Graph) -> None:
    load_file(empty_graph, "calls", FIXTURES / "calls.csv", region="CO", progress=False)
    link = empty_graph.read_one(
        """
        MATCH (p:Phone {number: '+573001234567'})-[r:IN_DEVICE]->(d:Device {imei: '352099001761481'})
        RETURN r.first_seen AS first, r.last_seen AS last, d.luhn_ok AS ok, r.source_rows AS rows
        """
    )
    assert link is not None and link["ok"] is True
    # line 2: 2025-03-01 10:00 UTC (no zone given, --timezone UTC); line 3: 11:00-05:00 = 16:00 UTC
    assert link["first"].to_native().isoformat() == "2025-03-01T10:00:00+00:00"
    assert link["last"].to_native().isoformat() == "2025-03-01T11:00:00-05:00"
    assert [r.split(":")[-1] for r in link["rows"]] == ["2"]


def test_reload_of_calls_changes_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    path = copy_of_calls(tmp_path)
    load_file(empty_graph, "calls", path, region="CO", progress=False)
    before = snapshot(empty_graph)
    again = load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert (again.nodes_created, again.relationships_created, again.rows_rejected) == (0, 0, 5)
    assert snapshot(empty_graph) == before


def _rows() -> list[list[str]]:
    with (FIXTURES / "calls.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_gzip_xlsx_and_semicolon_bom_give_the_same_graph(empty_graph: Graph, tmp_path: Path) -> None:
    rows = _rows()
    gz = tmp_path / "calls.csv.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "calls.csv").read_bytes()))
    xlsx = tmp_path / "calls.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(xlsx)
    semi = tmp_path / "calls_semicolon.csv"
    with semi.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    for path in (gz, xlsx, semi):
        graph = empty_graph
        graph.run_in_batches("MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
        summary = load_file(graph, "calls", path, region="CO", progress=False)
        assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (10, 5, 5), path.name
        assert counts(graph) == (CALLS_NODES, CALLS_RELS), path.name


def test_json_lines(empty_graph: Graph) -> None:
    summary = load_file(empty_graph, "calls", FIXTURES / "calls.jsonl", region="CO", progress=False)
    # 5 non-blank lines: 1, 2, 4 load (3 calls); 5 has no parseable time; 6 is not JSON
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (5, 3, 2)
    assert counts(empty_graph) == ({"Phone": 4, "Device": 2, "Source": 1}, {"CALLED": 3, "IN_DEVICE": 2})
    assert summary.rejects_path is not None
    found = _rejects(summary.rejects_path)
    assert sorted(found) == [5, 6] and found[6].startswith("invalid JSON")
    summary.rejects_path.unlink()


def test_undecodable_bytes_reject_only_that_row(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(
        "caller,callee,start_time,caller_cell\n"
        "+573001234567,+573007654321,2025-03-01T10:00:00Z,Medellín Poblado\n".encode()
        + b"+573001234567,+573105550000,2025-03-01T11:00:00Z,Bogot\xe1 \xff\n"
        + "+573105550000,+12125550100,2025-03-01T12:00:00Z,Cúcuta Centro\n".encode()
    )
    summary = load_file(empty_graph, "calls", path, progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (3, 2, 1)
    assert summary.rejects_path is not None
    assert _rejects(summary.rejects_path)[3].startswith("not valid utf-8")
    cells = empty_graph.read("MATCH ()-[c:CALLED]->() RETURN c.caller_cell AS cell ORDER BY cell")
    assert [c["cell"] for c in cells] == ["Cúcuta Centro", "Medellín Poblado"]


def test_missing_columns_stop_before_any_write(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "nocallee.csv"
    path.write_text("caller,start_time\n+573001234567,2025-03-01T10:00:00Z\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing required column.*callee"):
        load_file(empty_graph, "calls", path, progress=False)
    assert counts(empty_graph) == ({}, {})


def test_strict_loads_nothing_and_cli_reports_one_line(
    empty_graph: Graph, neo4j_settings: Settings, tmp_path: Path
) -> None:
    path = copy_of_calls(tmp_path)
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["load", "calls", str(path), "--region", "CO", "--strict"], env)
    assert proc.returncode == 6, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("hilorojo:")]
    assert len(errors) == 1 and "5 of 10 rows are bad" in errors[0] and "Traceback" not in proc.stderr
    assert counts(empty_graph) == ({}, {})  # all or nothing: nothing
    assert len(_rejects(tmp_path / "calls.csv.rejects.csv")) == 5
    good = tmp_path / "good.csv"
    good.write_text("\n".join((FIXTURES / "calls.csv").read_text(encoding="utf-8").splitlines()[:6]) + "\n")
    proc = run_cli(["load", "calls", str(good), "--region", "CO", "--strict", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["rows_read"], data["rows_loaded"], data["rows_rejected"]) == (5, 5, 0)
    assert counts(empty_graph) == (CALLS_NODES, CALLS_RELS)
    proc = run_cli(["load", "calls", str(tmp_path / "nothing.csv")], env)
    assert proc.returncode == 6 and proc.stderr.startswith("hilorojo: no file")


def test_reused_call_id_with_other_content_is_refused(empty_graph: Graph, tmp_path: Path) -> None:
    first = load_file(empty_graph, "calls", FIXTURES / "calls.csv", region="CO", progress=False)
    # K-9 is line 5 of the fixture: +573105550000 -> +12125550100 at 2025-03-02 09:30 UTC.
    other = tmp_path / "other.csv"
    other.write_text(
        "call_id,caller,callee,start_time\n"
        "K-9,+57 300 123 4567,+1 212 555 0100,2025-03-02 09:30\n"  # another caller: refused
        "K-10,+57 300 123 4567,+57 320 000 0000,2025-03-05 10:00\n",  # new, to a new phone
        encoding="utf-8",
    )
    summary = load_file(empty_graph, "calls", other, region="CO", progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (2, 1, 1)
    assert summary.rejects_path is not None
    assert _rejects(summary.rejects_path) == {
        2: f"record id already used by a different record (source {first.source_id}, line 5)"
    }
    calls = empty_graph.read(
        "MATCH (a)-[c:CALLED]->(b) WHERE c.call_id IN ['K-9', 'K-10'] "
        "RETURN c.call_id AS id, a.number AS a, b.number AS b, c.source_id AS s, c.row AS row ORDER BY id"
    )
    assert calls == [
        {"id": "K-10", "a": "+573001234567", "b": "+573200000000", "s": summary.source_id, "row": 3},
        {"id": "K-9", "a": "+573105550000", "b": "+12125550100", "s": first.source_id, "row": 5},
    ]
    assert counts(empty_graph) == ({"Phone": 5, "Device": 2, "Source": 2}, {"CALLED": 5, "IN_DEVICE": 2})
    # A file that repeats a loaded record (same content) and adds one: the repeat is left as it was.
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(
        "call_id,caller,callee,start_time\n"
        "K-9,+57 310 555 0000,+1 212 555 0100,2025-03-02T09:30:00Z\n"
        "K-11,+57 320 000 0000,+1 212 555 0100,2025-03-06 10:00\n",
        encoding="utf-8",
    )
    again = load_file(empty_graph, "calls", mixed, region="CO", progress=False)
    assert (again.rows_read, again.rows_loaded, again.rows_rejected, again.relationships_created) == (
        2,
        2,
        0,
        1,
    )
    k9 = empty_graph.read_one(
        "MATCH ()-[c:CALLED {call_id: 'K-9'}]->() RETURN c.source_id AS s, c.row AS row"
    )
    assert k9 == {"s": first.source_id, "row": 5}
    assert counts(empty_graph)[1] == {"CALLED": 6, "IN_DEVICE": 2}


def test_batches_of_two_rows_written_two_at_a_time(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches (2,3) (4,5) (6,7) (8,9) (10,11), two in flight: line 4 repeats line 3 from another batch,
    # so the uniqueness constraint refuses it and its batch is checked: nothing is written twice.
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)
    monkeypatch.setitem(concurrency.IN_FLIGHT, "calls", 2)
    path = copy_of_calls(tmp_path)
    summary = load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (10, 5, 5)
    assert counts(empty_graph) == (CALLS_NODES, CALLS_RELS)
    assert sorted(_rejects(path.with_name("calls.csv.rejects.csv"))) == sorted(CALLS_REJECTS)
    link = empty_graph.read_one(
        "MATCH (:Phone {number: '+573001234567'})-[r:IN_DEVICE]->(:Device {imei: '352099001761481'}) "
        "RETURN r.first_seen AS first, r.last_seen AS last"
    )
    assert link is not None
    assert link["first"].to_native().isoformat() == "2025-03-01T10:00:00+00:00"
    assert link["last"].to_native().isoformat() == "2025-03-01T11:00:00-05:00"
    rows = empty_graph.read("MATCH ()-[c:CALLED]->() RETURN c.row AS row ORDER BY row")
    assert [r["row"] for r in rows] in ([2, 3, 5, 6], [2, 4, 5, 6])  # line 3 or its repeat, line 4


def test_a_load_restores_the_thread_switch_interval(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A load shortens Python's thread switch interval (process-wide) and must give it back, also
    # when it stops half-way.
    path = copy_of_calls(tmp_path)
    before = sys.getswitchinterval()
    seen: list[float] = []
    run = pipeline.BatchWriter.run

    def spy(self: pipeline.BatchWriter, job: Callable[[], ingest.BatchResult]) -> list[tuple[int, str]]:
        seen.append(sys.getswitchinterval())
        return run(self, job)

    monkeypatch.setattr(pipeline.BatchWriter, "run", spy)
    load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert seen and all(s == pytest.approx(concurrency.SWITCH_INTERVAL_S) for s in seen)
    assert sys.getswitchinterval() == before

    def stop(self: pipeline.BatchWriter, job: Callable[[], ingest.BatchResult]) -> list[tuple[int, str]]:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.BatchWriter, "run", stop)
    with pytest.raises(KeyboardInterrupt):
        load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert sys.getswitchinterval() == before


def test_a_load_collects_young_objects_every_few_batches_and_gives_gc_back(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Automatic collection is paused during a load; generation-1 collections run every
    # GC_EVERY_BATCHES batches (one row per batch here), full ones every FULL_GC_EVERY_BATCHES
    # instead; automatic collection is on again afterwards.
    path = copy_of_calls(tmp_path)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 1)
    monkeypatch.setattr(concurrency, "GC_EVERY_BATCHES", 2)
    monkeypatch.setattr(concurrency, "FULL_GC_EVERY_BATCHES", 6)
    collections: list[tuple[int, bool]] = []
    real_collect = concurrency.gc.collect

    def spy(generation: int = 2) -> int:
        collections.append((generation, concurrency.gc.isenabled()))
        return real_collect(generation)

    monkeypatch.setattr(concurrency.gc, "collect", spy)
    assert concurrency.gc.isenabled()
    summary = load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert summary.rows_read == 10  # one row per batch: collections after batches 2, 4, 6 (full), 8, 10
    assert collections == [(1, False), (1, False), (2, False), (1, False), (1, False)]
    assert concurrency.gc.isenabled()


@pytest.mark.parametrize("in_flight", [1, 2])
def test_batches_queued_behind_a_failed_write_are_not_written(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_flight: int
) -> None:
    # The reading thread queues prepared batches ahead of the writers (QUEUED_AHEAD); when a write
    # fails, those queued batches are skipped, not written after the failure: only the batches
    # already being written (one per writer) started.
    path = copy_of_calls(tmp_path)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 1)
    monkeypatch.setattr(concurrency, "QUEUED_AHEAD", 2)
    monkeypatch.setitem(concurrency.IN_FLIGHT, "calls", in_flight)
    started: list[int] = []

    def fail_first(self: pipeline.BatchWriter, job: Callable[[], ingest.BatchResult]) -> list[Any]:
        started.append(1)
        time.sleep(0.5)  # the reading thread queues the next batches meanwhile
        raise InputError("disk full on the database server")

    monkeypatch.setattr(pipeline.BatchWriter, "run", fail_first)
    with pytest.raises(InputError, match="disk full"):
        load_file(empty_graph, "calls", path, region="CO", progress=False)
    assert started == [1] * in_flight  # of the file's 10 one-row batches


def _one_call_batch(call_id: str, caller: str, callee: str) -> ingest.CallBatch:
    phones = {n: {"number": n, "digits": n[1:], "quality": "e164", "region": None} for n in (caller, callee)}
    columns: dict[str, list[Any]] = {c: [None] for c in ingest.CALL_COLUMNS}
    columns["call_id"] = [call_id]
    when = datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    return ingest.call_batch(
        phones, {}, ([caller], [callee], [when.isoformat()], [2]), columns, [], ingest.no_links
    )


def test_calls_name_their_ends_by_position_and_a_deleted_phone_stops_the_batch(empty_graph: Graph) -> None:
    # Rows name their phones by position in the batch's list of phones (sorted by number): the call
    # must join the numbers the row names, whatever their order. A phone the load merged and that
    # was deleted since cannot be found: the batch writes nothing rather than shift the positions.
    writer = ingest.CallWriter(empty_graph, "S-test")
    first = writer.write(_one_call_batch("C-1", "+19995550002", "+19995550001"))
    assert (first.nodes_created, first.relationships_created) == (2, 1)
    ends = empty_graph.read("MATCH (a)-[c:CALLED]->(b) RETURN a.number AS a, b.number AS b, c.call_id AS id")
    assert ends == [{"a": "+19995550002", "b": "+19995550001", "id": "C-1"}]
    empty_graph.write("MATCH (p:Phone {number: '+19995550001'}) DETACH DELETE p")
    with pytest.raises(QueryFailed, match="deleted while it ran"):
        writer.write(_one_call_batch("C-2", "+19995550001", "+19995550002"))
    assert counts(empty_graph) == ({"Phone": 1}, {})


def test_calls_between_phones_the_previous_batch_named_come_last() -> None:
    # The previous batch named +19995550002: the batch lists +19995550001 and +19995550003 first,
    # then +19995550002, and puts the one call between the first two before the others.
    numbers = ["+19995550001", "+19995550002", "+19995550003"]
    phones = {n: {"number": n, "digits": n[1:], "quality": "e164", "region": None} for n in numbers}
    columns: dict[str, list[Any]] = {c: [None] * 3 for c in ingest.CALL_COLUMNS}
    columns["call_id"] = ["C-1", "C-2", "C-3"]
    when = [datetime(2024, 5, 1, 10, m, tzinfo=UTC).isoformat() for m in (1, 2, 3)]
    callers, callees = [numbers[1], numbers[0], numbers[2]], [numbers[0], numbers[2], numbers[1]]
    batch = ingest.call_batch(
        phones, {}, (callers, callees, when, [2, 3, 4]), columns, [], ingest.no_links, {numbers[1]}
    )
    assert batch.numbers == ["+19995550001", "+19995550003", "+19995550002"]
    assert (batch.first_count, batch.split) == (2, 1)
    assert [p["at"] for p in batch.phones] == [0, 1, 0]  # positions within each part
    assert batch.calls["call_id"] == ["C-2", "C-1", "C-3"]
    assert (batch.calls["caller"], batch.calls["callee"], batch.calls["line"]) == (
        [0, 2, 1],
        [1, 0, 2],
        [3, 2, 4],
    )
    assert batch.calls["start_time"] == [when[1], when[0], when[2]]
    kept, split = batch.calls_where([False, True, True])
    assert (kept["call_id"], split) == (["C-1", "C-3"], 0)


@pytest.mark.parametrize("in_flight", [1, 2])
def test_batches_sharing_phones_join_every_call_to_its_numbers(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_flight: int
) -> None:
    # 600 calls among 12 numbers, in batches of 23 rows, one or two written at a time: every batch
    # shares phones with the one before it, new and known ones. Each call must join the numbers its
    # row names, and each (number, IMEI) link span the first and last time a row showed it.
    import random

    rng = random.Random(7)
    numbers = [f"+1999555{i:04d}" for i in range(12)]
    imeis = {n: f"35209900176{i:04d}" for i, n in enumerate(numbers[:6])}
    expected_calls = set()
    spans: dict[tuple[str, str], list[str]] = {}
    path = tmp_path / "shared.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["call_id", "caller", "callee", "start_time", "caller_imei", "callee_imei"])
        for line in range(2, 602):
            caller, callee = rng.sample(numbers, 2)
            when = f"2024-05-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00+00:00"
            out.writerow([f"C-{line}", caller, callee, when, imeis.get(caller, ""), imeis.get(callee, "")])
            expected_calls.add((f"C-{line}", caller, callee, line))
            for number in (caller, callee):
                if number in imeis:
                    span = spans.setdefault((number, imeis[number]), [when, when])
                    span[0], span[1] = min(span[0], when), max(span[1], when)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 23)
    monkeypatch.setitem(concurrency.IN_FLIGHT, "calls", in_flight)
    summary = load_file(empty_graph, "calls", path, progress=False)
    assert (summary.rows_loaded, summary.rows_rejected) == (600, 0)
    calls = empty_graph.read(
        "MATCH (a:Phone)-[c:CALLED]->(b:Phone) "
        "RETURN c.call_id AS id, a.number AS a, b.number AS b, c.row AS row"
    )
    assert {(c["id"], c["a"], c["b"], c["row"]) for c in calls} == expected_calls
    assert len(calls) == 600
    links = empty_graph.read(
        "MATCH (p:Phone)-[r:IN_DEVICE]->(d:Device) RETURN p.number AS number, d.imei AS imei, "
        "toString(r.first_seen) AS first, toString(r.last_seen) AS last"
    )
    as_text = {k: [v.replace("+00:00", "Z") for v in span] for k, span in spans.items()}
    assert {(x["number"], x["imei"]): [x["first"], x["last"]] for x in links} == as_text
    assert counts(empty_graph)[0]["Phone"] == 12


def test_a_deleted_phone_of_the_second_part_rolls_back_the_first_parts_calls(empty_graph: Graph) -> None:
    # The second batch names +19995550001 (merged by the first batch, which named it) and two new
    # numbers: its call between the new numbers is created first; the deleted phone then stops
    # the query, and the transaction is rolled back with that call in it.
    writer = ingest.CallWriter(empty_graph, "S-test")
    writer.write(_one_call_batch("C-1", "+19995550001", "+19995550002"))
    numbers = ["+19995550001", "+19995550003", "+19995550004"]
    phones = {n: {"number": n, "digits": n[1:], "quality": "e164", "region": None} for n in numbers}
    columns: dict[str, list[Any]] = {c: [None] * 2 for c in ingest.CALL_COLUMNS}
    columns["call_id"] = ["C-2", "C-3"]
    when = [datetime(2024, 5, 1, 10, 30, tzinfo=UTC).isoformat()] * 2
    calls = ([numbers[1], numbers[0]], [numbers[2], numbers[1]], when, [2, 3])
    batch = ingest.call_batch(phones, {}, calls, columns, [], ingest.no_links, {numbers[0]})
    assert (batch.first_count, batch.split) == (2, 1)
    empty_graph.write("MATCH (p:Phone {number: '+19995550001'}) DETACH DELETE p")
    with pytest.raises(QueryFailed, match="deleted while it ran"):
        writer.write(batch)
    assert counts(empty_graph) == ({"Phone": 1}, {})


def test_a_handset_seen_again_in_later_batches_widens_its_span_and_keeps_its_first_row(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One call a batch, written one at a time: lines 3 and 4 find the link line 2 wrote (by element
    # id) and only widen its span, later (line 3) and earlier (line 4); the row cited stays line 2.
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,caller,callee,start_time,caller_imei\n"
        "W-1,+573001234567,+573007654321,2025-03-02T10:00:00+00:00,352099001761481\n"
        "W-2,+573001234567,+573105550000,2025-03-03T10:00:00+00:00,352099001761481\n"
        "W-3,+573001234567,+573007654321,2025-03-01T10:00:00+00:00,352099001761481\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 1)
    monkeypatch.setitem(concurrency.IN_FLIGHT, "calls", 1)
    summary = load_file(empty_graph, "calls", path, progress=False)
    assert (summary.rows_loaded, summary.rows_rejected) == (3, 0)
    links = empty_graph.read(
        "MATCH (:Phone {number: '+573001234567'})-[r:IN_DEVICE]->(:Device {imei: '352099001761481'}) "
        "RETURN toString(r.first_seen) AS first, toString(r.last_seen) AS last, r.source_rows AS rows, "
        "r.source_ids AS ids"
    )
    assert links == [
        {
            "first": "2025-03-01T10:00:00Z",
            "last": "2025-03-03T10:00:00Z",
            "rows": [f"{summary.source_id}:2"],
            "ids": [summary.source_id],
        }
    ]
