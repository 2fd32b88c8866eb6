#!/usr/bin/env bash
# Make sure a container engine answers, with BuildKit (buildx) and Compose v2 where we install it.
#
# - An engine that already answers is used as it is (`make doctor` says what it lacks).
# - On Debian/Ubuntu as root with no Docker: the distribution's docker.io, docker-buildx and
#   docker-compose(-v2) where it has them (Debian 13, Ubuntu 24.04); on Debian 12, the same three
#   packages from Debian 13, through an apt source pinned low so that nothing else moves.
# - dockerd is started with systemd when that is PID 1, else in the background.
# - WORKSHOP_IMAGE_STORE=containerd|overlay2 switches the image store and restarts our dockerd
#   (CI runs the whole suite on both).
# Messages follow the learner's language as the checker's do (scripts/messages.sh).
set -u

. "$(dirname "$0")/messages.sh"
say() { pick "$1" "$2"; }
fail() { pick "$1" "$2" >&2; }

LOG=/var/log/dockerd.log
DAEMON_JSON=/etc/docker/daemon.json

answers() { timeout 10 docker info >/dev/null 2>&1; }

wait_for_engine() {
  for _ in $(seq 1 60); do
    if answers; then return 0; fi
    sleep 1
  done
  fail "✗ dockerd did not answer within 60 s; see $LOG" "✗ dockerd 在 60 秒内没有响应；请查看 $LOG"
  tail -n 20 "$LOG" >&2 2>/dev/null
  return 1
}

start_dockerd() {
  if [ "$(ps -o comm= -p 1 2>/dev/null)" = "systemd" ]; then
    systemctl restart docker
  else
    say "… starting dockerd in the background (log: $LOG)" "… 正在后台启动 dockerd（日志：$LOG）"
    nohup dockerd >"$LOG" 2>&1 &
  fi
  wait_for_engine
}

stop_our_dockerd() {
  if [ "$(ps -o comm= -p 1 2>/dev/null)" = "systemd" ]; then
    systemctl stop docker
    return
  fi
  pkill -x dockerd || return 0
  for _ in $(seq 1 30); do pgrep -x dockerd >/dev/null || return 0; sleep 1; done
  pkill -9 -x dockerd
}

# The image store this dockerd should use: rewrite daemon.json's one feature flag, keeping the rest.
set_image_store() {
  local want="$1" flag
  case "$want" in
    containerd) flag=true ;;
    overlay2) flag=false ;;
    *) fail "✗ WORKSHOP_IMAGE_STORE must be containerd or overlay2, not '$want'" \
            "✗ WORKSHOP_IMAGE_STORE 只能是 containerd 或 overlay2，而不是“$want”"; return 1 ;;
  esac
  mkdir -p "$(dirname "$DAEMON_JSON")"
  python3 - "$DAEMON_JSON" "$flag" <<'PY'
import json, os, sys
path, flag = sys.argv[1], sys.argv[2] == "true"
config = {}
if os.path.exists(path):
    with open(path) as handle:
        text = handle.read()
    try:
        config = json.loads(text) if text.strip() else {}
    except ValueError as error:
        sys.exit(f"✗ {path} is not valid JSON ({error}): fix it, then run this again")
config.setdefault("features", {})["containerd-snapshotter"] = flag
with open(path, "w") as handle:
    json.dump(config, handle, indent=2)
    handle.write("\n")
PY
}

current_store() {
  docker info --format '{{range .DriverStatus}}{{if eq (index . 0) "driver-type"}}{{index . 1}}{{end}}{{end}}' 2>/dev/null \
    | grep -q snapshotter && echo containerd || echo overlay2
}

install_engine() {
  . /etc/os-release
  local codename="${VERSION_CODENAME:-}" compose=docker-compose
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  if [ "${ID:-}" = debian ] && [ "$codename" = bookworm ]; then
    say "… installing Docker 26 with buildx and compose from Debian 13 (pinned low: nothing else changes)" \
        "… 正在从 Debian 13 安装带 buildx 和 compose 的 Docker 26（低优先级固定：其他软件包不变）"
    cat >/etc/apt/sources.list.d/workshop-trixie.sources <<'SRC'
# Debian 13, only for the three Docker packages `make setup` asks for by name
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat >/etc/apt/preferences.d/workshop-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
    apt-get update -q >/dev/null
    apt-get install -y -q docker.io/trixie docker-buildx/trixie docker-compose/trixie >/dev/null
    return
  fi
  # Ubuntu names Compose v2 docker-compose-v2; Debian 13 calls it docker-compose
  if apt-cache show docker-compose-v2 >/dev/null 2>&1; then compose=docker-compose-v2; fi
  if apt-cache show docker-buildx >/dev/null 2>&1; then
    say "… installing docker.io, docker-buildx and $compose from your distribution" \
        "… 正在从发行版安装 docker.io、docker-buildx 和 $compose"
    apt-get install -y -q docker.io docker-buildx "$compose" >/dev/null
  else
    say "… installing docker.io (this distribution has no buildx package: steps 01-05 only)" \
        "… 正在安装 docker.io（此发行版没有 buildx 软件包：只能做第 01-05 步）"
    apt-get install -y -q docker.io >/dev/null
  fi
}

if [ -n "${WORKSHOP_IMAGE_STORE:-}" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    fail "✗ switching the image store needs root" "✗ 切换镜像存储需要 root 权限"; exit 1
  fi
  set_image_store "$WORKSHOP_IMAGE_STORE" || exit 1
  if pgrep -x dockerd >/dev/null && answers && [ "$(current_store)" = "$WORKSHOP_IMAGE_STORE" ]; then
    say "✓ container engine answers, image store: $WORKSHOP_IMAGE_STORE" \
        "✓ 容器引擎有响应，镜像存储：$WORKSHOP_IMAGE_STORE"
    exit 0
  fi
  stop_our_dockerd
fi

if command -v docker >/dev/null 2>&1 && answers; then
  say "✓ container engine answers (docker info)" "✓ 容器引擎有响应（docker info）"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  fail "✗ DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine, or unset DOCKER_HOST." \
       "✗ DOCKER_HOST=$DOCKER_HOST 没有响应。请启动那个引擎，或者取消 DOCKER_HOST。"
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  if zh; then
    cat >&2 <<'TXT'
✗ 没有可用的容器引擎，而本脚本只会在以 root 运行的 Debian/Ubuntu 上安装引擎。
  Linux：安装 Docker Engine（https://docs.docker.com/engine/install/）或发行版的
         docker.io、docker-buildx、docker-compose 软件包，启动它，并把自己加入 docker 组。
  macOS / Windows：安装并启动 Docker Desktop。
  然后再运行一次 `make setup`。
TXT
  else
    cat >&2 <<'TXT'
✗ No container engine answers, and this script only installs one on Debian/Ubuntu as root.
  Linux:   install Docker Engine (https://docs.docker.com/engine/install/) or your
           distribution's docker.io, docker-buildx and docker-compose packages, start it,
           and add yourself to the docker group.
  macOS / Windows: install and start Docker Desktop.
  Then run `make setup` again.
TXT
  fi
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  install_engine || { fail "✗ apt-get could not install Docker" "✗ apt-get 无法安装 Docker"; exit 1; }
fi

start_dockerd || exit 1
say "✓ container engine answers (docker info)" "✓ 容器引擎有响应（docker info）"
