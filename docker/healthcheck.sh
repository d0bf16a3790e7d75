#!/usr/bin/env bash
# Container health: the control plane's health route answers "running". Needs only bash.
exec 3<>"/dev/tcp/127.0.0.1/${LOCALORGS_PORT:-4566}" || exit 1
printf 'GET /_localorgs/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
grep -q '"status":"running"' <&3
