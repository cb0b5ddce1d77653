#!/usr/bin/env bash
# Runs the other linters on our translation of their cases (testdata/peers/) and prints, per
# case file, what each one reported: squawk's rule names and eugene's hint IDs. This is how the
# squawk and eugene columns of docs/comparison.md were checked. Not part of the test suite:
# neither linter is a dependency of migcheck. Install them first:
#
#   pip install 'squawk-cli==2.70.*'
#   cargo install eugene --version 0.8.3 --locked   # builds pg_query: needs clang, libclang-dev, cmake
#
#   scripts/peer-linters.sh [FILES...]   # default: every testdata/peers/*/{unsafe,safe}/*.sql
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 > /dev/null || { echo "peer-linters: python3 is needed" >&2; exit 2; }
have() { command -v "$1" > /dev/null 2>&1; }
have squawk || echo "peer-linters: squawk not on PATH; its column stays empty" >&2
have eugene || echo "peer-linters: eugene not on PATH; its column stays empty" >&2
if [ "$#" -eq 0 ]; then
  set -- testdata/peers/*/unsafe/*.sql testdata/peers/*/safe/*.sql
fi
# Both linters exit 1 when they report something. Prints the sorted, distinct values of KEY found anywhere in the JSON on stdin ("error" when
# the output is not JSON: a syntax error, say).
ids() {
  python3 -c '
import json, sys
key = sys.argv[1]
try:
    data = json.load(sys.stdin)
except ValueError:
    print("error"); sys.exit()
found = set()
def walk(v):
    if isinstance(v, dict):
        if isinstance(v.get(key), str):
            found.add(v[key])
        for x in v.values():
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
walk(data)
print(" ".join(sorted(found)) or "-")' "$1"
}
printf '%s\t%s\t%s\n' file squawk eugene
for f in "$@"; do
  s=""
  e=""
  if have squawk; then s="$({ squawk --reporter json "$f" 2> /dev/null || true; } | ids rule_name)"; fi
  if have eugene; then e="$({ eugene lint -f json "$f" 2> /dev/null || true; } | ids id)"; fi
  printf '%s\t%s\t%s\n' "$f" "$s" "$e"
done
