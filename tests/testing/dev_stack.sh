# The shell tests' running stack: source it, then call dev_stack_start.
#
#   source "$src/tests/testing/dev_stack.sh"
#   dev_stack_start "$bin" [casework-dev flags, e.g. --demo --demo-children 60]
#
# dev_stack_start runs casework-dev with every port free (chosen here) and its data in
# $DEV_WORK/var, waits until the stack says it is up (or fails naming what it printed),
# and exports:
#   DEV_WORK                       a temporary directory, removed at exit
#   DEV_PID                        casework-dev's pid
#   DEV_OUT, DEV_ERR               its stdout and stderr
#   CASEWORK_<SERVICE>_ADDR        each service's gRPC address (EHC, REVIEWS, TRANSPORT,
#                                  COMPLAINTS, PROJECTION, RETURNS)
#   CASEWORK_WEB_PORT, CASEWORK_OIDC_PORT
#   everything in tokens.env and metrics.env (CASEWORK_TOKEN, CASEWORK_ADMIN_TOKEN, ...,
#   CASEWORK_BROKERS, CASEWORK_WEB_URL, CASEWORK_<SERVICE>_METRICS)
# The stack and every child it started are killed when the test exits, however it exits
# (EXIT, INT, TERM), with any process the test hands to dev_track PID; dev_stack_stop stops
# it cleanly earlier. dev_fail prints the stack's output and fails the test.

DEV_WORK=$(mktemp -d)
DEV_PID=""
DEV_TRACKED=()
DEV_OUT=$DEV_WORK/dev.out
DEV_ERR=$DEV_WORK/dev.err
export DEV_WORK DEV_OUT DEV_ERR

dev_track() { DEV_TRACKED+=("$1"); }

dev_stack_kill() {  # stops the stack and the tracked processes, keeps DEV_WORK
  # Tracked processes: SIGTERM, up to 10 s to exit, then SIGKILL.
  for p in "${DEV_TRACKED[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${DEV_TRACKED[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ -n "$DEV_PID" ]; then
    # Stopped as Ctrl-C stops it (it stops its children), for up to 10 s; then killed, its
    # children first (a SIGKILLed parent would leave them running).
    kill -TERM "$DEV_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.1; done
    pkill -9 -P "$DEV_PID" 2>/dev/null || true
    kill -9 "$DEV_PID" 2>/dev/null || true
    wait "$DEV_PID" 2>/dev/null || true
    DEV_PID=""
  fi
  DEV_TRACKED=()
}

dev_stack_cleanup() {
  dev_stack_kill
  if [ -n "${DEV_KEEP:-}" ]; then cp -r "$DEV_WORK" "$DEV_KEEP" 2>/dev/null || true; fi
  rm -rf "$DEV_WORK"
}
trap dev_stack_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dev_fail() {
  echo "FAILED: $*" >&2
  echo "--- casework-dev stdout" >&2; tail -20 "$DEV_OUT" >&2 2>/dev/null || true
  echo "--- casework-dev stderr" >&2; tail -40 "$DEV_ERR" >&2 2>/dev/null || true
  exit 1
}

dev_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

dev_stack_start() {
  local bin=$1
  shift
  local port args attempt
  # One flag and one address variable per service of the catalogue. A port chosen free may be
  # taken by another test before casework-dev binds it: then again with new ports.
  local name flag env
  for attempt in 1 2 3; do
    args=()
    while read -r name _ _ _ _ flag env; do
      port=$(dev_free_port)
      args+=("--$flag-port" "$port")
      export "$env=127.0.0.1:$port"
    done < <("$bin/casework-dev" --print-catalogue)
    CASEWORK_WEB_PORT=$(dev_free_port)
    CASEWORK_OIDC_PORT=$(dev_free_port)
    export CASEWORK_WEB_PORT CASEWORK_OIDC_PORT
    DEV_BIN=$bin
    DEV_PORT_ARGS=("${args[@]}" --web-port "$CASEWORK_WEB_PORT" --oidc-port "$CASEWORK_OIDC_PORT")
    dev_stack_try "$@" && return 0
    grep -q "(in use?)" "$DEV_ERR" && [ "$attempt" -lt 3 ] || break
  done
  dev_fail "casework-dev exited while starting"
}

# Starts casework-dev on the stack's data and ports (DEV_BIN, DEV_PORT_ARGS) with these flags,
# writing to DEV_OUT and DEV_ERR, and waits until it is up; fails if it exits first.
dev_stack_run() {
  dev_stack_try "$@" || dev_fail "casework-dev exited while starting"
}

# As dev_stack_run, returning 1 (not failing) when casework-dev exits while starting.
dev_stack_try() {
  "$DEV_BIN/casework-dev" --data-dir "$DEV_WORK/var" "${DEV_PORT_ARGS[@]}" "$@" \
    >"$DEV_OUT" 2>"$DEV_ERR" &
  DEV_PID=$!
  export DEV_PID
  # Up when it prints its closing line; gone if it exits first.
  while ! grep -q "Ctrl-C stops" "$DEV_OUT" 2>/dev/null; do
    if ! kill -0 "$DEV_PID" 2>/dev/null; then
      wait "$DEV_PID" 2>/dev/null || true
      DEV_PID=""
      return 1
    fi
    sleep 0.2
  done
  # shellcheck disable=SC1091
  source "$DEV_WORK/var/tokens.env"
  # shellcheck disable=SC1091
  source "$DEV_WORK/var/metrics.env"
}

# Stops the stack (it must stop cleanly) and starts it again on the same data and ports with
# these flags; its output goes to $DEV_WORK/NAME.out and NAME.err (DEV_OUT, DEV_ERR).
# Usage: dev_stack_restart NAME [casework-dev flags]
dev_stack_restart() {
  local name=$1
  shift
  dev_stack_stop
  [ "$DEV_STATUS" = 0 ] || dev_fail "casework-dev did not stop cleanly (exit $DEV_STATUS)"
  DEV_OUT=$DEV_WORK/$name.out
  DEV_ERR=$DEV_WORK/$name.err
  dev_stack_run "$@"
}

# Stops the stack with SIGTERM and waits for it; its exit status in DEV_STATUS.
dev_stack_stop() {
  [ -n "$DEV_PID" ] || return 0
  kill -TERM "$DEV_PID" 2>/dev/null || true
  DEV_STATUS=0
  wait "$DEV_PID" || DEV_STATUS=$?
  DEV_PID=""
}
