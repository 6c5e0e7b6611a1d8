#!/usr/bin/env bash
# The agent's whole job with no Proxmox host: ./demo.sh
#
# 1. sets up fakepve (the independent PVE emulator, PyPI) in .venv-fakepve, and builds the agent;
# 2. starts fakepve on 127.0.0.1 with the project's `tasks` scenario: two nodes, LXC and QEMU
#    guests, storage with a backup, and the agent's API token holding the 16 privileges of the
#    FelhomAgent role;
# 3. trust on first use: `felhom-agent --print-fingerprint` reads the certificate fingerprint the
#    server presents (no HTTP request) and the demo pins it;
# 4. runs `felhom-agent --selftest` (read-only) and `--selftest=task --vmid 201` (snapshot ->
#    rollback -> delete-snapshot on the stopped container 201) and prints both reports.
#
# Options go to both agent runs, e.g. ./demo.sh --output json. The token secret travels only in
# the agent's environment; nothing here prints it. Exit code: the first failing run's.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$PWD"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

say "fakepve virtualenv (.venv-fakepve)"
bash tests/fakepve/setup-venv.sh "$root/.venv-fakepve"
python="$root/.venv-fakepve/bin/python"

say "building felhom-agent"
cargo build --quiet -p felhom-agent
agent="$root/target/debug/felhom-agent"

say "starting fakepve (scenario 'tasks') on 127.0.0.1"
# A coprocess: its stdin is our pipe, so fakepve stops when this script ends, however it ends.
coproc FAKEPVE { exec "$python" tests/fakepve/scenario.py tasks --host 127.0.0.1 --time-scale 0.05 2>/dev/null; }
trap 'kill "$FAKEPVE_PID" 2>/dev/null || true' EXIT
if ! IFS= read -r -t 60 -u "${FAKEPVE[0]}" ready; then
    echo "demo: fakepve did not start (run: $python tests/fakepve/scenario.py tasks)" >&2
    exit 1
fi
field() { "$python" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$ready" "$1"; }
url="$(field url)"
node="$(field node)"
token_id="$(field token_id)"
echo "fakepve is serving $url (node $node); the agent's token is $token_id"

say "felhom-agent --print-fingerprint (trust on first use: no HTTP request is sent)"
FELHOM_AGENT_PROXMOX_ENDPOINT="$url" "$agent" --print-fingerprint
presented="$(FELHOM_AGENT_PROXMOX_ENDPOINT="$url" "$agent" --print-fingerprint --output json \
    | "$python" -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')"
if [ "$presented" != "$(field fingerprint)" ]; then
    echo "demo: the presented fingerprint is not the one fakepve generated; refusing to pin it" >&2
    exit 1
fi
echo "pinned: $presented (it matches the certificate fakepve generated)"

export FELHOM_AGENT_PROXMOX_ENDPOINT="$url"
export FELHOM_AGENT_PROXMOX_NODE="$node"
export FELHOM_AGENT_PROXMOX_TLS_FINGERPRINT="$presented"
FELHOM_AGENT_PROXMOX_TOKEN="$token_id=$(field token_secret)"
export FELHOM_AGENT_PROXMOX_TOKEN
export FELHOM_AGENT_LOG_LEVEL="${FELHOM_AGENT_LOG_LEVEL:-warn}"

status=0
say "felhom-agent --selftest"
"$agent" --selftest "$@" || status=$?
say "felhom-agent --selftest=task --vmid 201"
"$agent" --selftest=task --vmid 201 "$@" || { rc=$?; [ "$status" -ne 0 ] || status=$rc; }
say "done (exit $status)"
exit "$status"
