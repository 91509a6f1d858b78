"""A planted cell network with its answer key: cells inside organisations, brokers bridging cells, noise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Planted:
    """Edges among ``n`` people, each person's planted cell (-1 for brokers) and the brokers' indexes."""

    n: int
    edges: np.ndarray  # (m, 2), u < v, distinct
    cell: np.ndarray  # cell of each person, -1 for a broker
    org: np.ndarray  # organisation of each person
    brokers: np.ndarray
    victims: np.ndarray  # leaves hanging off recruiters: in the network, never ranked


def planted_network(
    cells: int = 8_000,
    brokers: int = 2_000,
    cells_per_org: int = 20,
    seed: int = 7,
    p_inside: float = 0.45,
    noise_per_person: float = 0.3,
    recruiter_share: float = 0.1,
    victims_per_recruiter: tuple[int, int] = (3, 15),
) -> Planted:
    """Cells of 8–14 people (a leader tied to all, other pairs with ``p_inside``) grouped in
    organisations; each broker is tied to the leader and one or two members of 3–5 cells, 80 % of
    them cells of one organisation; every person has on average ``noise_per_person`` ties to anyone
    at random (acquaintances, shared taxi numbers); one cell in ten has a recruiter with 3–15
    victims, each tied to the recruiter and one other member of the cell (high degree, no brokerage).
    """
    rng = np.random.default_rng(seed)
    sizes = rng.integers(8, 15, size=cells)
    n_members = int(sizes.sum())
    cell = np.repeat(np.arange(cells), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    org_of_cell = np.arange(cells) // cells_per_org
    n_orgs = int(org_of_cell.max()) + 1
    pairs: list[np.ndarray] = []
    for size in np.unique(sizes):
        which = np.flatnonzero(sizes == size)
        iu, ju = np.triu_indices(int(size), k=1)
        keep = (iu == 0) | (rng.random((len(which), len(iu))) < p_inside)
        base = starts[which][:, None]
        pairs.append(np.column_stack([(base + iu)[keep], (base + ju)[keep]]))
    broker_ids = np.arange(n_members, n_members + brokers)
    for b in broker_ids:
        k = int(rng.integers(3, 6))
        home = int(rng.integers(0, n_orgs))
        own = np.flatnonzero(org_of_cell == home)
        pick = [int(c) if rng.random() < 0.8 else int(rng.integers(0, cells)) for c in rng.choice(own, k)]
        for c in dict.fromkeys(pick):
            others = rng.choice(np.arange(1, sizes[c]), rng.integers(1, 3))
            members = starts[c] + np.concatenate([[0], others])
            pairs.append(np.column_stack([np.full(len(members), b), members]))
    n = n_members + brokers
    recruiters = starts[rng.random(cells) < recruiter_share] + 1
    victims: list[int] = []
    for r in recruiters.tolist():
        c = int(cell[r])
        for _ in range(int(rng.integers(*victims_per_recruiter))):
            v = n
            n += 1
            other = int(starts[c] + rng.integers(0, sizes[c]))
            pairs.append(np.array([[r, v], [other, v]]))
            victims.append(v)
    noise = int(noise_per_person * n)
    pairs.append(rng.integers(0, n, size=(noise, 2)))
    allp = np.concatenate(pairs)
    allp = np.sort(allp[allp[:, 0] != allp[:, 1]], axis=1)
    allp = np.unique(allp, axis=0)
    full_cell = np.full(n, -1, dtype=np.int64)
    full_cell[:n_members] = cell
    org = np.full(n, -1, dtype=np.int64)
    org[:n_members] = org_of_cell[cell]
    return Planted(n, allp, full_cell, org, broker_ids, np.array(victims, dtype=np.int64))
