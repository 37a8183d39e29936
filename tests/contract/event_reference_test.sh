#!/usr/bin/env bash
# docs/events.md is what scripts/event_reference.py makes from proto/ now (and every field of
# every event has a comment saying what it means).
# Usage: event_reference_test.sh SOURCE_DIR
set -euo pipefail
src=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 "$src/scripts/event_reference.py" "$src/proto" >"$out"
diff -u "$src/docs/events.md" "$out" \
  || { echo "docs/events.md is out of date: run scripts/event_reference.py > docs/events.md" >&2; exit 1; }
echo "event reference: up to date"
