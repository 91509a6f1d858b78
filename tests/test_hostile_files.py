"""Files an analyst really receives, against the real Neo4j: each bad row rejected with its reason,
the good rows loaded, one line and an exit code that says which happened, never a traceback."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from graph.connection import Graph
from graph.settings import Settings
from loaders.pipeline import load_file
from loaders.readers import MAX_FIELD_CHARS, detect_encoding
from loaders.rejects import rejects_path_for
from tests.conftest import run_cli, server_env
from tests.test_load_arrests import counts

TRANSFERS_HEADER = "sender_account,receiver_account,amount,currency,timestamp\n"


def rejects(path: Path) -> dict[int, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["line"]): row["reason"] for row in csv.DictReader(handle)}


def test_huge_and_exponent_amounts_are_rejected_rows(
    empty_graph: Graph, neo4j_settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "transfers.csv"
    path.write_text(
        TRANSFERS_HEADER
        + "CO-1,PA-2,1e309,USD,2025-03-01T10:00:00Z\n"
        + "CO-1,PA-2,99999999999999999999999999999999,USD,2025-03-01T10:05:00Z\n"
        + "CO-1,PA-2,9500.00,USD,2025-03-01T10:10:00Z\n"
        + "CO-1,PA-2,NaN,USD,2025-03-01T10:15:00Z\n"
        + "CO-1,PA-2,999999999999.999999,USD,2025-03-01T10:20:00Z\n",
        encoding="utf-8",
    )
    out = run_cli(["load", "transfers", str(path)], server_env(neo4j_settings.home, neo4j_settings.port))
    assert out.returncode == 12, out.stderr
    assert "Traceback" not in out.stderr
    found = rejects(rejects_path_for(path))
    assert sorted(found) == [2, 3, 5]
    assert found[2] == "unparseable amount '1e309'" and "out of range" in found[3]
    amounts = empty_graph.read("MATCH ()-[t:TRANSFERRED]->() RETURN t.amount AS a ORDER BY a")
    assert [r["a"] for r in amounts] == ["9500.00", "999999999999.999999"]


def test_an_overlong_name_and_a_nul_byte_reject_only_their_rows(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "arrests.csv"
    path.write_text(
        "arrest_id,arrest_date,full_name\n"
        f"A1,2025-01-01,{'X' * 200_000}\n"
        "A2,2025-01-02,Ana Nul\x00Byte\n"
        f"A3,2025-01-03,{'Y' * MAX_FIELD_CHARS}\n"
        "A4,2025-01-04,Luis Pérez\n",
        encoding="utf-8",
    )
    summary = load_file(empty_graph, "arrests", path, progress=False)
    assert (summary.rows_loaded, summary.rows_rejected) == (2, 2)
    found = rejects(rejects_path_for(path))
    assert found == {
        2: f"full_name has 200,000 characters (at most {MAX_FIELD_CHARS:,})",
        3: "control character U+0000 in full_name",
    }
    assert counts(empty_graph)[0]["Arrest"] == 2


def test_one_damaged_line_in_a_utf8_file_is_rejected_not_read_as_latin1(
    empty_graph: Graph, tmp_path: Path
) -> None:
    path = tmp_path / "arrests.csv"
    path.write_bytes(
        b"arrest_id,arrest_date,full_name\n"
        + b"A1,2025-01-01,Good Name\n"
        + b"A2,2025-01-02,Bad \xff\xfe bytes\n"
        + b"A3,2025-01-03,Other Name\n"
    )
    summary = load_file(empty_graph, "arrests", path, progress=False)
    assert (summary.rows_loaded, summary.rows_rejected) == (2, 1)
    assert rejects(rejects_path_for(path)) == {3: "not valid utf-8 (give --encoding, e.g. cp1252)"}
    names = [r["n"] for r in empty_graph.read("MATCH (p:Person) RETURN p.name AS n ORDER BY n")]
    assert names == ["Good Name", "Other Name"]


def test_a_latin1_file_is_read_as_latin1() -> None:
    names = ("José Pérez", "María Núñez", "Iñaki Muñoz")
    sample = "".join(f"A{i},2025-01-0{i},{n}\n" for i, n in enumerate(names, 1)).encode("cp1252")
    assert detect_encoding(b"arrest_id,arrest_date,full_name\n" + sample) == "cp1252"
    # the same in UTF-8, or Latin-1 on fewer lines than LATIN1_LINES, is UTF-8
    assert detect_encoding(sample.decode("cp1252").encode("utf-8")) == "utf-8"
    assert detect_encoding(b"a,b\n" + "José,1\n".encode("cp1252")) == "utf-8"


def test_a_nested_json_object_rejects_its_line(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "arrests.jsonl"
    lines = [
        {"arrest_id": "A1", "arrest_date": "2025-01-01", "full_name": "Ana Gómez"},
        {"arrest_id": "A2", "arrest_date": "2025-01-02", "full_name": {"first": "Luis", "last": "Pérez"}},
        {"arrest_id": "A3", "arrest_date": "2025-01-03", "full_name": "Eva Ruiz", "notes": ["x", "y"]},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    summary = load_file(empty_graph, "arrests", path, progress=False)
    assert (summary.rows_loaded, summary.rows_rejected) == (2, 1)
    assert rejects(rejects_path_for(path)) == {2: "full_name holds a JSON object, not a value"}
