"""`make grade DIR=class`: many learners' copies, several at a time, one table, CSV and JUnit file.

A class is a folder of copies (each laid out like steps/, or a fork with steps/ inside), or a file
listing paths and git URLs, one a line. Each copy is graded by `python -m checker grade` in a
process of its own, with its own run id (so its own labels, containers and ports) and state
folder. A copy whose files and checker have not changed since its last grade is not graded again.
GRADE_JOBS=N grades N at a time; GRADE_SHARD=i/N grades the i-th of every N copies (1 <= i <= N),
and `grade-merge` joins the shards' folders into one result.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checker import ROOT, STATE_DIR
from checker.commands.grading import pad, width
from checker.text.messages import msg
from checker.commands.class_copies import (GIT_URL, digest, fetch, jobs, learner_root, shard, step_folders,
                                          submissions)


def grade_one(name, source, out):
    """Grade one copy in a process of its own; its result (also saved in out/results/NAME.json)."""
    started = time.monotonic()
    result = {"name": name, "source": source, "digest": None, "steps": [], "error": None}
    folder = Path(source)
    if GIT_URL.search(source):
        folder, error = fetch(source, out / "clones")
        if folder is None:
            result["error"] = msg("class.clone_failed", reason=error)
            return _save(result, out, started)
    root = learner_root(folder) if folder.is_dir() else None
    if root is None:
        result["error"] = msg("class.no_steps", path=source)
        return _save(result, out, started)
    result["digest"] = digest(root)
    previous = load(out, name)
    if previous and previous.get("digest") == result["digest"] and previous.get("steps"):
        previous["resumed"] = True
        return previous
    for folder_name in ("junit", "logs", "state"):
        (out / folder_name).mkdir(parents=True, exist_ok=True)
    steps_json = out / "state" / f"{name}.steps.json"
    steps_json.unlink(missing_ok=True)
    env = {**os.environ, "WORKSHOP_RUN_ID": f"grade-{uuid.uuid4().hex[:10]}",
           "WORKSHOP_STATE_DIR": str(out / "state" / name), "WORKSHOP_SANDBOX": "container"}
    with open(out / "logs" / f"{name}.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "checker", "grade", str(root), "--xml",
                                    str(out / "junit" / f"{name}.xml"), "--json", str(steps_json)],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _graders.add(process)
        try:
            code = process.wait()
        finally:
            _graders.discard(process)
    if steps_json.is_file():
        result["steps"] = json.loads(steps_json.read_text())
    else:
        result["error"] = msg("class.grade_failed", code=code, log=f"logs/{name}.log")
    return _save(result, out, started)


_graders = set()  # the grading processes running now, to stop with the class grade


def _stop_graders():
    """SIGTERM to every running grade (each cleans up its containers and processes), then wait."""
    for process in list(_graders):
        process.terminate()
    for process in list(_graders):
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _save(result, out, started):
    result["seconds"] = round(time.monotonic() - started, 1)
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / "results" / f"{result['name']}.json").write_text(json.dumps(result, indent=1))
    return result


def load(out, name):
    """The saved result of copy `name` in `out`, or None."""
    try:
        return json.loads((out / "results" / f"{name}.json").read_text())
    except (OSError, ValueError):
        return None


def summary(result):
    """(steps passed, checks passed, checks total) of one copy's result."""
    steps = result.get("steps") or []
    return (sum(1 for s in steps if s["state"] == "passed"), sum(s["passed"] or 0 for s in steps),
            sum(s["total"] or 0 for s in steps))


def write_class(results, out):
    """The class's table (printed, and returned), CSV and JUnit file in `out`."""
    folders = step_folders()
    results = sorted(results, key=lambda r: r["name"])
    with open(out / "class.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["copy", "source", *folders, "steps passed", "checks passed", "checks total", "error"])
        for result in results:
            by_step = {s["step"]: s for s in result.get("steps") or []}
            cells = [f"{by_step[f]['passed']}/{by_step[f]['total'] if by_step[f]['total'] is not None else ''}"
                     f" {by_step[f]['state']}" if f in by_step else "" for f in folders]
            writer.writerow([result["name"], result["source"], *cells, *summary(result), result.get("error") or ""])
    root = ET.Element("testsuites", name="docker-0-to-1 class grade")
    for result in results:
        junit = out / "junit" / f"{result['name']}.xml"
        if result.get("steps") and junit.is_file():
            for suite in ET.parse(junit).getroot().iter("testsuite"):
                suite.set("name", f"{result['name']}/{suite.get('name')}")
                root.append(suite)
        else:
            suite = ET.SubElement(root, "testsuite", name=f"{result['name']}", tests="1", failures="1", errors="0")
            case = ET.SubElement(suite, "testcase", classname=result["name"], name="graded")
            ET.SubElement(case, "failure", message=result.get("error") or "not graded")
    ET.ElementTree(root).write(out / "class-junit.xml", encoding="utf-8", xml_declaration=True)
    from checker.commands import classpage

    classpage.write(results, out, folders)  # learners × steps, each failure linked: class.html
    heads = msg("class.columns").split("|")
    first = max([width(heads[0])] + [width(r["name"]) for r in results])
    lines = [f"  {pad(heads[0], first)}  {pad(heads[1], 7, right=True)}  {pad(heads[2], 9, right=True)}  {heads[3]}"]
    for result in results:
        steps, checks, total = summary(result)
        note = result.get("error") or ("✓" if result.get("steps") and steps == len(folders) else "✗")
        lines.append(f"  {pad(result['name'], first)}  {pad(f'{steps}/{len(folders)}', 7, right=True)}  "
                     f"{pad(f'{checks}/{total}', 9, right=True)}  {note}")
    return "\n".join(lines)


def classpage_written(path, label):
    from checker.commands import classpage

    return classpage.pick(classpage.WORDS["written"]).format(path=label(path))


def grade_class(arg, out=None):
    """Grade every copy of a class (this shard of it), several at a time; 0 when all pass every step."""
    from checker.commands.progress import label

    out = Path(out).expanduser().resolve() if out else STATE_DIR / "grade-class"
    try:
        items = shard(submissions(arg))
    except ValueError as error:
        print(msg("class.bad_shard", value=error), file=sys.stderr)
        return 2
    if not items:
        print(msg("class.empty", path=arg), file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    count, started = jobs(), time.monotonic()
    print(msg("class.start", n=len(items), jobs=count), flush=True)
    done = []

    def one(item):
        result = grade_one(item[0], item[1], out)
        steps, checks, total = summary(result)
        state = msg("class.resumed") if result.get("resumed") else f"{result.get('seconds', 0):.0f} s"
        print(f"  [{len(done) + 1}/{len(items)}] {result['name']}: {steps}/{len(step_folders())} "
              f"{msg('class.steps')}, {checks}/{total} ({state}){'  ' + result['error'] if result.get('error') else ''}",
              flush=True)
        done.append(result)
        return result

    signal.signal(signal.SIGTERM, _interrupt)  # a cancelled CI job stops every grade it started
    pool = ThreadPoolExecutor(max_workers=count)
    try:
        results = list(pool.map(one, items))
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        _stop_graders()
        raise
    pool.shutdown()
    print()
    print(write_class(results, out))
    print()
    print(msg("class.total", n=len(results), seconds=round(time.monotonic() - started)))
    print(msg("class.files", csv=label(out / "class.csv"), junit=label(out / "class-junit.xml")))
    print(classpage_written(out / "class.html", label))
    everything = len(step_folders())
    return 0 if all(summary(r)[0] == everything for r in results) else 1


def merge(out, shards):
    """Join the results of several shards' folders into `out`: one table, CSV and JUnit file."""
    out = Path(out).resolve()
    for folder in ("results", "junit"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for shard_dir in shards:
        for folder, pattern in (("results", "*.json"), ("junit", "*.xml")):
            for path in sorted((Path(shard_dir) / folder).glob(pattern)):
                if path.resolve() != (out / folder / path.name).resolve():
                    shutil.copyfile(path, out / folder / path.name)
    results = [json.loads(path.read_text()) for path in sorted((out / "results").glob("*.json"))]
    if not results:
        print(msg("class.nothing_to_merge"), file=sys.stderr)
        return 2
    print(write_class(results, out))
    everything = len(step_folders())
    return 0 if all(summary(r)[0] == everything for r in results) else 1


def cmd_merge(args):
    return merge(args.out, args.shards)


def add_parser(sub):
    command = sub.add_parser("grade-merge", help="join the results folders of several grading shards into one")
    command.add_argument("out", help="the folder for the joined table, CSV and JUnit file")
    command.add_argument("shards", nargs="+", help="the shards' results folders")
    command.set_defaults(func=cmd_merge)
