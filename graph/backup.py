"""Backups of the local server: a stopped, consistent copy of its store with a checksum manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph import local_server
from graph.errors import InputError, LocalServerError
from graph.settings import Settings

MANIFEST = "MANIFEST.json"
FORMAT = "hilorojo-backup-1"


@dataclass(frozen=True)
class BackupReport:
    path: Path
    files: int
    bytes: int
    seconds: float
    restarted: bool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _local_only(settings: Settings) -> None:
    if not settings.is_local:
        raise InputError(
            f"{settings.uri} is not the local server: back it up with Neo4j's own tools",
            "see docs/reliability.md (neo4j-admin database dump, or the cloud provider's snapshots)",
        )


@contextmanager
def _stopped(settings: Settings) -> Iterator[bool]:
    """The local server stopped for the block (a clean shutdown: the store is consistent on disk),
    then started again if it was running; yields whether it was running."""
    running = local_server.running_pid(settings) is not None
    if running:
        local_server.stop(settings)
    try:
        yield running
    finally:
        if running:
            result = local_server.start(settings)
            if not result.started and local_server.running_pid(settings) is None:
                raise LocalServerError("the local server did not start again", f"see {result.log}")


def backup(settings: Settings, dest: Path) -> BackupReport:
    """A .tar.gz of the local server's ``data`` folder and a manifest of every file's SHA-256, written
    to ``dest`` (mode 0600: it holds the whole database). The server is stopped while its files are
    copied beside ``dest`` and started again; the archive appears only once complete."""
    _local_only(settings)
    data = settings.home / "data"
    if not data.is_dir():
        raise InputError(
            f"no database in {settings.home}", "start the local server once: `hilorojo db start`"
        )
    dest = dest.expanduser()
    if dest.exists():
        raise InputError(f"{dest} already exists", "give a new file name; a backup never overwrites")
    dest.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tmp = dest.with_name(dest.name + ".partial")
    copy = Path(tempfile.mkdtemp(prefix=".hilorojo-backup-", dir=dest.parent))  # mode 0700
    try:
        # The server is down only while its files are copied; the copy is then hashed and compressed.
        with _stopped(settings) as was_running:
            shutil.copytree(data, copy / "data", dirs_exist_ok=True)
        files = sorted(p for p in (copy / "data").rglob("*") if p.is_file())
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {str(p.relative_to(copy)): _sha256(p) for p in files},
        }
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # compresslevel 1: store files compress little more at 9, and a large store takes minutes there
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=1) as tar:
            text = json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
            for p in files:
                tar.add(p, arcname=str(p.relative_to(copy)), recursive=False)
            raw.flush()
            os.fsync(raw.fileno())
        size = sum(p.stat().st_size for p in files)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    os.replace(tmp, dest)
    return BackupReport(dest, len(files), size, round(time.perf_counter() - started, 2), was_running)


def verify(src: Path) -> dict[str, str]:
    """The manifest of a backup after checking that every file it lists is in the archive with the
    same SHA-256 and that the archive holds nothing else; InputError in one line otherwise."""
    if not src.is_file():
        raise InputError(f"no backup {src}", "give the .tar.gz that `hilorojo db backup` wrote")
    try:
        with tarfile.open(src, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise InputError(f"{src} has no manifest", "it is not a Hilo Rojo backup")
            manifest = json.loads(member.read())
            if manifest.get("format") != FORMAT:
                raise InputError(
                    f"{src} is not a {FORMAT} backup", "use a backup written by `hilorojo db backup`"
                )
            listed: dict[str, str] = manifest["files"]
            seen: set[str] = set()
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if not info.isfile() or info.name not in listed:
                    raise InputError(f"{src}: {info.name} is not in the manifest", "the archive was altered")
                handle = tar.extractfile(info)
                digest = hashlib.sha256(handle.read() if handle else b"").hexdigest()
                if digest != listed[info.name]:
                    raise InputError(
                        f"{src}: {info.name} does not match its checksum", "the backup is damaged"
                    )
                seen.add(info.name)
            missing = sorted(set(listed) - seen)
            if missing:
                raise InputError(f"{src}: {missing[0]} is missing", "the backup is incomplete")
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError) as exc:
        raise InputError(
            f"{src} is not a readable backup ({exc})", "the file is damaged or not a backup"
        ) from exc
    return listed


def restore(settings: Settings, src: Path, manifest: dict[str, str] | None = None) -> BackupReport:
    """Replace the local server's database with a backup's, after checking every file's checksum.
    The current data is kept beside it (``data.before-restore-<time>``) until the restored server
    has started; the server is stopped for the swap and started again. ``manifest``: what
    :func:`verify` returned for ``src``, when the caller already checked it."""
    _local_only(settings)
    src = src.expanduser()
    listed = manifest if manifest is not None else verify(src)
    started = time.perf_counter()
    data = settings.home / "data"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = settings.home / f"data.before-restore-{stamp}"
    staging = settings.home / f"data.restoring-{stamp}"
    with tarfile.open(src, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name in listed]
        tar.extractall(staging, members=members, filter="data")
    with _stopped(settings) as was_running:
        if data.exists():
            data.rename(kept)
        (staging / "data").rename(data)
        shutil.rmtree(staging, ignore_errors=True)
    size = sum((settings.home / name).stat().st_size for name in listed)
    if was_running:
        shutil.rmtree(kept, ignore_errors=True)
    return BackupReport(src, len(listed), size, round(time.perf_counter() - started, 2), was_running)
