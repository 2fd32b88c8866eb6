"""gunicorn's settings; gunicorn reads ./gunicorn.conf.py by itself when it starts."""

import os

# Listen on every interface of the container: the published port reaches it from outside.
bind = "0.0.0.0:5000"

# Processes x threads. Small defaults suit a container limited to a core or two; raise them with
# `docker run -e GUNICORN_WORKERS=4 -e GUNICORN_THREADS=8` without rebuilding the image.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that takes longer than this gets its worker restarted (Redis calls give up after ~2 s).
timeout = 30
graceful_timeout = 10

# Workers signal that they are alive through a file; keep it in memory, not on the image's disk.
worker_tmp_dir = "/dev/shm"

# Errors go to stderr, so `docker logs` shows them.
errorlog = "-"

# gunicorn's control socket (for the `gunicornc` tool) would go to $HOME, which the unprivileged
# user of the image does not have; nothing here uses it.
control_socket_disable = True
