"""Load: wrk against /get and /set of the step-04 and step-05 solutions, and GET / of step 05 as the
hello-world baseline, in turns over ROUNDS rounds; each scenario's median run."""

import os
import re
import shutil
import subprocess
import sys

import requests

from checker.engine import containers
from bench.common import available, deploy, say, solution, undeploy


DURATION, THREADS, CONNECTIONS = 4, 2, 16   # each wrk run: seconds, threads, open connections
ROUNDS = 3                       # each scenario runs this often, taking turns with the others
WARMUP = 1                       # seconds of unrecorded load before a scenario's first run


def ensure_wrk():
    """The path of wrk; installed from Debian's package when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("… installing wrk (Debian package)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=False, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
        return shutil.which("wrk")
    sys.exit("wrk is missing: install it (Debian/Ubuntu: `sudo apt-get install wrk`) and run `make bench` again.")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


def parse_wrk(output):
    """Throughput (requests/s), p50/p99 latency (ms), request and error counts from wrk --latency."""
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        result[f"p{percent}_ms"] = round(_ms(re.search(rf"^\s+{percent}%\s+(\S+)", output, re.M).group(1)), 3)
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    result["errors"] = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0)
    result["rps"] = round(result["rps"], 1)
    return result


def load(wrk, url, warmup=False):
    """One bounded wrk run against `url` (on 127.0.0.1), after an unrecorded one if `warmup`."""
    assert url.startswith("http://127.0.0.1:"), url
    common = [wrk, f"-t{THREADS}", f"-c{CONNECTIONS}", "--timeout", "3s"]
    if warmup:
        subprocess.run(common + [f"-d{WARMUP}s", url], check=True, capture_output=True, timeout=WARMUP + 30)
    done = subprocess.run(common + [f"-d{DURATION}s", "--latency", url], check=True, capture_output=True,
                          text=True, timeout=DURATION + 30)
    return parse_wrk(done.stdout)


# (name, step, path, with the step's redis.conf); the last: step 05 against Redis without AOF
SCENARIOS = (("04-get", 4, "get", True), ("04-set", 4, "set", True), ("05-get", 5, "get", True),
             ("05-set", 5, "set", True), ("05-hello", 5, "hello", True), ("05-set-no-aof", 5, "set", False))


PATHS = {"get": "/get?key=bench", "set": "/set?key=bench&value=vvvvvvvvvvvvvvvv", "hello": "/"}


def bench_load(client, wrk, images, pins):
    """wrk on /get and /set of steps 04 and 05, / of step 05, and step 05 without AOF.

    All deployments run side by side and the scenarios take turns, ROUNDS times: load from other
    work on the machine then weighs on every scenario alike. Each scenario reports its median run.
    """
    deployments, runs = {}, {}
    try:
        for number, conf in ((4, True), (5, True), (5, False)):
            deployment = deploy(client, available(client, number, images, pins), solution(number)[1], redis_conf=conf)
            deployments[number, conf] = deployment
            # published on 127.0.0.1 (containers.publish); name the address, not `localhost`
            deployment.base = f"http://127.0.0.1:{deployment.web.get_exposed_port(containers.WEB_PORT)}"
            assert requests.get(deployment.base + "/set", params={"key": "bench", "value": "v"}, timeout=10).ok
        for round_number in range(1, ROUNDS + 1):
            say(f"… load, round {round_number}/{ROUNDS}: {len(SCENARIOS)} scenarios, wrk {DURATION} s each")
            for name, number, path, conf in SCENARIOS:
                url = deployments[number, conf].base + PATHS[path]
                runs.setdefault(name, []).append(load(wrk, url, warmup=round_number == 1))
    finally:
        for deployment in deployments.values():
            undeploy(deployment)
    return {name: median_run(results) for name, results in runs.items()}


def median_run(results):
    """The run with the median throughput, and the throughput of every run."""
    ordered = sorted(results, key=lambda run: run["rps"])
    return {**ordered[len(ordered) // 2], "rps_runs": [run["rps"] for run in results]}
