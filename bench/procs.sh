# Process handling for bench/run (sourced; also by tests/e2e/test_bench_harness.py).
# Every process started here is in `running` until it is stopped, so the caller's exit trap can
# stop what is left. The caller sets `logs` (a folder for each server's stdout and stderr) and
# `unclean` (a file: one JSON line per server that did not exit cleanly when stopped).

declare -A running=()  # pid -> name

# stop PID: SIGTERM, then SIGKILL after 10 s. A server of ours (anything but moto) must exit with
# status 0 on SIGTERM, as it does for its users: anything else is recorded in $unclean.
stop() {
    local pid=$1 name=${running[$1]:-?} i killed=0 rc=0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        killed=1
    fi
    wait "$pid" 2>/dev/null || rc=$?
    unset "running[$pid]"
    if [[ "$name" != moto ]] && ((killed || rc != 0)); then
        printf '{"server": "%s", "status": %d, "killed": %s}\n' "$name" "$rc" \
            "$( ((killed)) && echo true || echo false)" >>"$unclean"
        echo "bench/run: $name did not exit cleanly on SIGTERM (status $rc$( ((killed)) && echo ', killed after 10 s'))" >&2
    fi
    return 0
}

# child COMMAND...: runs a command to its end, but in the background so that a signal reaches the
# trap at once (bash delays traps while a foreground command runs).
child() {
    "$@" &
    local pid=$! rc=0
    running[$pid]=$1
    wait "$pid" || rc=$?
    unset "running[$pid]"
    return "$rc"
}

# start NAME COMMAND...: runs a server that prints "... listening on http://HOST:PORT" once
# ready; sets server_pid and server_url.
start() {
    local name=$1 i
    shift
    "$@" >"$logs/$name.out" 2>"$logs/$name.err" &
    server_pid=$!
    running[$server_pid]=$name
    for ((i = 0; i < 600; i++)); do  # 30 s
        server_url=$(grep -m1 -o 'listening on http://[^ ]*' "$logs/$name.out" | cut -d' ' -f3 || true)
        [[ -n "$server_url" ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench/run: $name did not start:" >&2
    cat "$logs/$name.err" >&2
    return 1
}
