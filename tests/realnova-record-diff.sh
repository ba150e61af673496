#!/usr/bin/env bash
# Compare two records of python-novaclient's runs in the differential suite (REALNOVA_RECORD, see
# tests/tests/realnova.rs), e.g. one through the zygote and one with NOVACLIENT_ZYGOTE=0:
#   REALNOVA_RECORD=/tmp/z.txt cargo test -p novagen-tests --test realnova
#   NOVACLIENT_ZYGOTE=0 REALNOVA_RECORD=/tmp/d.txt cargo test -p novagen-tests --test realnova
#   tests/realnova-record-diff.sh /tmp/z.txt /tmp/d.txt
# The runs are compared as sets (the suite runs some at once, so their order differs); a run is
# its command, user, exit code, stdout and stderr as the comparison sees them (masked). Prints the
# runs that differ (diff of the two sorted lists, one run a line, newlines as \n) and exits 1 then.
# The suite's pid is recorded as PID, but names made of it keep their width in tables: compare
# two runs whose pids have as many digits. What nova itself decides anew in every run differs too
# (the hours of usage-list, the order of the roles in a snapshot's properties).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 RECORD-A RECORD-B" >&2; exit 2; }
runs() {
  awk 'BEGIN { ORS = "" }
       /^@@ nova / { if (n++) print "\n"; print; next }
       { print "\\n" $0 }
       END { if (n) print "\n" }' "$1" | LC_ALL=C sort
}
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
runs "$1" > "$a"
runs "$2" > "$b"
echo "$(wc -l < "$a") runs in $1, $(wc -l < "$b") in $2"
if diff "$a" "$b"; then
  echo "the same"
else
  exit 1
fi
