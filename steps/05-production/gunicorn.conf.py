"""gunicorn's settings; gunicorn reads ./gunicorn.conf.py by itself when it starts."""

import os

# Listen on every interface of the container: the published port reaches it from outside.
bind = "0.0.0.0:5000"

# TODO: take the number of worker processes and of threads per worker from the environment
#       variables GUNICORN_WORKERS and GUNICORN_THREADS, with small defaults (2 and 4), e.g.
#       workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# 待办：工作进程数和每个进程的线程数分别取自环境变量 GUNICORN_WORKERS 和 GUNICORN_THREADS，
#       默认值取小一些（2 和 4），写法见上一行。
workers = 2
threads = 4

# Workers signal that they are alive through a file; keep it in memory, not on the image's disk.
worker_tmp_dir = "/dev/shm"

# gunicorn's control socket (for the `gunicornc` tool) would go to $HOME, which the unprivileged
# user of the image does not have; nothing here uses it.
control_socket_disable = True
