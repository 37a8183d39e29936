#!/usr/bin/env bash
# The README cannot go stale: its table of services is the catalogue's (both ways), and every
# command of its command-line tour runs against a demo stack - as a reader would type it, in a
# directory laid out like a clone with `var/` the stack's data - and succeeds, or is refused
# exactly as its comment says ("# refused: CODE ...").
# Usage: readme_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
readme="$src/README.md"
# shellcheck source=tests/testing/dev_stack.sh
source "$src/tests/testing/dev_stack.sh"

# The table: every catalogue row with its port, and nothing else of the kind.
while read -r name port _ _ _ _ _; do
  grep -qE "^\| \`$name\` +\| 127\.0\.0\.1:$port " "$readme" || dev_fail "README: no row '$name 127.0.0.1:$port'"
done < <("$bin/casework-dev" --print-catalogue)
rows=$(grep -cE '^\| `[a-z-]+` +\| 127\.0\.0\.1:[0-9]+ ' "$readme")
[ "$rows" = "$("$bin/casework-dev" --print-catalogue | wc -l)" ] || dev_fail "README lists $rows services"
grep -qE '^\| `web` +\| http://127\.0\.0\.1:8080/' "$readme" || dev_fail "README: no web row"

# The tour's commands: the sh block under "### On the command line", continuation lines
# joined.
commands=$(awk '/^### On the command line/{on=1} on&&/^```sh/{inb=1; next} inb&&/^```/{exit} inb' \
  "$readme" | sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta')
[ "$(grep -cv '^\s*\(#.*\)\?$' <<<"$commands")" -ge 15 ] || dev_fail "README: the tour has too few commands"

dev_stack_start "$bin" --demo --demo-children 60
tour="$DEV_WORK/tour"
mkdir -p "$tour/build" "$tour/services/statutory-returns"
ln -s "$bin" "$tour/build/bin"
ln -s "$DEV_WORK/var" "$tour/var"
ln -s "$src/docs" "$tour/docs"
ln -s "$src/services/statutory-returns/sen2.xsd" "$tour/services/statutory-returns/sen2.xsd"
cd "$tour"
n=0
while IFS= read -r line; do
  [[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
  n=$((n + 1))
  refused=""
  if [[ "$line" =~ \#\ refused:\ ([A-Z_]+) ]]; then refused=${BASH_REMATCH[1]}; fi
  # The stack's own ports for the documented defaults.
  cmd=${line//127.0.0.1:8080/127.0.0.1:$CASEWORK_WEB_PORT}
  rc=0
  set +e
  eval "$cmd" >"$DEV_WORK/tour.out" 2>"$DEV_WORK/tour.err"
  rc=$?
  set -e
  if [ -n "$refused" ]; then
    [ "$rc" != 0 ] && grep -q "$refused" "$DEV_WORK/tour.err" \
      || dev_fail "README command $n was not refused with $refused (exit $rc): $line
$(cat "$DEV_WORK/tour.err")"
  elif [ "$rc" != 0 ]; then
    dev_fail "README command $n failed (exit $rc): $line
$(tail -5 "$DEV_WORK/tour.err")"
  fi
done <<<"$commands"
echo "README: the service table and all $n tour commands ran as documented"
