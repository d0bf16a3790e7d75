#!/usr/bin/env bash
# Container health: the localorgs server answers "running" on its health route, asked on the
# address and port it really listens on, whatever chose them (--port, --host, LOCALORGS_PORT, or
# --port 0). The kernel says which: the server's listening sockets in /proc/PID/net/tcp and tcp6,
# matched by inode to the sockets in /proc/PID/fd. Needs only bash (the image has no curl).
#   localorgs-healthcheck [PID...]    the server's process ids (default: every localorgs process)
set -u

# A listening socket's address from /proc/net/tcp{,6} (hex, 32-bit words in host byte order) as
# an address to connect to: the wildcard becomes loopback.
address() {
    local hex=$1 out="" i w
    if ((${#hex} == 8)); then
        [[ $hex == 00000000 ]] && { echo 127.0.0.1; return; }
        printf '%d.%d.%d.%d\n' "0x${hex:6:2}" "0x${hex:4:2}" "0x${hex:2:2}" "0x${hex:0:2}"
        return
    fi
    [[ $hex == 00000000000000000000000000000000 ]] && { echo ::1; return; }
    for ((i = 0; i < 32; i += 8)); do
        w=${hex:i:8}
        out+="${w:6:2}${w:4:2}:${w:2:2}${w:0:2}:"
    done
    echo "${out%:}"
}

healthy() (
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf 'GET /_localorgs/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    grep -q '"status":"running"' <&3
)

pids=("$@")
if ((${#pids[@]} == 0)); then
    for dir in /proc/[0-9]*; do
        exe=$(readlink "$dir/exe" 2>/dev/null) || continue
        [[ ${exe% (deleted)} == */localorgs ]] && pids+=("${dir#/proc/}")
    done
fi

for pid in "${pids[@]}"; do
    unset sockets
    declare -A sockets=()
    for fd in "/proc/$pid/fd/"*; do
        link=$(readlink "$fd" 2>/dev/null) || continue
        [[ $link == socket:\[*\] ]] && sockets[${link:8:-1}]=1
    done
    for table in "/proc/$pid/net/tcp" "/proc/$pid/net/tcp6"; do
        [[ -r $table ]] || continue
        {
            read -r _  # the header
            # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            while read -r _ local _ state _ _ _ _ _ inode _; do
                [[ $state == 0A && -n ${sockets[$inode]:-} ]] || continue  # 0A: LISTEN
                healthy "$(address "${local%:*}")" "$((16#${local##*:}))" && exit 0
            done
        } <"$table"
    done
done
echo "localorgs-healthcheck: no localorgs server answers on a port it listens on" >&2
exit 1
