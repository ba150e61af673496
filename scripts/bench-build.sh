#!/usr/bin/env bash
# Build-time benchmark (run on demand, not in the tests): how long `cargo build` takes after a
# one-entry spec edit, for the real spec and for the real spec plus synthetic operations.
#
#   bash scripts/bench-build.sh [EXTRA_OPS...]     # default: 0 and 110 extra operations
#
# Each size is built in its own target directory (target/bench-build/N): one clean build,
# then three incremental builds, each after changing the help text of one entry.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-0 110}")
read -r -a sizes <<< "${sizes[*]}"
root=$PWD
work=$root/target/bench-build
mkdir -p "$work"

secs() { local s=$1 e=$2; awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

for extra in "${sizes[@]}"; do
  spec=$work/spec-$extra
  rm -rf "$spec" && cp -r spec "$spec"
  if [ "$extra" -gt 0 ]; then
    {
      echo "# Synthetic operations for the build-time benchmark."
      echo "resource: server"
      echo "operations:"
      for i in $(seq 1 "$extra"); do
        cat <<EOF
  - command: synthetic-$i
    method: synthetic_$i
    help: Synthetic operation $i.
    args:
      - {name: server, positional: true, resource: server, help: Name or ID of server.}
      - {name: name, help: A name.}
      - {name: count, type: integer, help: A count.}
      - {name: force, type: flag, help: Force it.}
    http: POST /servers/{server}/action
    body: {synthetic: {name: "{name}", count: "{count}", force: "{force|then:true}"}}
    result: ""
    returns: value
    print: [{properties: {rules: none}}]
EOF
      done
    } > "$spec/synthetic.yaml"
  fi
  ops=$(cat "$spec"/*.yaml | grep -c '^  - command:')
  export NOVAGEN_SPEC_DIR=$spec CARGO_TARGET_DIR=$work/target-$extra
  t0=$(date +%s%N); cargo build -q -p generated-client --bin nova; t1=$(date +%s%N)
  echo "operations=$ops clean_build_s=$(secs "$t0" "$t1")"
  for round in 1 2 3; do
    sed -i "0,/help: Print a list of available 'flavors' (sizes of servers)./s//help: Print a list of available 'flavors' (sizes of servers). $round/" "$spec/flavors.yaml"
    t0=$(date +%s%N); cargo build -q -p generated-client --bin nova; t1=$(date +%s%N)
    echo "operations=$ops incremental_build_s=$(secs "$t0" "$t1") (round $round)"
    sed -i "s/ (sizes of servers). $round/ (sizes of servers)./" "$spec/flavors.yaml"
  done
done
