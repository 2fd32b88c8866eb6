"""The bench's report: the machine, the table it prints, the comparison of both image stores, and the JSON
files it writes (bench/results/latest.json and the store's last run)."""

import json
import os
import platform
import re
from pathlib import Path

from checker import ROOT
from checker.engine import builds, sizes
from bench.lesson import lines as lesson_lines
from bench.load import CONNECTIONS, DURATION, ROUNDS, THREADS


RESULTS = ROOT / "bench" / "results" / "latest.json"
STORES = ("overlay2", "containerd")  # each store's last run is kept too (results/<store>.json), for the comparison


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
