"""The sections on the subject: identity (identifiers and who shares them) and network position."""

from __future__ import annotations

from typing import Any

from dossier.assembly import Assembly
from dossier.document import CommunitySummary, Identifier, Identity, Measure, Position
from graph import dossier as queries

# (property written back by `hilorojo analyze`, True when a higher value means more central)
MEASURES: tuple[tuple[str, bool], ...] = (
    ("degree", True),
    ("weighted_degree", True),
    ("betweenness", True),
    ("closeness", True),
    ("harmonic", True),
    ("eigenvector", True),
    ("pagerank", True),
    ("constraint", False),  # Burt's constraint: lower = more brokerage opportunity
    ("effective_size", True),
    ("brokerage_coordinator", True),
    ("brokerage_itinerant", True),
    ("brokerage_gatekeeper", True),
    ("brokerage_representative", True),
    ("brokerage_liaison", True),
)
KIND_OF_LABEL = {"Phone": "phone", "Device": "device", "Account": "account", "Email": "email"}


class SubjectSections(Assembly):
    """Identity and network position of the subject."""

    def identity(self, countries: list[dict[str, Any]]) -> Identity:
        p = self.person
        evidence = self.book.add(
            "Identity", f"Person record of {self.name}", source_ids=p.get("source_ids") or []
        )
        nationality = sorted(
            {c["code"] for c in countries} | ({p["nationality"]} if p.get("nationality") else set())
        )
        for c in countries:
            evidence += self.book.add(
                "Identity", f"{self.name} is a national of {c['code']}", source_ids=c.get("source_ids") or []
            )
        idents: list[Identifier] = []
        for row in queries.identifiers(self.graph, self.pid):
            props = row["props"]
            kind = KIND_OF_LABEL.get(row["label"], str(props.get("doc_type") or "document"))
            users = [p, *row["others"]]
            value = self.redactor.identifier(kind, str(row["key"]), users)
            detail = {
                "Phone": ", ".join(str(v) for v in (props.get("region"), props.get("quality")) if v),
                "Device": ""
                if props.get("luhn_ok") is None
                else ("IMEI check digit valid" if props["luhn_ok"] else "IMEI check digit INVALID"),
                "Account": ", ".join(str(v) for v in (props.get("holder_name"), props.get("country")) if v),
            }.get(row["label"], "")
            shared = [self.redactor.label(o) for o in row["others"]]
            for other in row["others"]:
                self.link(other).associate.shared_identifiers.append(f"{kind} {value}")
            refs = self.book.add(
                "Identity",
                f"{self.name} {row['rel'].lower().replace('_', ' ')} {kind} {value}",
                source_rows=row["source_rows"],
                source_ids=[] if row["source_rows"] else row["source_ids"],
            )
            if kind == "device":
                self.devices.append(str(row["key"]))
            idents.append(Identifier(kind, value, detail, row["valid_from"], row["valid_to"], shared, refs))
        return Identity(
            name=self.name,
            aliases=list(p.get("aliases") or []),
            date_of_birth=p.get("date_of_birth"),
            nationality=nationality,
            gender=p.get("gender"),
            role=str(p.get("role") or "unknown"),
            roles=list(p.get("roles") or []),
            identifiers=idents,
            evidence=evidence,
        )

    def position(self) -> Position:
        p = self.person
        aid = p.get("analysis_id")
        if not aid:
            return Position(
                analysed=False,
                note="No network analysis includes this person yet: run `hilorojo analyze` to add "
                "centrality, brokerage, community and key-player measures.",
            )
        present = [(m, higher) for m, higher in MEASURES if p.get(m) is not None]
        ranked = queries.ranks(
            self.graph, str(aid), [{"name": m, "value": p[m], "higher": higher} for m, higher in present]
        )
        measures = []
        for m, higher in present:
            better, n = ranked.get(m, (0, 0))
            # rank 1 = most central; percentile = share of measured non-victims the subject equals or beats
            measures.append(
                Measure(
                    m,
                    p[m],
                    better + 1 if n else None,
                    n or None,
                    round(100.0 * (n - better) / n, 1) if n else None,
                    higher,
                )
            )
        summary = None
        if p.get("community") is not None:
            row = queries.community(self.graph, str(aid), int(p["community"]))
            if row:
                counts: dict[str, int] = {}
                for code in row["nationalities"]:
                    counts[str(code)] = counts.get(str(code), 0) + 1
                summary = CommunitySummary(
                    community=int(p["community"]),
                    size=int(row["size"]),
                    victims=int(row["victims"]),
                    key_players=int(row["key_players"]),
                    nationalities=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
                    top_members=[str(m["name"] or m["person_id"]) for m in row["top_members"]],
                )
        return Position(
            analysed=True,
            note="Measures written by network analysis run " + str(aid) + "; ranks and percentiles are among "
            "the non-victims of that run (victims are never ranked).",
            analysis_id=str(aid),
            measures=measures,
            key_player=p.get("key_player"),
            kpp_rank=p.get("kpp_rank"),
            community=summary,
        )
