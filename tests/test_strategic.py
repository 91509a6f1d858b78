"""Strategic report on hand-made files: sex x age group x operation, crimes, exploitation, corridors,
trend, justice funnel and small-cell suppression, every count worked out by hand in the comments."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from analytics.disclosure import suppress
from analytics.duplicates import canonical_ids
from analytics.strategic import age_group, crimes_of, strategic_report
from graph import strategic
from graph.connection import Graph
from graph.protected import HIDDEN, MINOR, VICTIM, Protected, shield
from graph.settings import Settings
from loaders.pipeline import load_file
from tests.conftest import run_cli, server_env
from ui.cli.report import write_csv

# Ages at the event: V1 is 17 on 2024-01-10 (a girl) and 18 on 2024-02-15 (a woman); V5 turns 18 on
# the day of A2 (a man); V3 is 13 (a boy); V6 is 16 (a girl); V4 has no sex, V7 sex X: unknown.
HEADER = "arrest_id,arrest_date,full_name,person_id,date_of_birth,sex,nationality,role,charges,operation,"
ARRESTS = (
    HEADER
    + """country,exploitation,gender
A1,2024-01-10,Pedro Uno,P1,1980-05-01,M,CO,suspect,tráfico de migrantes,Darien,PA,,
A1,2024-01-10,María López,P2,1990-02-02,F,CO,suspect,trata de personas,Darien,PA,,
A1,2024-01-10,Ana Víctima,V1,2006-02-01,F,VE,victim,,Darien,PA,sexual,
A1,2024-01-10,Luz Víctima,V2,2000-01-01,mujer,VE,victim,,Darien,PA,explotación sexual,
A1,2024-01-10,Juan Niño,V3,2010-06-01,M,EC,victim,,Darien,PA,trabajo forzoso,
A1,2024-01-10,Sin Sexo,V4,1995-07-07,,VE,victim,,Darien,PA,,
A2,2024-02-15,Pablo Tres,P3,1975-01-01,M,MX,suspect,smuggling of migrants,Tapachula,MX,,
A2,2024-02-15,Ana Víctima,V1,2006-02-01,F,VE,victim,,Tapachula,MX,,
A2,2024-02-15,Hugo Cinco,V5,2006-02-15,,HN,victim,,Tapachula,MX,forced labour,M
A2,2024-02-15,Eva Seis,V6,2007-02-16,F,GT,victim,,Tapachula,MX,,F
A3,2024-04-01,Pedro Uno,P1,1980-05-01,M,CO,suspect,concierto para delinquir,Tapachula,MX,,
A3,2024-04-01,Luz Víctima,V2,2000-01-01,F,VE,victim,,Tapachula,MX,,
A3,2024-04-01,Alex Siete,V7,1990-01-01,X,MX,victim,,Tapachula,MX,criminalidad forzada,
A9,2024-04-02,Mal Dato,P9,1980-01-01,M,CO,suspect,,Tapachula,MX,esclavitud,
A9,2024-04-02,Mal Sexo,P8,1980-01-01,F,CO,suspect,,Tapachula,MX,,M
"""
)
# The last two rows are bad (lines 15 and 16): an unknown form of exploitation; sex and gender disagree.
# V5's sex comes from the gender column alone; V6 gives both, the same.
# María López (P2) is named without person_id: she is the one person of that name in the graph.
OUTCOMES = """case_id,person_id,full_name,stage,date,court
K1,P1,,charged,2024-03-01,Juzgado 1
K1,P1,,prosecuted,2024-06-01,Juzgado 1
K1,P1,,convicted,2024-09-01,Juzgado 1
K2,,Maria Lopez,imputado,2024-03-05,
K2,,Maria Lopez,archivado,2024-05-01,
K3,P3,,investigation,2024-02-20,
K3,P3,,prosecuted,2024-07-01,Juzgado 2
K3,P3,,acquitted,2024-10-01,Juzgado 2
K4,P1,,sentenced to walk,2024-10-01,
K5,,,charged,2024-10-01,
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("strategic")
    (folder / "arrests.csv").write_text(ARRESTS, encoding="utf-8")
    (folder / "outcomes.csv").write_text(OUTCOMES, encoding="utf-8")
    return folder / "arrests.csv", folder / "outcomes.csv"


@pytest.fixture
def loaded(empty_graph: Graph, files: tuple[Path, Path]) -> Graph:
    arrests, outcomes = files
    summary = load_file(empty_graph, "arrests", arrests, progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (15, 13, 2)
    summary = load_file(empty_graph, "outcomes", outcomes, progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (10, 8, 2)
    return empty_graph


def report(g: Graph, by: str = "operation", threshold: int = 1, **window: date):  # type: ignore[no-untyped-def]
    return strategic_report(
        strategic.involvements(g, window.get("since"), window.get("until")),
        strategic.outcomes(g),
        by=by,
        threshold=threshold,
        canon=canonical_ids(g),
        since=window.get("since"),
        until=window.get("until"),
    )


def test_age_groups_and_crimes_by_hand() -> None:
    assert age_group("F", date(2006, 2, 1), date(2024, 1, 31)) == "girls"  # 17
    assert age_group("F", date(2006, 2, 1), date(2024, 2, 1)) == "women"  # 18 that day
    assert age_group("M", date(2010, 1, 1), date(2024, 1, 1)) == "boys"
    assert age_group("X", date(1990, 1, 1), date(2024, 1, 1)) == "unknown"
    assert age_group("M", None, date(2024, 1, 1)) == "unknown"
    assert crimes_of(["Trata de personas"]) == {"trafficking"}
    assert crimes_of(["tráfico de migrantes", "lavado de activos"]) == {"smuggling"}
    assert crimes_of(["Human trafficking", "migrant smuggling"]) == {"trafficking", "smuggling"}
    assert crimes_of(["drug trafficking"]) == {"other"} and crimes_of([]) == {"other"}


def test_suppression_hides_small_cells_and_one_more_per_line() -> None:
    # 2 is hidden (primary); row 0 then hides its smallest other count 6, column 0 then 5 and column 1
    # then 7: every line hides two cells or none, and a+b=8, c+d=12, a+c=11, b+d=9 has many solutions.
    grid = [[6, 2, 8], [5, 7, 12], [11, 9, 20]]
    assert suppress(grid, 5, total_row=True) == [[True, True, False], [True, True, False], [False] * 3]
    # zeros stay shown; a lone small count and its equal total are both hidden
    assert suppress([[3, 0, 3]], 5, total_row=False) == [[True, False, True]]
    assert suppress([[5, 0, 5]], 5, total_row=False) == [[False, False, False]]


def test_loads_reject_bad_rows_and_reload_changes_nothing(loaded: Graph, files: tuple[Path, Path]) -> None:
    arrests, outcomes = files
    rejects = list(csv.DictReader(arrests.with_name("arrests.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["line"], r["reason"]) for r in rejects] == [
        ("15", "unknown exploitation 'esclavitud'"),
        ("16", "sex F and gender M disagree"),
    ]
    rejects = list(csv.DictReader(outcomes.with_name("outcomes.csv.rejects.csv").open(encoding="utf-8")))
    assert [(r["line"], r["reason"]) for r in rejects] == [
        ("10", "unknown stage 'sentenced to walk'"),
        ("11", "missing full_name"),
    ]
    again = load_file(loaded, "outcomes", outcomes, progress=False)
    assert (again.nodes_created, again.relationships_created, again.rows_loaded) == (0, 0, 8)
    rows = loaded.read(
        "MATCH (p:Person)-[r:IN_CASE]->(c:Case) RETURN p.person_id AS p, c.case_id AS c, r.stage AS s, "
        "r.date AS d, r.court AS court, r.source_rows AS rows ORDER BY p, c, s"
    )
    assert [(r["p"], r["c"], r["s"]) for r in rows] == [
        ("P1", "K1", "charged"),
        ("P1", "K1", "convicted"),
        ("P1", "K1", "prosecuted"),
        ("P2", "K2", "charged"),
        ("P2", "K2", "dismissed"),
        ("P3", "K3", "acquitted"),
        ("P3", "K3", "investigation"),
        ("P3", "K3", "prosecuted"),
    ]
    assert rows[0]["court"] == "Juzgado 1" and str(rows[0]["d"]) == "2024-03-01"
    assert rows[0]["rows"] == [f"{again.source_id}:2"]
    forms = loaded.read(
        "MATCH (p:Person)-[r:INVOLVED_IN]->(:Arrest) WHERE r.exploitation IS NOT NULL "
        "RETURN p.person_id AS p, r.exploitation AS form ORDER BY p, form"
    )
    assert [(f["p"], f["form"]) for f in forms] == [
        ("V1", "sexual_exploitation"),
        ("V2", "sexual_exploitation"),
        ("V3", "forced_labour"),
        ("V5", "forced_labour"),
        ("V7", "forced_criminality"),
    ]


def test_people_by_operation_sex_and_age(loaded: Graph) -> None:
    r = report(loaded)
    # columns: women, men, girls, boys, unknown, total; each person at their first event under the row
    assert r.people.rows == [
        ["Darien", "victim", 1, 0, 1, 1, 1, 4],  # V2 woman, V1 girl, V3 boy, V4 unknown
        ["Tapachula", "victim", 2, 1, 1, 0, 1, 5],  # V1 and V2 women, V5 man, V6 girl, V7 unknown
        ["Total", "victim", 1, 1, 2, 1, 2, 7],  # V1 at A1 is a girl
        ["Darien", "suspect", 1, 1, 0, 0, 0, 2],
        ["Tapachula", "suspect", 0, 2, 0, 0, 0, 2],
        ["Total", "suspect", 1, 2, 0, 0, 0, 3],
    ]
    by_month = report(loaded, by="month").people.rows
    assert by_month[:3] == [
        ["2024-01", "victim", 1, 0, 1, 1, 1, 4],
        ["2024-02", "victim", 1, 1, 1, 0, 0, 3],  # V1 now a woman, V5 man, V6 girl
        ["2024-04", "victim", 1, 0, 0, 0, 1, 2],
    ]
    by_nationality = report(loaded, by="nationality").people.rows
    assert by_nationality[:4] == [
        ["EC", "victim", 0, 0, 0, 1, 0, 1],
        ["GT", "victim", 0, 0, 1, 0, 0, 1],
        ["HN", "victim", 0, 1, 0, 0, 0, 1],
        ["MX", "victim", 0, 0, 0, 0, 1, 1],
    ]


def test_crimes_exploitation_trend_corridors_and_funnel(loaded: Graph) -> None:
    r = report(loaded)
    # A1 names trafficking and smuggling, A2 smuggling, A3 neither
    assert r.crimes.rows == [
        ["trafficking", "victim", 1, 0, 1, 1, 1, 4],
        ["smuggling", "victim", 1, 1, 2, 1, 1, 6],
        ["other", "victim", 1, 0, 0, 0, 1, 2],
        ["trafficking", "suspect", 1, 1, 0, 0, 0, 2],
        ["smuggling", "suspect", 1, 2, 0, 0, 0, 3],
        ["other", "suspect", 0, 1, 0, 0, 0, 1],
    ]
    assert r.exploitation.rows == [
        ["sexual_exploitation", 1, 0, 1, 0, 0, 2],  # V2, V1
        ["forced_labour", 0, 1, 0, 1, 0, 2],  # V5, V3
        ["forced_criminality", 0, 0, 0, 0, 1, 1],  # V7
        ["other", 0, 0, 0, 0, 0, 0],
        ["(not recorded)", 0, 0, 1, 0, 1, 2],  # V6, V4
    ]
    assert r.trend.rows == [
        ["2024-01", 4, 2, None, None, None, None],
        ["2024-02", 3, 1, -1, -25.0, -1, -50.0],
        ["2024-03", 0, 0, -3, -100.0, -1, -100.0],
        ["2024-04", 2, 1, 2, None, 1, None],
        ["Total", 7, 3, None, None, None, None],  # V1 to V7; P1, P2, P3
    ]
    # V1 VE → PA → MX, V2 VE → PA → MX (A1 then A3), V3 EC → PA, V4 VE → PA, V5 HN → MX, V6 GT → MX;
    # V7 (MX, arrested in MX) moved along no corridor; all victims (no calls or money loaded)
    known = "nationality, arrest"
    assert r.corridors.rows == [
        ["VE", "PA", "MX", known, 2, 0, 2],
        ["EC", "", "PA", known, 1, 0, 1],
        ["GT", "", "MX", known, 1, 0, 1],
        ["HN", "", "MX", known, 1, 0, 1],
        ["VE", "", "PA", known, 1, 0, 1],
        ["Total", "", "", "", 6, 0, 6],
    ]
    # P1 convicted (so charged, prosecuted); P2 charged then dismissed; P3 prosecuted then acquitted
    assert r.funnel.rows == [
        ["Darien", 2, 2, 1, 1, 0, 1],
        ["Tapachula", 2, 2, 2, 1, 1, 0],
        ["Total", 3, 3, 2, 1, 1, 1],
    ]


def test_window_and_default_suppression(loaded: Graph) -> None:
    r = report(loaded, threshold=5, since=date(2024, 2, 1), until=date(2024, 3, 31))
    # only A2: victims V1 woman, V5 man, V6 girl; suspect P3 — every count below 5
    assert r.people.rows == [
        ["Tapachula", "victim", "<5", "<5", "<5", 0, 0, "<5"],
        ["Total", "victim", "<5", "<5", "<5", 0, 0, "<5"],
        ["Tapachula", "suspect", 0, "<5", 0, 0, 0, "<5"],
        ["Total", "suspect", 0, "<5", 0, 0, 0, "<5"],
    ]
    assert r.trend.rows == [
        ["2024-02", "<5", "<5", None, None, None, None],
        ["Total", "<5", "<5", None, None, None, None],
    ]
    whole = report(loaded, threshold=5)
    # victims by operation: Tapachula's total 5 is shown by itself, but it is the only other count of
    # the total column once Darien's 4 is hidden, so it is hidden as well; the overall 7 stays
    assert whole.people.rows[:3] == [
        ["Darien", "victim", "<5", 0, "<5", "<5", "<5", "<5"],
        ["Tapachula", "victim", "<5", "<5", "<5", 0, "<5", "<5"],
        ["Total", "victim", "<5", "<5", "<5", "<5", "<5", 7],
    ]
    assert whole.crimes.rows[1] == ["smuggling", "victim", "<5", "<5", "<5", "<5", "<5", 6]


def test_cli_formats(loaded: Graph, neo4j_settings: Settings, tmp_path: Path) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["report", "strategic", "--by", "country", "--format", "json"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    people = data["tables"][0]
    assert people["columns"][:2] == ["country", "role"] and data["threshold"] == 5
    assert people["rows"][-1] == ["Total", "suspect", "<5", "<5", 0, 0, 0, "<5"]
    assert "Ana" not in proc.stdout and "V1" not in proc.stdout  # no one is named
    proc = run_cli(["report", "strategic", "--format", "csv", "--since", "2024-01-01"], env)
    assert proc.returncode == 0, proc.stderr
    lines = list(csv.reader(io.StringIO(proc.stdout)))
    assert lines[0] == ["People by operation, sex and age group"]
    assert lines[1] == ["operation", "role", "women", "men", "girls", "boys", "unknown", "total"]
    pdf = tmp_path / "s.pdf"
    proc = run_cli(["report", "strategic", "--format", "pdf", "--out", str(pdf)], env)
    assert proc.returncode == 0, proc.stderr
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Justice chain" in text and "Corridors" in text and "Ana" not in text
    proc = run_cli(["report", "strategic", "--threshold", "2"], env)
    assert proc.returncode != 0 and "2" in proc.stderr
    proc = run_cli(["report", "strategic", "--since", "2024-05-01", "--until", "2024-01-01"], env)
    assert proc.returncode != 0 and proc.stderr.count("\n") == 1 and "before" in proc.stderr


def test_children_are_shielded_like_victims(loaded: Graph, tmp_path: Path) -> None:
    # P7 is 14 at A5 and recorded as a suspect: below analyst, no one sees his name or birth date
    path = tmp_path / "minor.csv"
    path.write_text(
        HEADER + "country,exploitation,gender\nA5,2024-05-01,Nino Mandado,P7,2010-01-01,M,CO,suspect,hurto,"
        "Tapachula,MX,,\n",
        encoding="utf-8",
    )
    load_file(loaded, "arrests", path, progress=False)
    strings = Protected(loaded.read).strings()
    assert strings["Nino Mandado"] == MINOR and strings["Ana Víctima"] == VICTIM
    assert strings["2010-01-01"] == HIDDEN
    child = shield(loaded.read_one("MATCH (p:Person {person_id: 'P7'}) RETURN p"), strings)["p"]
    assert (child["name"], child["date_of_birth"], child["name_key"], child["role"]) == (
        MINOR,
        HIDDEN,
        HIDDEN,
        "suspect",
    )
    adult = shield(loaded.read_one("MATCH (p:Person {person_id: 'P1'}) RETURN p"), strings)["p"]
    assert adult["name"] == "Pedro Uno" and str(adult["date_of_birth"]) == "1980-05-01"


def test_csv_writes_labels_that_look_like_formulas_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    row = {
        "person_id": "X",
        "role": "suspect",
        "sex": "M",
        "born": date(1980, 1, 1),
        "nationality": "CO",
        "arrest_id": "A",
        "arrest_date": date(2024, 1, 1),
        "country": "CO",
        "operations": ["=HYPERLINK(1)"],
        "charges": [],
        "exploitation": None,
    }
    write_csv(strategic_report([row], []))
    lines = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert ["'=HYPERLINK(1)", "suspect", "0", "<5", "0", "0", "0", "<5"] in lines
    assert ["'=HYPERLINK(1)", "<5", "0", "0", "0", "0", "0"] in lines  # the justice chain


def test_people_an_analyst_merged_count_once(loaded: Graph) -> None:
    loaded.write(
        "MATCH (a:Person {person_id: 'P3'}), (b:Person {person_id: 'P1'}) "
        "CREATE (a)-[:SAME_AS {decision_id: 'D-1', analyst: 'ana', at: datetime(), reason: 'test'}]->(b)"
    )
    r = report(loaded)
    assert r.people.rows[-1] == ["Total", "suspect", 1, 1, 0, 0, 0, 2]  # P1 (with P3) and P2
    # P1 with P3 reached every stage but dismissal; P2 was charged then dismissed
    assert r.funnel.rows == [
        ["Darien", 2, 2, 1, 1, 1, 1],
        ["Tapachula", 1, 1, 1, 1, 1, 0],
        ["Total", 2, 2, 1, 1, 1, 1],
    ]
