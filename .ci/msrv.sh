#!/usr/bin/env bash
# Builds the two published crates with their declared `rust-version` (read from Cargo.toml) when
# that toolchain is installed, in a target directory of its own. rustup's download server is
# not reachable from CI (crates.io/PyPI/Debian only), so without the toolchain it says SKIPPED
# and exits 0; `cargo clippy` (the `incompatible_msrv` lint) still checks std API use against
# the declared version.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
if [ -z "$msrv" ]; then
    echo "msrv.sh: no rust-version in Cargo.toml" >&2
    exit 1
fi
if ! command -v rustup >/dev/null 2>&1 || ! rustup run "$msrv" cargo --version >/dev/null 2>&1; then
    echo "msrv.sh: SKIPPED: Rust $msrv is not installed (rustup toolchain install $msrv to check it)"
    exit 0
fi
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/msrv-$msrv" \
    rustup run "$msrv" cargo build --locked -p proxmox-sdk -p sdk-codegen
echo "msrv.sh: proxmox-sdk and sdk-codegen build with Rust $msrv"
