"""`make bench`: what step 05 buys, measured on this machine in one run.

1. Load: wrk against /get and /set of the step-04 solution (Flask's development server) and of the
   step-05 solution (gunicorn), both in containers with Redis on a network, on 127.0.0.1 published
   ports, for a bounded time each, in turns over three rounds; and GET / of the step-05 container
   (gunicorn + Flask, no Redis call) as the hello-world baseline that shows what the Redis
   round-trip costs.
2. Image sizes of every solution with a Dockerfile (steps 03-05 today) next to the 943 MB image of the original chapter.
3. Warm `make check-step N TARGET=solutions` wall time per step next to its floor: the same
   containers started bare with the docker CLI until they answer (for step 02, Redis and `flask run`);
   medians of CHECK_RUNS rounds taken in turns.
4. `make watch N` for steps 03 and 04: from saving a one-line change (WATCH_PAUSE after the last
   verdict) to the end of the re-check;
   and the first check of step 03 after its requirements changed (pip fetches again), reported only.
5. `make lesson` for steps 01 and 03: from a save to the verdict on the page, against `make check-step N`,
   and the server's idle CPU (bench/lesson.py).

Everything it creates carries this run's labels and is removed at the end, on Ctrl-C and on SIGTERM.
Prints a table and writes bench/results/latest.json.
"""

import os
import signal
import time

from checker import ROOT
from checker.engine import labels
from checker.engine.client import connect
from bench.check_times import bench_checks, bench_cold
from bench.common import interrupt, in_containers, pinned_build, say, solution, unpin
from bench.image_sizes import bench_sizes
from bench.lesson import bench_lesson
from bench.load import bench_load, ensure_wrk
from bench.report import RESULTS, machine, ratio, save, table
from bench.watch_times import bench_watch


def main():
    signal.signal(signal.SIGTERM, interrupt)
    wrk = ensure_wrk()
    client = connect()
    started = time.monotonic()
    labels.set_purpose("bench")
    labels.sweep_orphans(client)
    pins = []
    try:
        images = {}
        for number in in_containers():
            say(f"… image of solutions/{solution(number)[0].folder}")
            images[number] = pinned_build(client, number, pins)
        report = {"machine": machine(client), "load": bench_load(client, wrk, images, pins)}
        runs = report["load"]
        report["ratios"] = {
            "throughput 05/04, /get": ratio(runs["05-get"]["rps"], runs["04-get"]["rps"]),
            "throughput 05/04, /set": ratio(runs["05-set"]["rps"], runs["04-set"]["rps"]),
            "p50 latency 05/04, /get": ratio(runs["05-get"]["p50_ms"], runs["04-get"]["p50_ms"]),
            "p50 latency 05/04, /set": ratio(runs["05-set"]["p50_ms"], runs["04-set"]["p50_ms"]),
            "p99 latency 05/04, /get": ratio(runs["05-get"]["p99_ms"], runs["04-get"]["p99_ms"]),
            "p99 latency 05/04, /set": ratio(runs["05-set"]["p99_ms"], runs["04-set"]["p99_ms"]),
            "throughput 05/04, /set, both without AOF": ratio(runs["05-set-no-aof"]["rps"], runs["04-set"]["rps"]),
            "throughput 05 /get / 05 / (Redis round-trip)": ratio(runs["05-get"]["rps"], runs["05-hello"]["rps"]),
        }
        report["images"] = bench_sizes(client, images)
        report["checks"] = bench_checks(client, images, pins)
        env = {**{key: value for key, value in os.environ.items() if key != "WORKSHOP_RUN_ID"},
               "WORKSHOP_LANG": "en", "PYTHONPATH": str(ROOT)}
        report["watch"] = bench_watch(client, env)
        report["lesson"] = bench_lesson(env)
        report["cold"] = bench_cold(client, env)
        report["seconds"] = round(time.monotonic() - started, 1)
    except KeyboardInterrupt:
        say("\nInterrupted: removing what the bench created…")
        return 130
    finally:
        labels.sweep_this_run(client)
        unpin(client, pins)
    save(report)
    say()
    say(table(report))
    say(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0
