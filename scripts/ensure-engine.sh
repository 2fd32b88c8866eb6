#!/usr/bin/env bash
# Make sure a container engine answers. On Debian/Ubuntu as root it installs docker.io and
# starts dockerd itself (with systemd when that is PID 1, else in the background); elsewhere it
# says how to get Docker and exits non-zero.
set -u

answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
  echo "✓ container engine answers (docker info)"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  echo "✗ DOCKER_HOST=$DOCKER_HOST does not answer. Start that engine, or unset DOCKER_HOST." >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  cat >&2 <<'TXT'
✗ No container engine answers, and this script only installs one on Debian/Ubuntu as root.
  Linux:   install Docker Engine (https://docs.docker.com/engine/install/) or your
           distribution's docker.io package, start it, and add yourself to the docker group.
  macOS / Windows: install and start Docker Desktop.
  Then run `make setup` again.
TXT
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "… installing docker.io from Debian packages"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null || {
    echo "✗ apt-get could not install docker.io" >&2; exit 1; }
fi

if [ "$(ps -o comm= -p 1 2>/dev/null)" = "systemd" ]; then
  systemctl start docker
else
  echo "… starting dockerd in the background (log: /var/log/dockerd.log)"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
fi

for _ in $(seq 1 60); do
  if answers; then echo "✓ container engine answers (docker info)"; exit 0; fi
  sleep 1
done
echo "✗ dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
tail -n 20 /var/log/dockerd.log >&2 2>/dev/null
exit 1
