#!/usr/bin/env bash
# Podman's Docker-compatible API for the workshop checker.
#
#   scripts/podman-service.sh start   start the service (if not already answering), copy the course
#                                     images in from Docker when Podman lacks them, print the exports
#   scripts/podman-service.sh env     the same, printing only the `export` lines (for eval)
#   scripts/podman-service.sh stop    stop the service this script started
#
# Then: eval "$(scripts/podman-service.sh env)" && make check-step 2
#
# Three settings matter (both measured with Debian's podman 4.3):
# - the service gets a containers.conf whose default_ulimits stay within this shell's hard limits;
#   podman otherwise asks runc for more open files than a process without CAP_SYS_RESOURCE may set,
#   and every container start fails with "error setting rlimit type 7: operation not permitted";
# - builds use Docker's image format (BUILDAH_FORMAT=docker): Podman's default, OCI, has no place for
#   HEALTHCHECK and drops it with a warning;
# - WORKSHOP_DOCKER_API names the API version, so the checker's clients skip podman's slow /version.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTION=${1:-start}
STATE=${PODMAN_STATE_DIR:-${XDG_RUNTIME_DIR:-/tmp}/docker-0-to-1-podman-$(id -u)}
SOCK=${PODMAN_SOCK:-$STATE/podman.sock}
CONF=$STATE/containers.conf
PIDFILE=$STATE/service.pid
LOG=$STATE/service.log
API=1.41
IMAGES=$(sed -n 's/^\(python\|redis\) *= *"\(.*\)"/\2/p' workshop.toml)

. scripts/messages.sh
# a sentence in the learner's language; to stderr for `env`, whose stdout is eval'ed
say() { if [ "$ACTION" = env ]; then pick "$1" "$2" >&2; else pick "$1" "$2"; fi; }

answers() {
  python3 - "$SOCK" <<'PY' 2>/dev/null
import socket, sys
probe = socket.socket(socket.AF_UNIX)
probe.settimeout(3)
probe.connect(sys.argv[1])
probe.sendall(b"GET /_ping HTTP/1.0\r\nHost: d\r\n\r\n")
sys.exit(0 if b" 200 " in probe.recv(200) else 1)
PY
}

# This shell's hard limit of kind $1 (n: open files, u: processes), at most $2 (podman's own process
# keeps at most 32768 processes, whatever the shell allows).
capped() {
  local limit
  limit=$(ulimit -H"$1")
  if [ "$limit" = unlimited ] || [ "$limit" -gt "$2" ]; then limit=$2; fi
  echo "$limit"
}

stop() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"
    say "✓ stopped the podman service (pid $(cat "$PIDFILE"))" "✓ 已停止 podman 服务（pid $(cat "$PIDFILE")）"
  else
    say "no podman service started by this script is running" "没有正在运行的、由本脚本启动的 podman 服务"
  fi
  rm -f "$PIDFILE"
}

start() {
  if ! command -v podman >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "… installing podman from Debian/Ubuntu packages" "… 正在从 Debian/Ubuntu 软件包安装 podman"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman >/dev/null
    else
      say "✗ podman is not installed: see https://podman.io/docs/installation" \
          "✗ 没有安装 podman：安装方法见 https://podman.io/docs/installation"; exit 1
    fi
  fi
  mkdir -p "$STATE"
  if ! answers; then
    cat >"$CONF" <<CONF
# Written by scripts/podman-service.sh: container limits within this machine's hard limits.
[containers]
default_ulimits = ["nofile=$(capped n 65536):$(capped n 65536)", "nproc=$(capped u 32768):$(capped u 32768)"]
CONF
    rm -f "$SOCK"
    BUILDAH_FORMAT=docker CONTAINERS_CONF=$CONF nohup podman system service --time=0 "unix://$SOCK" >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 50); do answers && break; sleep 0.2; done
    answers || { say "✗ the podman service did not answer on $SOCK; see $LOG" \
                     "✗ podman 服务没有在 $SOCK 上响应；请查看 $LOG"; exit 1; }
    say "✓ podman service answers on $SOCK (pid $(cat "$PIDFILE"), log $LOG)" \
        "✓ podman 服务在 $SOCK 上有响应（pid $(cat "$PIDFILE")，日志 $LOG）"
  else
    say "✓ podman service already answers on $SOCK" "✓ podman 服务已经在 $SOCK 上响应"
  fi
  for image in $IMAGES; do
    if ! podman image exists "$image"; then
      if command -v docker >/dev/null 2>&1 && docker image inspect "$image" >/dev/null 2>&1; then
        say "… copying $image from Docker into Podman" "… 正在把 $image 从 Docker 复制到 Podman"
        docker save "$image" | podman load -q >/dev/null
      else
        say "! $image is not in Podman: run \`make images\` with the exports below" \
            "! Podman 里没有 $image：设好下面的 export 变量后运行 \`make images\`"
      fi
    fi
  done
}

case "$ACTION" in
  start)
    start
    echo "export DOCKER_HOST=unix://$SOCK WORKSHOP_DOCKER_API=$API"
    ;;
  env)
    start
    echo "export DOCKER_HOST=unix://$SOCK WORKSHOP_DOCKER_API=$API"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|env|stop" >&2; exit 2 ;;
esac
