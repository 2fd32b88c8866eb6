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

import json
import os
import platform
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import docker
import requests

from checker import ROOT, builds, containers, course, labels, reaper, sizes
from checker.deploy import DATA, REDIS_ALIAS, REDIS_CONF, Deployment, redis_env, remove
from checker.engine import connect

from .lesson import bench_lesson
from .lesson import lines as lesson_lines

RESULTS = ROOT / "bench" / "results" / "latest.json"
STORES = ("overlay2", "containerd")  # each store's last run is kept too (results/<store>.json), for the comparison
CHAPTER_IMAGE_MB = 943           # `docker images` in the chapter: python:3 + flask + redis
DURATION, THREADS, CONNECTIONS = 4, 2, 16   # each wrk run: seconds, threads, open connections
ROUNDS = 3                       # each scenario runs this often, taking turns with the others
WARMUP = 1                       # seconds of unrecorded load before a scenario's first run
CHECK_RUNS = 3                   # warm checks (and floors) per step, taken in turns; the median counts
WATCH_RUNS = 3                   # saves per step in `make watch`; the median counts
WATCH_PAUSE = 2                  # seconds from a verdict to the next save: the time an edit takes at least
PIN = "workshop-bench/"          # repository of the tags that keep the bench's images during the run


def say(text=""):
    print(text, flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# --- wrk ---------------------------------------------------------------------------------------

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


# --- containers --------------------------------------------------------------------------------

def deploy(client, image, folder, env=None, redis_conf=True):
    """A network, a volume, Redis on them (with the step's redis.conf if it has one), the web container; timed."""
    started = time.monotonic()
    conf = folder / "redis.conf"
    running = Deployment(image, containers.network(), containers.volume(client),
                         conf if redis_conf and conf.is_file() else None, {**redis_env(), **(env or {})})
    running.start()
    running.seconds = time.monotonic() - started
    return running


def undeploy(running):
    running.stop()
    remove(running.volume)
    remove(running.network)
    containers.reap()  # gone before the next scenario is measured


def solution(number):
    step = course.find(number)
    return step, ROOT / "solutions" / step.folder


def pinned_build(client, number, pins):
    """Build a solution's image and give it a tag of this run, so that a check running meanwhile
    (which rebuilds the same folder and removes the image it replaces) cannot remove it."""
    step, folder = solution(number)
    image = containers.build(client, folder, step)
    image.tag(f"{PIN}{step.folder}", labels.RUN_ID)
    pins.append(f"{PIN}{step.folder}:{labels.RUN_ID}")
    return client.images.get(pins[-1])


def available(client, number, images, pins):
    """images[number], built again if something outside the bench removed it meanwhile (`make clean`)."""
    try:
        client.images.get(images[number].id)
    except docker.errors.ImageNotFound:
        images[number] = pinned_build(client, number, pins)
    return images[number]


def unpin(client, pins):
    for tag in pins:
        try:
            client.images.remove(tag)
        except Exception:
            pass


# --- the three parts ---------------------------------------------------------------------------

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


def bench_sizes(client, images):
    """Unpacked sizes (the same on every image store) of the base image and each step's image."""
    base = client.images.get(course.images()["python"])
    standin = labels.STANDIN in (base.labels or {})
    megabytes = sizes.unpacked_mb(client, base)
    found = {"base": {"mb": round(megabytes, 1), "ratio_to_chapter": round(megabytes / CHAPTER_IMAGE_MB, 3),
                      "image": course.images()["python"] + (" (offline stand-in)" if standin else "")}}
    for number, image in images.items():
        megabytes = sizes.unpacked_mb(client, image)
        found[f"{number:02d}"] = {"mb": round(megabytes, 1), "ratio_to_chapter": round(megabytes / CHAPTER_IMAGE_MB, 3)}
    return found


def cli(*args):
    """The docker CLI, aimed at the engine the checker uses; its output."""
    done = subprocess.run(["docker", *args], check=True, capture_output=True, text=True, timeout=120,
                          env=builds._cli_environment())
    return done.stdout.strip()


def label_options():
    """--label options carrying this run's labels (the sweeps find what the floor leaves)."""
    return [f"--label={key}={value}" for key, value in labels.for_this_run().items()]


def published(container, port):
    """The 127.0.0.1 host port the engine published `port` of `container` on."""
    return int(cli("port", container, str(port)).splitlines()[0].rsplit(":", 1)[1])


def until(ready, timeout=60):
    """Poll `ready()` every 20 ms until it holds (errors count as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.02)
    raise RuntimeError("the floor's containers did not answer within 60 s")


def pings(port):
    """Redis on 127.0.0.1:`port` answers PING."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
        connection.sendall(b"PING\r\n")
        return connection.recv(16).startswith(b"+PONG")


def answers(port):
    """Something on 127.0.0.1:`port` answers HTTP."""
    requests.get(f"http://127.0.0.1:{port}/", timeout=1)
    return True


def bare_start(number, image):
    """Seconds to start, with the docker CLI and nothing else, the containers step `number`'s check
    needs until they answer; and the commands that remove them again."""
    step, folder = solution(number)
    redis_image = course.images()["redis"]
    made, started = [], time.monotonic()
    try:
        if image is None:  # Redis and `flask run` of the app on the host, as the step's check runs them
            redis_id = cli("run", "-d", *label_options(), "-p", "127.0.0.1::6379", redis_image)
            made.append(("rm", "-f", "-v", redis_id))
            redis_port = published(redis_id, 6379)
            web_port = free_port()
            flask = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "hello", "run", "--port", str(web_port)], cwd=folder,
                env={**os.environ, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port)},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            made.append(flask)
            until(lambda: pings(redis_port) and answers(web_port))
        elif number == min(in_containers()):  # the image alone
            web_id = cli("run", "-d", *label_options(), "-p", "127.0.0.1::5000", image.id)
            made.append(("rm", "-f", "-v", web_id))
            until(lambda: answers(published(web_id, 5000)))
        else:  # a network, a volume, Redis (with the step's redis.conf) and the web container on it
            network = cli("network", "create", *label_options(), containers.unique("net"))
            made.append(("network", "rm", network))
            volume = cli("volume", "create", *label_options(), containers.unique("data"))
            made.append(("volume", "rm", "-f", volume))
            conf = folder / "redis.conf"
            mounts = ["-v", f"{volume}:{DATA}"] + (["-v", f"{conf}:{REDIS_CONF}:ro"] if conf.is_file() else [])
            command = ["redis-server", REDIS_CONF] if conf.is_file() else []
            redis_id = cli("run", "-d", *label_options(), "--network", network, "--network-alias", REDIS_ALIAS,
                              "-p", "127.0.0.1::6379", *mounts, redis_image, *command)
            made.insert(0, ("rm", "-f", "-v", redis_id))
            environment = [f"--env={key}={value}" for key, value in redis_env().items()]
            web_id = cli("run", "-d", *label_options(), "--network", network, "-p", "127.0.0.1::5000",
                            *environment, image.id)
            made.insert(0, ("rm", "-f", "-v", web_id))
            redis_port, web_port = published(redis_id, 6379), published(web_id, 5000)
            until(lambda: pings(redis_port) and answers(web_port))
        return time.monotonic() - started
    finally:
        for undo in made:
            if isinstance(undo, subprocess.Popen):
                undo.terminate()
                undo.wait(timeout=30)
            else:
                subprocess.run(["docker", *undo], capture_output=True, timeout=120, env=builds._cli_environment())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def floor(client, number, images, pins):
    """The floor of step `number`'s check (see bare_start); None for a step outside containers."""
    step = course.find(number)
    if not step.docker:
        return None
    return bare_start(number, available(client, number, images, pins) if number in images else None)


def in_containers():
    """The numbers of the steps whose solution has a Dockerfile: the bench builds each one's image."""
    return [step.number for step in course.steps() if (ROOT / "solutions" / step.folder / "Dockerfile").is_file()]


def run_check(number, env):
    """`make check-step N TARGET=solutions` in its own process group; on Ctrl-C it is interrupted too
    (and removes its containers itself) before the bench goes on to clean up."""
    process = subprocess.Popen(["make", "--no-print-directory", "check-step", str(number), "TARGET=solutions"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        return process.wait(timeout=300)
    except BaseException:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        raise


def bench_checks(client, images, pins):
    """Warm `make check-step N TARGET=solutions` (images already built) next to its floor, CHECK_RUNS
    rounds taken in turns; the medians and their ratio."""
    env = {key: value for key, value in os.environ.items() if key != "WORKSHOP_RUN_ID"}
    env["WORKSHOP_LANG"] = "en"
    runs = {}
    for round_number in range(1, CHECK_RUNS + 1):
        say(f"… warm checks and their floors, round {round_number}/{CHECK_RUNS}")
        for step in course.steps():
            started = time.monotonic()
            code = run_check(step.number, env)
            seconds = time.monotonic() - started  # the prompt is back; the check's reaper goes on removing
            reaper.wait_for_reapers()  # the floor is taken on a quiet engine, as the check was
            bare = floor(client, step.number, images, pins)
            found = runs.setdefault(step.folder, {"passed": True, "check": [], "floor": []})
            found["passed"] = found["passed"] and code == 0
            found["check"].append(seconds)
            if bare is not None:
                found["floor"].append(bare)
    checks = {}
    for folder, found in runs.items():
        seconds, bare = median(found["check"]), median(found["floor"]) if found["floor"] else None
        checks[folder] = {"passed": found["passed"], "check_s": round(seconds, 2),
                          "floor_s": round(bare, 2) if bare is not None else None,
                          "ratio": round(seconds / bare, 1) if bare else None,
                          "check_runs_s": [round(run, 2) for run in found["check"]]}
    return checks


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def copy_of_solutions(tmp):
    """A copy of solutions/ to change (no virtualenvs or caches)."""
    copy = Path(tmp) / "solutions"
    shutil.copytree(ROOT / "solutions", copy, ignore=shutil.ignore_patterns(".venv", "__pycache__", ".git"))
    return copy


def forget_image(client, target, number):
    """Remove the cached image a check of a copy left (its folder is gone after the bench)."""
    try:
        client.images.remove(containers.cache_tag(target / course.find(number).folder, course.find(number)))
    except docker.errors.APIError:
        pass


def bench_cold(client, env):
    """The first check of step 03's solution after its requirements changed: pip install fetches the
    packages again (what a fresh machine pays, the base image aside). Reported, not targeted."""
    number = min(in_containers())
    with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
        target = copy_of_solutions(tmp)
        with open(target / course.find(number).folder / "requirements.txt", "a") as handle:
            handle.write(f"# cold check {labels.RUN_ID}\n")
        say(f"… cold check of step {number:02d} (pip install runs again)")
        started = time.monotonic()
        code = subprocess.run([sys.executable, "-m", "checker", "check", str(number), "--target", str(target)],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        seconds = time.monotonic() - started
        reaper.wait_for_reapers()  # its containers go before its image does
        forget_image(client, target, number)
    return {"step": f"{number:02d}", "check_s": round(seconds, 2), "passed": code == 0}


def bench_watch(client, env, numbers=(3, 4)):
    """`make watch N` on a copy of the solutions: seconds from saving a one-line change to hello.py
    until the check has run again, median of WATCH_RUNS saves per step."""
    found = {}
    reaper.wait_for_reapers()  # the last warm check's containers are gone before watching starts
    for number in numbers:
        step = course.find(number)
        with tempfile.TemporaryDirectory(prefix="workshop-bench-") as tmp:
            target = copy_of_solutions(tmp)
            say(f"… make watch {number}: {WATCH_RUNS} saves")
            watcher = subprocess.Popen([sys.executable, "-m", "checker", "watch", str(number), "--target",
                                        str(target)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, text=True, start_new_session=True)
            lines, times, passed = queue.Queue(), [], True
            reader = threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True)
            reader.start()
            try:
                waited(lines, "Waiting for changes")  # the first check
                for save in range(WATCH_RUNS):
                    time.sleep(WATCH_PAUSE)  # meanwhile the watcher readies the next check
                    with open(target / step.folder / "hello.py", "a") as handle:
                        handle.write(f"# a one-line change {save}\n")
                    started = time.monotonic()
                    seen = waited(lines, "Waiting for changes")
                    times.append(time.monotonic() - started)
                    passed = passed and any("All " in line and "checks passed" in line for line in seen)
            finally:
                os.killpg(watcher.pid, signal.SIGINT)
                try:
                    watcher.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(watcher.pid, signal.SIGKILL)
                    watcher.wait()
                forget_image(client, target, number)
        found[f"{number:02d}"] = {"recheck_s": round(median(times), 2), "runs_s": [round(t, 2) for t in times],
                                  "passed": passed}
    return found


def waited(lines, text, timeout=120):
    """The watcher's lines up to the first that contains `text`."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.01)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    raise RuntimeError(f"`make watch` printed no {text!r} within {timeout} s:\n" + "".join(seen[-20:]))


# --- report ------------------------------------------------------------------------------------

def machine(client):
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    name = re.search(r'^PRETTY_NAME="?([^"\n]*)', os_release, re.M)
    return {"cores": os.cpu_count(), "host": name.group(1) if name else platform.platform(),
            "engine": f"dockerd {client.version().get('Version', '?')}, {sizes.store(client)} image store, "
                      f"{builds.builder(client)} builder",
            "store": sizes.store(client),
            "load_average_at_start": round(os.getloadavg()[0], 2),
            "wrk": f"{THREADS} threads, {CONNECTIONS} connections, {DURATION} s per run, "
                   f"median of {ROUNDS} runs taken in turns"}


def ratio(a, b):
    return round(a / b, 2) if b else None


def table(report):
    load_runs, lines = report["load"], []
    lines.append(f"Machine: {report['machine']['cores']} cores, {report['machine']['host']}, "
                 f"{report['machine']['engine']}, load average {report['machine']['load_average_at_start']} "
                 f"at start; wrk {report['machine']['wrk']}")
    lines.append("")
    lines.append(f"{'load':<42}{'req/s':>8}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    names = {"04-get": "04 /get  (flask run)", "04-set": "04 /set  (flask run)", "05-get": "05 /get  (gunicorn)",
             "05-set": "05 /set  (gunicorn, AOF fsync always)", "05-set-no-aof": "05 /set  (gunicorn, Redis without AOF)",
             "05-hello": "05 /     (gunicorn, no Redis call)"}
    for key, label in names.items():
        run = load_runs[key]
        lines.append(f"{label:<42}{run['rps']:>8.0f}{run['p50_ms']:>10.2f}{run['p99_ms']:>10.2f}{run['errors']:>8}")
    lines.append("")
    for name, value in report["ratios"].items():
        lines.append(f"{name:<46}{value:>8}")
    lines.append("")
    lines.append(f"{'image':<10}{'MB':>8}{'of 943 MB':>12}")
    for number, size in report["images"].items():
        lines.append(f"{number:<10}{size['mb']:>8.0f}{size['ratio_to_chapter']:>12.2f}  {size.get('image', '')}")
    lines.append("")
    lines.append(f"{'warm check':<20}{'check s':>9}{'floor s':>9}{'ratio':>7}  passed")
    for folder, check in report["checks"].items():
        floor_s = f"{check['floor_s']:.2f}" if check["floor_s"] is not None else "–"
        check_ratio = f"{check['ratio']:.1f}" if check["ratio"] is not None else "–"
        lines.append(f"{folder:<20}{check['check_s']:>9.2f}{floor_s:>9}{check_ratio:>7}  {check['passed']}")
    lines += across_stores(report)
    lines.append("")
    lines.append(f"{'make watch N':<20}{'re-check s':>11}  passed   (save of a one-line change to the check's end)")
    for number, watched in report["watch"].items():
        lines.append(f"{number:<20}{watched['recheck_s']:>11.2f}  {watched['passed']}")
    lines += lesson_lines(report.get("lesson", {}))
    cold = report["cold"]
    lines.append(f"cold check {cold['step']} (pip install again): {cold['check_s']:.1f} s, passed {cold['passed']}")
    lines.append("")
    lines.append(f"bench wall time: {report['seconds']:.0f} s")
    return "\n".join(lines)


def other_store(report):
    """The last run on the other image store (its report), or None."""
    here = report["machine"].get("store")
    others = [store for store in STORES if store != here]
    path = RESULTS.parent / f"{others[0]}.json" if here in STORES else None
    if path is None or not path.is_file():
        return None
    return json.loads(path.read_text())


def across_stores(report):
    """Warm check times on this store next to the other store's last run: containerd over overlay2."""
    other = other_store(report)
    if other is None:
        return []
    stores = {report["machine"]["store"]: report, other["machine"]["store"]: other}
    lines = ["", f"{'warm check':<20}{'overlay2 s':>11}{'containerd s':>13}{'containerd/overlay2':>21}"]
    for folder in report["checks"]:
        seconds = [stores[store]["checks"].get(folder, {}).get("check_s") for store in STORES]
        if None in seconds:
            continue
        lines.append(f"{folder:<20}{seconds[0]:>11.2f}{seconds[1]:>13.2f}{ratio(seconds[1], seconds[0]):>21.2f}")
    return lines


def save(report):
    """Write the report as the latest run and as its store's last run."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    for path in (RESULTS, RESULTS.parent / f"{report['machine']['store']}.json"):
        partial = path.with_suffix(".json.tmp")
        partial.write_text(text)
        partial.replace(path)


def main():
    signal.signal(signal.SIGTERM, _interrupt)
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
