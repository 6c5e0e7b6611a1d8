#!/usr/bin/env bash
# Clean build time and peak memory of `proxmox-sdk` next to `proxmox-api` 0.2.0 from crates.io,
# in the same run, each with an empty target directory (dependencies included) and again for the
# crate alone (dependencies already built). Results go into BENCHMARKS.md.
#
#   tests/bench/build-time.sh [runs]       (default 3 runs each, interleaved; reports medians)
#
# proxmox-sdk is built with its default features. SDK_FEATURES=console (any feature list) adds a
# third clean build per run, `-p proxmox-sdk --features "$SDK_FEATURES"`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-3}
features=${SDK_FEATURES:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A throwaway crate that depends on proxmox-api 0.2.0 with its default features.
mkdir -p "$work/anchor/src"
cat > "$work/anchor/Cargo.toml" <<'TOML'
[package]
name = "anchor"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
proxmox-api = "=0.2.0"
[workspace]
TOML
echo 'pub use proxmox_api;' > "$work/anchor/src/lib.rs"
(cd "$work/anchor" && cargo fetch -q)
(cd "$root" && cargo fetch -q)

# measure NAME DIR CMD... -> appends "NAME seconds peak_kib"
measure() {
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && /usr/bin/time -o "$work/time" -f '%e %M' "$@" >/dev/null)
  echo "$name $(cat "$work/time")"
}

results="$work/results"
: > "$results"
for i in $(seq "$runs"); do
  rm -rf "$work/t-anchor" "$work/t-sdk"
  measure "proxmox-api-clean" "$work/anchor" env CARGO_TARGET_DIR="$work/t-anchor" cargo build -q >> "$results"
  measure "proxmox-sdk-clean" "$root" env CARGO_TARGET_DIR="$work/t-sdk" cargo build -q -p proxmox-sdk >> "$results"
  if [ -n "$features" ]; then
    rm -rf "$work/t-sdk-features"
    measure "proxmox-sdk-clean+features" "$root" env CARGO_TARGET_DIR="$work/t-sdk-features" \
      cargo build -q -p proxmox-sdk --features "$features" >> "$results"
    rm -rf "$work/t-sdk-features"
  fi
  # The crate alone, dependencies already built.
  (cd "$work/anchor" && CARGO_TARGET_DIR="$work/t-anchor" cargo clean -q -p proxmox-api)
  measure "proxmox-api-crate-only" "$work/anchor" env CARGO_TARGET_DIR="$work/t-anchor" cargo build -q >> "$results"
  (cd "$root" && CARGO_TARGET_DIR="$work/t-sdk" cargo clean -q -p proxmox-sdk)
  measure "proxmox-sdk-crate-only" "$root" env CARGO_TARGET_DIR="$work/t-sdk" cargo build -q -p proxmox-sdk >> "$results"
done

echo "runs: $runs each, interleaved; $(nproc) cores; $(rustc --version)${features:+; +features: $features}"
printf '%-28s %12s %16s\n' build "median s" "median peak MiB"
names="proxmox-api-clean proxmox-sdk-clean${features:+ proxmox-sdk-clean+features} proxmox-api-crate-only proxmox-sdk-crate-only"
for name in $names; do
  secs=$(awk -v n="$name" '$1==n {print $2}' "$results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  kib=$(awk -v n="$name" '$1==n {print $3}' "$results" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-28s %12s %16.0f\n' "$name" "$secs" "$((kib / 1024))"
done
echo "each run (name, seconds, peak KiB):"
cat "$results"
