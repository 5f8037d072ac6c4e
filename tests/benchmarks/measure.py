"""Timing a fresh process for the benchmarks: wall and CPU seconds, peak memory, output."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Compiled modules cached as an installed app caches them (a machine that sets
# PYTHONDONTWRITEBYTECODE would otherwise compile ProfitLens's modules in every measured
# process: about 45 ms of a report), under bench-data/ (never committed): the first run
# of each code compiles, the medians do not count it.
PYCACHE = ROOT / "bench-data" / "pycache"


def run_measured(command: list[str], root: Path = ROOT) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MiB and stdout of one fresh
    process (reaped by wait4), importing the code of ``root`` (default: this checkout),
    its compiled modules cached in :data:`PYCACHE`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env |= {"PYTHONPATH": str(root), "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        pid = os.posix_spawn(command[0], command, env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(command)} failed:\n{err.read()}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, cpu, usage.ru_maxrss / 1024, out.read()


def code_at(commit: str | None, work: Path) -> Path:
    """The code to run: this checkout (no ``commit``), or ``commit`` exported once with
    ``git archive`` into ``work`` (a benchmark folder, never committed)."""
    if not commit:
        return ROOT
    sha = subprocess.run(["git", "rev-parse", commit], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    target = work / f"code-{sha[:12]}"
    if not (target / "app.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target
