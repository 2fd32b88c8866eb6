"""Log excerpts in a failure message begin at a line's beginning, never mid-line."""

import re
import subprocess
import sys

from checker import ROOT
from checker.text.failures import clip, tail, whole_lines
from checker.learner.sandbox import LogTail

LOG = "".join(f"line {number:04d}: the app said something\n" for number in range(500))


def starts_whole(excerpt, log=LOG):
    """Each line of `excerpt` is a whole line of `log`."""
    whole = set(log.splitlines())
    return all(line in whole for line in excerpt.splitlines())


def test_clip_keeps_whole_lines():
    for chars in (40, 100, 1500, 5000):
        excerpt = clip(LOG, chars)
        assert excerpt and starts_whole(excerpt), excerpt[:80]
        assert excerpt.endswith("line 0499: the app said something")
        assert len(excerpt) <= max(chars, len(LOG.splitlines()[-1]))
    assert clip("short\n", 1500) == "short"


def test_clip_of_one_long_line_keeps_its_beginning():
    excerpt = clip("a" * 20 + "\n" + "Traceback " + "x" * 3000, 100)
    assert excerpt.startswith("Traceback ") and excerpt.endswith(" …") and len(excerpt) == 102


def test_whole_lines_drops_the_cut_line():
    assert whole_lines(b"ne 3\nline 4\n", dropped=True) == b"line 4\n"
    assert whole_lines(b"line 3\nline 4\n", dropped=False) == b"line 3\nline 4\n"
    assert whole_lines("no newline at all", dropped=True) == ""


def test_kept_output_of_a_process_starts_at_a_line(tmp_path):
    """A learner process's output is kept in its last part; what is shown of it begins with a whole line."""
    script = "import sys\nfor n in range(5000): sys.stdout.write(f'line {n:04d}: the app said something\\n')\n"
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    reader = LogTail(process.stdout, process, cap=10**9, keep=1000)
    process.wait()
    reader.join(5)
    full = "".join(f"line {n:04d}: the app said something\n" for n in range(5000))
    text = reader.text()
    assert text.startswith("line ") and text.endswith("line 4999: the app said something\n")
    assert starts_whole(text, full) and starts_whole(tail(text, 6), full)


def test_no_log_is_cut_by_characters():
    """No check or checker module hands a log excerpt cut by characters (`log=text[-1500:]`) to a failure."""
    sliced = re.compile(r"log=[^\n,)]*\[-\w+:\]")
    found = [f"{path.relative_to(ROOT)}:{number}" for folder in ("checker", "checks")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if sliced.search(line)]
    assert found == []
