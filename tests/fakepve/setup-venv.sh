#!/usr/bin/env bash
# Creates (or reuses) the virtualenv the end-to-end tests run fakepve from, and installs
# fakepve[crypto]==0.5.0 into it. fakepve is AGPL: it is installed at test time only, never
# vendored, copied or linked.
#
#   tests/fakepve/setup-venv.sh [VENV_DIR]     (default: $FAKEPVE_VENV or <workspace>/.venv-fakepve)
#
# Uses $PYTHON (default python3) to create the venv. Where `python3 -m venv` cannot bootstrap pip
# (Debian without python3-venv), it falls back to `venv --without-pip` + the host's pip.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-${FAKEPVE_VENV:-$root/.venv-fakepve}}"
version="0.5.0"
spec="fakepve[crypto]==$version"
python="${PYTHON:-python3}"
pip_flags=(--quiet --disable-pip-version-check --no-input)

installed() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "$version" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
import cryptography, fakepve  # noqa: F401  (the [crypto] extra is needed for certificates)
sys.exit(0 if version('fakepve') == sys.argv[1] else 1)
PY
}

if installed; then
    echo "setup-venv: fakepve $version already installed in $venv"
    exit 0
fi
if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup-venv: '$python' not found; install Python >= 3.10 (or set PYTHON)" >&2
    exit 1
fi

if [ ! -x "$venv/bin/python" ]; then
    echo "setup-venv: creating $venv"
    if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        echo "setup-venv: '$python -m venv' failed (Debian: apt-get install python3-venv);" \
            "retrying without pip, installing with the host's pip" >&2
        "$python" -m venv --without-pip "$venv"
    fi
fi

echo "setup-venv: installing $spec"
if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    "$venv/bin/python" -m pip install "${pip_flags[@]}" "$spec"
else
    "$python" -m pip --python "$venv/bin/python" install "${pip_flags[@]}" "$spec"
fi

if ! installed; then
    echo "setup-venv: fakepve $version is still not importable from $venv; delete it and retry" >&2
    exit 1
fi
echo "setup-venv: fakepve $version installed in $venv"
