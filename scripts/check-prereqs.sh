#!/usr/bin/env bash
# One line per missing prerequisite, exit 1: what is missing and how to get it.
# Usage: check-prereqs.sh python | server
set -u
need=${1:-python}
fail() { echo "hilorojo: $1" >&2; exit 1; }
py=${PYTHON:-python3}
command -v "$py" >/dev/null 2>&1 || fail "Python 3.11+ not found ($py) -- install Python 3.11 or newer, or set PYTHON=/path/to/python3.11"
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || fail "Python 3.11+ is needed, $("$py" -V 2>&1) found -- install a newer Python or set PYTHON"
"$py" -c 'import venv, ensurepip' 2>/dev/null || fail "Python's venv module is missing -- install python3-venv"
[ "$need" = python ] && exit 0
uri=${NEO4J_URI:-bolt://127.0.0.1:7687}
case "$uri" in
  bolt://127.0.0.1*|bolt://localhost*|neo4j://127.0.0.1*|neo4j://localhost*|bolt://\[::1\]*) ;;
  *) exit 0 ;;  # the user's own Neo4j: no Java needed here
esac
command -v java >/dev/null 2>&1 || fail "Java 17+ not found -- install OpenJDK 17 (or point NEO4J_URI at your own Neo4j)"
major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${major:-0}" -ge 17 ] || fail "Java 17+ is needed for Neo4j 5.26, Java ${major:-?} found -- install OpenJDK 17"
command -v mvn >/dev/null 2>&1 || fail "Maven not found -- install Maven 3.8+ (it fetches Neo4j from Maven Central once)"
exit 0
