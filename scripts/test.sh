#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run all of it, on
# two cores (pytest-xdist; pass -n 0 to run in one process).
# Debian packages: rapper (an RDF parser independent of rdflib), the OWL API (what Protégé
# is built on) with a JDK to compile the check against it, and Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v rapper >/dev/null || need+=(raptor2-utils)
ls /usr/share/java/owlapi*.jar >/dev/null 2>&1 || need+=(libowlapi-java)
command -v chromium >/dev/null || need+=(chromium)
command -v javac >/dev/null || need+=(default-jdk-headless)
EFFIKG_APT="${need[*]}" bash scripts/install.sh '.[test]'
exec .venv/bin/python -m pytest -n 2 "$@"
