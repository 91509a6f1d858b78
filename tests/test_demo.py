"""The demo dataset: deterministic files, the stated sizes, and an answer key the loaded graph agrees with."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

from graph.connection import Graph
from graph.settings import Settings
from loaders.demo import ANSWER_KEY, FILES, SCALES, demo_files, generate, load_demo
from tests.conftest import run_cli, server_env
from values.name import name_key

PERSON_ROLES = "MATCH (p:Person) WHERE p.person_id IN $ids RETURN p.person_id AS id, p.role AS role"
PERSON_COUNT = "MATCH (p:Person) RETURN count(p) AS n"
PEOPLE_BY_KEY = """
MATCH (p:Person {name_key: $key}) WHERE p.date_of_birth = date($dob)
RETURN collect(p.person_id) AS ids
"""
DEVICE_NUMBERS = """
MATCH (n:Phone)-[:IN_DEVICE]->(d:Device {imei: $imei})
RETURN collect(DISTINCT n.number) AS numbers
"""
PHONE_DEVICES = """
MATCH (:Phone {number: $number})-[:IN_DEVICE]->(d:Device)
RETURN collect(DISTINCT d.imei) AS imeis
"""
USERS_OF_PHONE = "MATCH (p:Person)-[:USES]->(:Phone {number: $number}) RETURN collect(p.person_id) AS ids"
PHONES = "MATCH (n:Phone) RETURN n.number AS number, n.quality AS quality"
TOP_CALLED = """
MATCH (a:Phone)-[:CALLED]->(b:Phone)
WITH b, count(DISTINCT a) AS callers
RETURN b.number AS number, callers ORDER BY callers DESC, number LIMIT $n
"""
HUB_USERS = "MATCH (p:Person)-[:USES]->(n:Phone) WHERE n.number IN $numbers RETURN count(p) AS n"
TRANSFERS_BY_ID = """
MATCH (s:Account)-[t:TRANSFERRED]->(r:Account) WHERE t.transaction_id IN $ids
RETURN t.transaction_id AS id, t.amount_micro AS micro, t.currency AS currency,
       s.account_id AS sender, r.account_id AS receiver
"""
HOLDERS = """
MATCH (p:Person)-[:HOLDS]->(a:Account) WHERE a.account_id IN $ids
RETURN a.account_id AS id, p.person_id AS pid
"""
EVENT_COUNTS = """
MATCH ()-[c:CALLED]->() WITH count(c) AS calls
MATCH ()-[t:TRANSFERRED]->() RETURN calls, count(t) AS transfers
"""
SOURCES = "MATCH (s:Source) RETURN s.kind AS kind, s.rows_read AS read, s.rows_rejected AS rejected"
BURNER_CALLS = """
MATCH (n:Phone {number: $number})-[c:CALLED]-(other:Phone)
RETURN min(c.start_time) AS first, max(c.start_time) AS last, collect(DISTINCT other.number) AS contacts
"""
LABEL_COUNTS = """
MATCH (n) WHERE NOT n:Migration UNWIND labels(n) AS label
RETURN label, count(*) AS n ORDER BY label
"""
TYPE_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type"
PERSON_STATE = """
MATCH (p:Person)
RETURN p.person_id AS id, p.name AS name, p.role AS role, p.roles AS roles, p.source_ids AS sources
ORDER BY id
"""


def e164(text: str) -> str:
    """Normalise a number as the files write it, with phonenumbers alone (not the loaders' code)."""
    text = text.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    return phonenumbers.format_number(phonenumbers.parse(text, "CO"), phonenumbers.PhoneNumberFormat.E164)


def read_rows(out: Path, kind: str) -> list[dict[str, str]]:
    with open(out / FILES[kind][0], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- the files alone -----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    names = [name for name, _ in FILES.values()] + [ANSWER_KEY]
    generate(tmp_path / "a", SCALES["small"], 7)
    # The second copy in another process with another string-hash seed: no dependence on set order.
    script = (
        "from pathlib import Path; from loaders.demo import generate, SCALES; "
        f"generate(Path({str(tmp_path / 'b')!r}), SCALES['small'], 7)"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=Path(__file__).parent.parent)
    generate(tmp_path / "c", SCALES["small"], 8)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "calls.csv").read_bytes() != (tmp_path / "c" / "calls.csv").read_bytes()
    assert not list((tmp_path / "a").glob("*.part"))


def test_small_scale_sizes_and_columns(demo_dataset: tuple[Path, dict[str, Any]]) -> None:
    out, key = demo_dataset
    # ≈ 200 people: 81 cell members + 5 brokers + 1 launderer + 80 victims + 18 relatives + 2 witnesses
    # + 3 duplicate register records = 190.
    assert 180 <= len(key["people"]) <= 220
    assert len(key["people"]) == 190
    for kind, (_, columns) in FILES.items():
        rows = read_rows(out, kind)
        assert list(rows[0].keys()) == list(columns), kind
        assert len(rows) == key["counts"]["rows"][kind], kind
    assert key["counts"]["rows"]["calls"] == 4_000
    assert key["counts"]["rows"]["transfers"] == 400
    roles = Counter(p["role"] for p in key["people"].values())
    assert roles["victim"] == 80 == len(key["victims"])
    assert len(key["brokers"]) == 5 and len(key["cell_info"]) == 12


def test_files_mix_phone_formats_of_the_same_numbers(demo_dataset: tuple[Path, dict[str, Any]]) -> None:
    out, key = demo_dataset
    written = [r[side] for r in read_rows(out, "calls") for side in ("caller", "callee")]
    kinds = Counter(
        "e164" if w.startswith("+") and " " not in w else "spaced" if w.startswith("+") else
        "00" if w.startswith("00") else "national"
        for w in written
    )  # fmt: skip
    assert all(kinds[k] > 100 for k in ("e164", "spaced", "00", "national")), kinds
    known = set(key["phones"]) | {h["number"] for h in key["hub_numbers"]}
    assert {e164(w) for w in written} <= known


def test_answer_key_agrees_with_the_files(demo_dataset: tuple[Path, dict[str, Any]]) -> None:
    out, key = demo_dataset
    transfers = {r["transaction_id"]: r for r in read_rows(out, "transfers")}
    threshold = Decimal(key["threshold"]["amount"])
    for entry in key["structuring"]:
        ids = entry["deposits"] + entry["onward"]
        assert len(ids) == 20  # 12 deposits into the collector, 8 onward transfers
        for tx in ids:
            amount = Decimal(transfers[tx]["amount"])
            assert Decimal("9500") <= amount < threshold and transfers[tx]["currency"] == "USD", tx
        assert all(transfers[tx]["receiver_account"] == entry["account_id"] for tx in entry["deposits"])
        onward_countries = {transfers[tx]["receiver_country"] for tx in entry["onward"]}
        assert onward_countries == {entry["onward_country"]}
        assert entry["onward_country"] != transfers[entry["deposits"][0]]["receiver_country"]
    calls = read_rows(out, "calls")
    for swap in key["handset_swaps"]:
        numbers = {e164(r["caller"]) for r in calls if r["caller_imei"] == swap["imei"]}
        assert numbers == set(swap["numbers"])
    for broker in key["brokers"]:
        assert len(broker["countries"]) >= 2
    arrests = read_rows(out, "arrests")
    victims_in_arrests = {r["person_id"] for r in arrests if r["role"] == "victim" and r["person_id"]}
    assert victims_in_arrests <= set(key["victims"])
    brokers = {b["person_id"] for b in key["brokers"]}
    assert not any(r["role"] == "victim" for r in arrests if r["person_id"] in brokers)


# --- loaded into Neo4j ----------------------------------------------------------------------------


def test_demo_loads_without_rejects_and_with_every_event(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    sources = graph.read(SOURCES)
    assert sorted(s["kind"] for s in sources) == sorted(FILES)
    assert all(s["rejected"] == 0 for s in sources)
    assert {s["kind"]: s["read"] for s in sources} == key["counts"]["rows"]
    counts = graph.read_one(EVENT_COUNTS) or {}
    assert counts == {"calls": 4_000, "transfers": 400}


def test_people_and_roles_match_the_answer_key(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    # Every record of a person merged into one node: as many Person nodes as people in the key.
    assert (graph.read_one(PERSON_COUNT) or {})["n"] == len(key["people"])
    ids = list(key["people"])
    roles = {r["id"]: r["role"] for r in graph.read(PERSON_ROLES, {"ids": ids})}
    assert roles == {pid: p["role"] for pid, p in key["people"].items()}
    assert {roles[b["person_id"]] for b in key["brokers"]} == {"suspect"}
    assert {roles[v] for v in key["victims"]} == {"victim"}
    assert {roles[pid] for pid in key["launderers"]["person_ids"]} == {"suspect"}
    holders = {r["id"]: r["pid"] for r in graph.read(HOLDERS, {"ids": key["launderers"]["account_ids"]})}
    assert set(holders) == set(key["launderers"]["account_ids"])
    assert set(holders.values()) == set(key["launderers"]["person_ids"])


def test_name_variants_merge_and_fuzzy_pairs_stay_apart(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    duplicates = key["duplicates"]
    assert len(duplicates["merge_on_load"]) == 6  # 1 re-arrest + 3 register variants + 2 derived-key victims
    for entry in duplicates["merge_on_load"]:
        for name in entry["names"]:
            row = graph.read_one(PEOPLE_BY_KEY, {"key": name_key(name), "dob": entry["date_of_birth"]}) or {}
            assert row["ids"] == [entry["person_id"]], entry
    for pair in duplicates["fuzzy_pairs"]:
        users = (graph.read_one(USERS_OF_PHONE, {"number": pair["shared_phone"]}) or {})["ids"]
        assert sorted(users) == sorted(pair["person_ids"]), pair
    for pair in duplicates["victim_suspect_lookalikes"]:
        params = {"key": name_key(pair["names"][0]), "dob": pair["date_of_birth"]}
        row = graph.read_one(PEOPLE_BY_KEY, params) or {}
        assert sorted(row["ids"]) == sorted([pair["victim"], pair["suspect"]])
        roles = {r["id"]: r["role"] for r in graph.read(PERSON_ROLES, {"ids": row["ids"]})}
        assert roles == {pair["victim"]: "victim", pair["suspect"]: "suspect"}


def test_phones_devices_and_burner(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    phones = {r["number"]: r["quality"] for r in graph.read(PHONES)}
    hubs = [h["number"] for h in key["hub_numbers"]]
    # Every format of a number became one E.164 Phone: exactly the key's numbers and the hubs.
    assert set(phones) == set(key["phones"]) | set(hubs)
    assert set(phones.values()) == {"e164"}
    for swap in key["handset_swaps"]:
        numbers = (graph.read_one(DEVICE_NUMBERS, {"imei": swap["imei"]}) or {})["numbers"]
        assert sorted(numbers) == sorted(swap["numbers"])
    for change in key["device_changes"]:
        imeis = (graph.read_one(PHONE_DEVICES, {"number": change["number"]}) or {})["imeis"]
        assert sorted(imeis) == sorted(change["imeis"])
    for burner in key["burners"]:
        old = graph.read_one(BURNER_CALLS, {"number": burner["old"]}) or {}
        new = graph.read_one(BURNER_CALLS, {"number": burner["new"]}) or {}
        assert old["last"].to_native() < new["first"].to_native()
        shared = set(old["contacts"]) & set(new["contacts"])
        assert len(shared) >= 5, shared
    # The ordinary numbers are the most called numbers, and nobody in the data uses them.
    top = [r["number"] for r in graph.read(TOP_CALLED, {"n": len(hubs)})]
    assert sorted(top) == sorted(hubs)
    assert (graph.read_one(HUB_USERS, {"numbers": hubs}) or {})["n"] == 0


def test_structuring_transfers_are_under_the_threshold(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    limit = int(Decimal(key["threshold"]["amount"]) * 1_000_000)
    for entry in key["structuring"]:
        ids = entry["deposits"] + entry["onward"]
        rows = graph.read(TRANSFERS_BY_ID, {"ids": ids})
        assert len(rows) == len(ids)
        assert all(9_500_000_000 <= r["micro"] < limit and r["currency"] == "USD" for r in rows)
        assert {r["receiver"] for r in rows if r["id"] in entry["deposits"]} == {entry["account_id"]}
        assert {r["receiver"] for r in rows if r["id"] in entry["onward"]} == {entry["onward_account"]}


def _snapshot(graph: Graph) -> tuple[Any, ...]:
    return graph.read(LABEL_COUNTS), graph.read(TYPE_COUNTS), graph.read(PERSON_STATE)


def test_loading_the_demo_twice_changes_nothing(
    demo_graph: tuple[Graph, dict[str, Any]], demo_dataset: tuple[Path, dict[str, Any]]
) -> None:
    graph, _ = demo_graph
    before = _snapshot(graph)
    summaries = load_demo(graph, demo_dataset[0], progress=False)
    assert [s.rows_rejected for s in summaries] == [0, 0, 0, 0, 0]
    assert _snapshot(graph) == before


def test_cli_writes_the_same_files_and_loads_them(
    demo_graph: tuple[Graph, dict[str, Any]],
    demo_dataset: tuple[Path, dict[str, Any]],
    neo4j_settings: Settings,
    tmp_path: Path,
) -> None:
    graph, key = demo_graph
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    before = _snapshot(graph)
    proc = run_cli(["demo", "--json", "--out", str(tmp_path / "cli")], env)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["generated"] is True and report["planted"]["brokers"] == 5
    assert [(r["kind"], r["rows_rejected"]) for r in report["loads"]] == [
        ("arrests", 0), ("identifiers", 0), ("calls", 0), ("transfers", 0), ("outcomes", 0)
    ]  # fmt: skip
    for kind, path in demo_files(tmp_path / "cli"):
        assert path.read_bytes() == (demo_dataset[0] / path.name).read_bytes(), kind
    assert _snapshot(graph) == before  # the same files again: nothing new
    again = run_cli(["demo", "--no-load", "--out", str(tmp_path / "cli")], env)
    assert again.returncode == 0 and "reused" in again.stdout


@pytest.mark.parametrize("bad", [["--scale", "huge"], ["--seed", "x"]])
def test_cli_refuses_bad_options(bad: list[str], neo4j_settings: Settings, tmp_path: Path) -> None:
    proc = run_cli(["demo", "--no-load", "--out", str(tmp_path), *bad], server_env(neo4j_settings.home, 1))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr


def test_cli_says_in_one_line_when_it_cannot_write(neo4j_settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_cli(["demo", "--no-load", "--out", str(blocker / "demo")], server_env(neo4j_settings.home, 1))
    assert proc.returncode == 6  # InputError
    assert proc.stderr.count("\n") == 1 and "cannot write the demo files" in proc.stderr
    assert "Traceback" not in proc.stderr
