"""The Docker image, checked without Docker: its build context and Dockerfile hold every installed package.

The checks read pyproject.toml, .dockerignore and the Dockerfile: the packages setuptools installs (and
their data files) must be sent in the build context and copied to where `pip install .` runs; secrets
and local clutter stay out of the context; the app runs as a user other than root.
"""

from __future__ import annotations

import ast
import json
import os
import posixpath
import re
import shlex
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
# The packages the CLI and the web app cannot run without; a sanity check on reading pyproject.toml.
ESSENTIAL = {"graph", "loaders", "analytics", "ui", "ui.cli", "ui.web", "cypher", "dossier"}
# setuptools' default license-files patterns (PEP 639).
LICENSE_PATTERNS = ("LICEN[CS]E*", "COP[YI]NG*", "NOTICE*", "AUTHORS*")
# The Dockerfile before the whole tree was copied: it left out dossier/.
OLD_DOCKERFILE = """FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY graph graph
COPY loaders loaders
COPY analytics analytics
COPY ui ui
COPY cypher cypher
RUN pip install --no-cache-dir .
CMD ["hilorojo", "ui"]
"""


# -- .dockerignore: Docker's matching rules -----------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    pattern: str
    negated: bool
    regex: re.Pattern[str]


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's (Go filepath.Match) pattern as a regex: `*` and `?` stay within one path segment,
    `**` spans any number of segments (`**/` also none), `\\` escapes, `[...]` is a character class."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif c == "*":
            out, i = out + "[^/]*", i + 1
        elif c == "?":
            out, i = out + "[^/]", i + 1
        elif c == "\\" and i + 1 < len(pattern):
            out, i = out + re.escape(pattern[i + 1]), i + 2
        elif c == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            body = "^" + body[1:] if body.startswith("^") else body
            out, i = out + f"[{body}]", end + 1
        else:
            out, i = out + re.escape(c), i + 1
    return re.compile(f"^{out}$")


def parse_dockerignore(text: str) -> list[Rule]:
    """The rules of a .dockerignore file: comments and blank lines dropped, paths cleaned like Docker."""
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:].strip() if negated else line
        pattern = posixpath.normpath(pattern).lstrip("/")
        if pattern in ("", "."):
            continue
        rules.append(Rule(pattern, negated, _pattern_regex(pattern)))
    return rules


def is_excluded(path: str, rules: list[Rule]) -> bool:
    """Whether Docker leaves ``path`` (relative, with /) out of the context: the last rule that matches
    the path or one of its parent folders decides; a `!` rule brings the path back."""
    parts = PurePosixPath(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for rule in rules:
        if any(rule.regex.match(c) for c in candidates):
            excluded = not rule.negated
    return excluded


def context_files(root: Path, rules: list[Rule]) -> set[str]:
    """The files the build context holds (relative paths); an excluded folder is skipped whole unless
    some `!` rule could bring part of it back."""
    prune = not any(rule.negated for rule in rules)
    kept: set[str] = set()
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if prune:
            dirs[:] = [d for d in dirs if not is_excluded(prefix + d, rules)]
        kept.update(prefix + f for f in files if not is_excluded(prefix + f, rules))
    return kept


# -- Dockerfile: instructions and where COPY puts files ----------------------------------------------
def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) of each instruction, line continuations joined, comments dropped."""
    logical, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):  # a comment inside a continued instruction
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    out = []
    for entry in logical:
        keyword, _, args = entry.partition(" ")
        out.append((keyword.upper(), args.strip()))
    return out


def _words(args: str) -> list[str]:
    """An instruction's arguments, in exec (JSON) form or shell form."""
    if args.startswith("["):
        return [str(w) for w in json.loads(args)]
    return shlex.split(args)


def image_paths(dockerfile: str, files: set[str]) -> dict[str, str]:
    """Where the COPY instructions before `pip install` put each context file in the image
    (later copies win), and the WORKDIR that `pip install .` runs in under the key ``""``."""
    workdir, placed = "/", {}
    for keyword, args in instructions(dockerfile):
        if keyword == "WORKDIR":
            workdir = posixpath.join(workdir, args)
        elif keyword == "COPY":
            words = [w for w in _words(args) if not w.startswith("--")]
            *sources, dest = words
            dest_dir = posixpath.normpath(posixpath.join(workdir, dest))
            for source in sources:
                src = posixpath.normpath(source).lstrip("/")
                for f in files:
                    if src == ".":
                        placed[f] = posixpath.join(dest_dir, f)
                    elif f.startswith(src + "/"):
                        placed[f] = posixpath.join(dest_dir, f[len(src) + 1 :])
                    elif f == src:
                        into = dest.endswith("/") or len(sources) > 1
                        placed[f] = posixpath.join(dest_dir, posixpath.basename(f)) if into else dest_dir
        elif keyword == "RUN" and re.search(r"\bpip install\b.*\s\.(\s|$)", args):
            placed[""] = workdir
            return placed
    raise AssertionError("the Dockerfile has no `RUN pip install ... .`")


def missing_from_image(dockerfile: str, files: set[str], needed: set[str]) -> set[str]:
    """The needed files that are not at their own relative path under the folder `pip install .` runs in."""
    placed = image_paths(dockerfile, files)
    workdir = placed[""]
    return {f for f in needed if placed.get(f) != posixpath.join(workdir, f)}


# -- what pyproject.toml installs ------------------------------------------------------------------
@cache
def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def installed_packages() -> list[str]:
    find = pyproject()["tool"]["setuptools"]["packages"]["find"]
    return sorted(find_packages(where=str(ROOT), include=find["include"], exclude=find.get("exclude", ())))


def needed_files() -> set[str]:
    """The files `pip install .` reads: metadata files, every package's modules, package data."""
    needed = {"pyproject.toml"}
    readme = pyproject()["project"].get("readme")
    if isinstance(readme, str):
        needed.add(readme)
    patterns = pyproject()["project"].get("license-files", LICENSE_PATTERNS)
    needed.update(p.name for pattern in patterns for p in ROOT.glob(pattern) if p.is_file())
    package_data: dict[str, list[str]] = pyproject()["tool"]["setuptools"].get("package-data", {})
    for package in installed_packages():
        folder = ROOT / package.replace(".", "/")
        needed.update(p.relative_to(ROOT).as_posix() for p in folder.glob("*.py"))
        for pattern in package_data.get(package, []) + package_data.get("", []) + package_data.get("*", []):
            matches = [p for p in folder.glob(pattern) if p.is_file()]
            assert matches or package not in package_data, (
                f"package-data {package}: {pattern} matches nothing"
            )
            needed.update(p.relative_to(ROOT).as_posix() for p in matches)
    return needed


@cache
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


@cache
def rules() -> list[Rule]:
    path = ROOT / ".dockerignore"
    return parse_dockerignore(path.read_text(encoding="utf-8")) if path.exists() else []


# -- the checks --------------------------------------------------------------------------------------
def test_pyproject_installs_the_packages_the_app_needs() -> None:
    packages = set(installed_packages())
    assert ESSENTIAL <= packages, f"pyproject.toml no longer installs {sorted(ESSENTIAL - packages)}"


def test_installed_packages_import_no_local_package_left_out_of_the_wheel() -> None:
    """A top-level folder of this project that an installed module imports must be installed too."""
    packages = set(installed_packages())
    local = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    wrong = []
    for package in packages:
        for module in (ROOT / package.replace(".", "/")).glob("*.py"):
            tree = ast.parse(module.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top in local and top not in packages:
                        wrong.append(f"{module.relative_to(ROOT)} imports {name}")
    assert not wrong, "imports of packages that pyproject.toml does not install: " + "; ".join(sorted(wrong))


def test_every_installed_package_and_its_data_reach_pip_install_in_the_image() -> None:
    needed = needed_files()
    assert {"pyproject.toml", "README.md", "LICENSE", "dossier/__init__.py"} <= needed
    files = context_files(ROOT, rules())
    left_out = sorted(f for f in needed if f not in files)
    assert not left_out, f".dockerignore leaves out files that `pip install .` needs: {left_out}"
    not_copied = sorted(missing_from_image(dockerfile(), files, needed))
    assert not not_copied, f"the Dockerfile does not copy these to where `pip install .` runs: {not_copied}"


def test_dockerfile_copies_the_whole_tree_before_installing() -> None:
    steps = instructions(dockerfile())
    froms = [args for keyword, args in steps if keyword == "FROM"]
    assert len(froms) == 1, "one build stage expected: update tests/test_deploy.py for a multi-stage build"
    copies = [_words(args) for keyword, args in steps if keyword == "COPY"]
    assert [".", "."] in copies, "the Dockerfile should `COPY . .` (and leave files out in .dockerignore)"
    assert ("RUN", "pip install --no-cache-dir .") in steps


def test_the_checks_catch_a_package_left_out() -> None:
    """The matcher and the COPY analysis report dossier/ when the image would lack it."""
    needed = needed_files()
    files = context_files(ROOT, rules())
    dossier = {f for f in needed if f.startswith("dossier/")}
    assert missing_from_image(OLD_DOCKERFILE, files, needed) >= dossier
    for pattern in ("dossier", "/dossier/", "**/dossier", "dossier/*.py", "doss?er", "*\n!graph"):
        excluded = {f for f in needed if is_excluded(f, parse_dockerignore(pattern))}
        assert "dossier/__init__.py" in excluded, pattern
    assert not is_excluded("dossier/__init__.py", parse_dockerignore("dossier\n!dossier"))
    assert not is_excluded("dossier/__init__.py", parse_dockerignore("docs\n*.md\ngraph/launcher/target"))


@pytest.mark.parametrize(
    "path",
    [
        ".git/HEAD",
        ".venv/bin/python",
        ".env",
        "ui/.env",
        ".streamlit/secrets.toml",
        "test-output/browser-ui.log",
        "demo-data/small-42/arrests.csv",
        "calls.rejects.csv",
        "loaders/x/arrests.csv.rejects.csv",
        "graph/launcher/target/launcher.jar",
        "graph/__pycache__/settings.cpython-311.pyc",
        ".mypy_cache/3.11/cache.db",
        "build/lib/graph/__init__.py",
        "hilorojo.egg-info/PKG-INFO",
    ],
)
def test_dockerignore_keeps_secrets_and_clutter_out(path: str) -> None:
    assert is_excluded(path, rules()), f"{path} would be sent to docker build"


def test_streamlit_config_stays_but_its_secrets_do_not() -> None:
    assert not is_excluded(".streamlit/config.toml", rules())
    assert is_excluded(".streamlit/secrets.toml", rules())


def test_app_runs_as_a_user_other_than_root_with_a_home_it_owns() -> None:
    steps = instructions(dockerfile())
    keywords = [k for k, _ in steps]
    users = [(i, args.split(":")[0]) for i, (k, args) in enumerate(steps) if k == "USER"]
    assert users, "the Dockerfile has no USER: the app would run as root"
    last_user_at, user = users[-1]
    assert user not in ("root", "0"), f"the app runs as {user}"
    assert last_user_at < keywords.index("CMD")
    created = [
        args
        for k, args in steps[:last_user_at]
        if k == "RUN" and re.search(rf"\buseradd\b.*\b{user}\b", args)
    ]
    assert created, f"no RUN useradd ... {user} before USER {user}"
    env = " ".join(args for k, args in steps if k == "ENV")
    match = re.search(r"\bHILOROJO_HOME[= ](\S+)", env)
    assert match, "the Dockerfile does not set HILOROJO_HOME"
    home = match.group(1)
    owned = [
        i
        for i, (k, args) in enumerate(steps)
        if k == "RUN" and home in args and re.search(rf"(chown|install\b.*-o)\s+\S*{user}", args)
    ]
    assert owned, f"{home} is not created and given to {user}"
    volumes = [i for i, (k, args) in enumerate(steps) if k == "VOLUME" and home in args]
    assert all(owned[0] < i for i in volumes), "the VOLUME is declared before its folder gets its owner"
