#!/usr/bin/env bash
# Build nova and the local cloud, start the cloud on a free port of 127.0.0.1, and run a short
# session against it: flavor-list, boot --poll, list, backup-instance, show, delete.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --workspace --bins
bin=target/debug
out=$(mktemp)
"$bin/nova-sim" --listen 127.0.0.1:0 --build-time 2 >"$out" &
sim=$!
trap 'kill $sim 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do
  [ -s "$out" ] && grep -q OS_REGION_NAME "$out" && break
  sleep 0.1
done
echo "# $(head -n 1 "$out")"
eval "$(grep '^export ' "$out")"
export NOVA_POLL_INTERVAL=0.5

run() {
  echo
  echo "\$ nova $*"
  "$bin/nova" "$@"
}

run flavor-list
run boot demo-vm --flavor m1.tiny --image cirros-0.6.2-x86_64-disk --poll
run list
run backup-instance demo-vm demo-backup "made by scripts/demo.sh"
run show demo-vm
run delete demo-vm
