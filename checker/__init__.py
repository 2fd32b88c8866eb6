"""The workshop checker: runs each step's pytest checks against real containers."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Learner state (check results, hint counters, backups); tests point it at a temporary folder.
STATE_DIR = Path(os.environ.get("WORKSHOP_STATE_DIR") or ROOT / ".workshop")

# testcontainers reads these at import time: no Ryuk (it needs a registry), and reach
# containers through ports published on the Docker host instead of the bridge gateway.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
