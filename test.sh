#!/usr/bin/env bash
# Runs every test of the workspace — the one command in the README:
#
#   ./test.sh [ARGS...]     (ARGS go to the test runner, e.g. a test-name filter)
#
# 1. Sets up .venv-fakepve with fakepve[crypto]==0.5.0 (the PVE emulator the end-to-end tests
#    start; skipped when already there or when $FAKEPVE_PYTHON is set). If that fails, the e2e
#    tests are skipped with a notice — or the run fails when FAKEPVE_REQUIRED=1 (CI).
# 2. `cargo nextest run --workspace` if cargo-nextest is installed, else `cargo test --workspace`.
# 3. Doctests (`cargo test --doc --workspace`; nextest does not run them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

stage() { # stage NAME COMMAND... : runs it and prints how long it took
    local name="$1" start=$SECONDS rc=0
    shift
    echo "==> test.sh: $name"
    "$@" || rc=$?
    echo "==> test.sh: $name: $((SECONDS - start)) s$([ "$rc" -eq 0 ] || echo " (FAILED, exit $rc)")"
    return "$rc"
}

if [ -z "${FAKEPVE_PYTHON:-}" ]; then
    if stage "fakepve virtualenv" bash tests/fakepve/setup-venv.sh "$PWD/.venv-fakepve"; then
        export FAKEPVE_PYTHON="$PWD/.venv-fakepve/bin/python"
    elif [ "${FAKEPVE_REQUIRED:-}" = "1" ]; then
        echo "test.sh: fakepve could not be installed and FAKEPVE_REQUIRED=1" >&2
        exit 1
    else
        echo "test.sh: WARNING: fakepve could not be installed; end-to-end tests will be SKIPPED" >&2
    fi
fi

if cargo nextest --version >/dev/null 2>&1; then
    stage "cargo nextest run --workspace" cargo nextest run --workspace "$@"
else
    echo "test.sh: cargo-nextest not found, using cargo test (install: cargo install cargo-nextest)"
    stage "cargo test --workspace" cargo test --workspace "$@"
fi
stage "cargo test --doc --workspace" cargo test --doc --workspace
