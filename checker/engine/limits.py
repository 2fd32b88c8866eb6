"""What one submission may take: memory, processes, CPU and log size of every container the checker starts.

The values leave the solutions ample room (the step-05 app with Redis stays under 100 MB and
40 processes) and stop a submission that would take the machine with it. Each can be changed
through the environment (WORKSHOP_MEMORY_MB, WORKSHOP_PIDS, WORKSHOP_CPUS, WORKSHOP_LOG_MB).
Step 06 (compose) applies the same values with `compose_override()`.
"""

import os


def _number(name, default, kind=int):
    try:
        return kind(os.environ.get(name) or default)
    except ValueError:
        return kind(default)


def memory_mb():
    """Memory of one container, in MB (swap included: no swap beyond it)."""
    return _number("WORKSHOP_MEMORY_MB", 512)


def pids():
    """Processes and threads one container may hold at once."""
    return _number("WORKSHOP_PIDS", 256)


def cpus():
    """CPUs one container may use (a share of the machine, not a core pinned)."""
    return _number("WORKSHOP_CPUS", 1.0, float)


def log_mb():
    """Size of one container's log in MB: a flood is cut, the engine's disk stays free."""
    return _number("WORKSHOP_LOG_MB", 10)


def run_kwargs():
    """Keyword arguments of docker-py's containers.run/create that apply the limits."""
    return {
        "mem_limit": f"{memory_mb()}m",
        "memswap_limit": f"{memory_mb()}m",
        "pids_limit": pids(),
        "nano_cpus": int(cpus() * 1e9),
        "log_config": {"Type": "json-file", "Config": {"max-size": f"{log_mb()}m", "max-file": "1"}},
    }


def cli_flags():
    """The same limits as `docker run` flags."""
    return [f"--memory={memory_mb()}m", f"--memory-swap={memory_mb()}m", f"--pids-limit={pids()}",
            f"--cpus={cpus()}", "--log-driver=json-file", f"--log-opt=max-size={log_mb()}m", "--log-opt=max-file=1"]


def compose_service():
    """The limits as the keys of one service in a compose file."""
    return {
        "mem_limit": f"{memory_mb()}m",
        "memswap_limit": f"{memory_mb()}m",
        "pids_limit": pids(),
        "cpus": cpus(),
        "logging": {"driver": "json-file", "options": {"max-size": f"{log_mb()}m", "max-file": "1"}},
    }


def compose_override(services):
    """A compose override file (as a dict, to dump as YAML or JSON) limiting each of `services`."""
    return {"services": {name: compose_service() for name in services}}


def describe():
    """One line naming the limits, for messages and README."""
    return f"{memory_mb()} MB memory, {pids()} processes, {cpus():g} CPU, {log_mb()} MB of log"
