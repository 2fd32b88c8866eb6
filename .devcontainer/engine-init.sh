#!/bin/sh
# The dev container's first process: make the container ready for a Docker engine inside it, then
# run the command (sleep infinity). dockerd itself is started by `make setup` and, after a restart
# of the container, by postStartCommand (both run scripts/ensure-engine.sh).
#
# On cgroup v2 (Codespaces, current Docker Desktop and Linux distributions) the container has a
# cgroup namespace of its own, and dockerd can hand controllers (cpu, memory, pids) to its
# containers only when no process sits in the namespace's root group: move them all to a child
# group, then enable every controller for the groups below the root. On cgroup v1 nothing is needed.
set -e

if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  mkdir -p /sys/fs/cgroup/init
  while read -r pid; do
    echo "$pid" >/sys/fs/cgroup/init/cgroup.procs 2>/dev/null || :
  done </sys/fs/cgroup/cgroup.procs
  sed -e 's/ / +/g' -e 's/^/+/' </sys/fs/cgroup/cgroup.controllers \
    >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || :
fi

exec "$@"
