"""The benchmark: time `garden build` on synthetic gardens, beside Hugo and Eleventy.

For each size (default 1,000 and 10,000 notes) it generates a garden, converts it
for Hugo and Eleventy when they are installed, then, for each run:

- garden: cold build (no cache, no output folder), no-change rebuild, rebuild after
  editing one note, after adding one, after deleting one: each `garden build` as a
  subprocess, timed from start to exit (so interpreter start-up counts, as it does
  for a user);
- hugo and eleventy: a cold build of the same notes.

Reported: the median wall time over the runs (and min/max), peak memory, the output
(files and bytes), and the ratios garden / hugo and garden / eleventy of the cold
builds. Results go to bench/out/results-<date>.json. See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .generate import GeneratedGarden, generate

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
NODE_DIR = BENCH / "node"
ELEVENTY_CLI = NODE_DIR / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
GARDEN_STEPS = ["cold", "no change", "edit one", "add one", "delete one"]
MB = 1024 * 1024


# --- measuring one command -----------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Samples the memory of a process and all its descendants (forked workers included).

    `pss` mode (the default) reads /proc/<pid>/smaps_rollup: the proportional set size
    counts a page shared by N processes as 1/N in each, so the sum over the tree is the
    memory the build really holds, with no double counting of what forked workers share
    with their parent. Each read walks the process's page tables (~10 ms for 600 MB), so
    the sampler waits at least 20 times as long as its last sample took: it never takes
    more than ~5% of one core, at the price of sampling large trees less often. The same
    read gives the sum of resident sets (RSS), kept too.

    `rss` mode reads only /proc/<pid>/statm (microseconds) and sums resident sets: pages
    shared between processes count once per process, so it is an upper bound.
    """

    def __init__(self, pid: int, period: float, mode: str = "pss"):
        super().__init__(daemon=True)
        self.root, self.period, self.mode = pid, period, mode
        self.peak = 0  # bytes: the largest total seen (PSS or RSS, by mode)
        self.peak_rss = 0  # bytes: the largest sum of resident sets seen
        self.peak_processes = 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split(None, 2)[1])
            children.setdefault(ppid, []).append(int(entry.name))
        out, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, ()))
        return out

    def memory(self, pid: int) -> tuple[int, int]:
        """(PSS or RSS by mode, RSS) of one process, in bytes."""
        try:
            if self.mode == "pss":
                pss = rss = 0
                with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
                    for line in f:
                        if line.startswith(b"Rss:"):
                            rss = int(line.split()[1]) * 1024
                        elif line.startswith(b"Pss:"):
                            pss = int(line.split()[1]) * 1024
                            break
                return pss, rss
            with open(f"/proc/{pid}/statm", "rb") as f:
                rss = int(f.read().split()[1]) * self._page
            return rss, rss
        except (OSError, ValueError, IndexError):
            return 0, 0  # the process ended between the scan and the read

    def sample(self) -> None:
        pids = self.tree()
        values = [self.memory(pid) for pid in pids]
        total, rss = sum(v[0] for v in values), sum(v[1] for v in values)
        if total > self.peak:
            self.peak, self.peak_processes = total, len(pids)
        self.peak_rss = max(self.peak_rss, rss)

    def run(self) -> None:
        while not self._done.is_set():
            started = time.perf_counter()
            self.sample()
            cost = time.perf_counter() - started
            self._done.wait(max(self.period, 20 * cost) if self.mode == "pss" else self.period)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Sample:
    seconds: float  # wall time, start to exit
    tree_mb: float | None  # peak memory of the process tree (sum of PSS, or of RSS with --memory rss; sampled)
    tree_rss_mb: float | None  # peak sum of the tree's resident sets (an upper bound; sampled)
    max_rss_mb: float  # the largest single process's peak RSS (exact, from the kernel)
    processes: int | None  # processes alive at the tree's peak
    code: int
    stderr: str = ""
    files: int = 0  # in the output folder afterwards
    bytes: int = 0
    extra: dict = field(default_factory=dict)


def measure(cmd: list[str], cwd: Path, env: dict | None, period: float | None, mode: str) -> Sample:
    """Run `cmd` to completion; its wall time and the peak memory of its process tree.

    The exact peak RSS comes from wait4(), whose rusage covers the child and every
    descendant it waited for (multiprocessing pools join their workers): that is the
    largest single process. The tree's peak total is sampled while it runs, unless `period`
    is None (a timed run, see bench_size: the tree's memory is then reported as 0).

    Every build starts once the files of the one before are on disk (os.sync): the system
    writing a cold build's 260 MB of output back in the background slowed the build after
    it by a fifth to a third, a cost of the build before, not of the one timed.
    """
    os.sync()
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeSampler(proc.pid, period, mode)
        if period is not None:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if period is not None:
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if period is None:  # not watched: no figure rather than a zero
        return Sample(seconds, None, None, usage.ru_maxrss / 1024, None, proc.returncode, stderr)
    return Sample(seconds, sampler.peak / MB, sampler.peak_rss / MB, usage.ru_maxrss / 1024, sampler.peak_processes,
                  proc.returncode, stderr)


def folder_size(folder: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return files, size


_TRASH: Path | None = None  # where `remove` moves what it removes, until the bench ends (see main)


def remove(*paths: Path) -> None:
    """Remove these files or folders: moved into the trash while the bench runs, deleted
    at its end. ext4 with no journal (this machine's disk) checks every recently deleted
    inode it passes while looking for a free one: a build that starts right after 20,000
    files were deleted spends most of its CPU time in the kernel creating files, which says
    nothing about the tool measured. Moving keeps every timed build clear of that, for every
    tool alike."""
    for path in paths:
        if not (path.exists() or path.is_symlink()):
            continue
        if _TRASH is not None:
            _TRASH.mkdir(parents=True, exist_ok=True)
            os.rename(path, os.path.join(tempfile.mkdtemp(dir=_TRASH), path.name))
        elif path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


# --- the tools -----------------------------------------------------------------------------

def garden_command(option: str | None) -> list[str]:
    if option:
        return shlex.split(option)
    if importlib.util.find_spec("garden") is not None:
        return [sys.executable, "-m", "garden"]
    found = shutil.which("garden")
    if found:
        return [found]
    raise SystemExit("bench: garden is not installed for this Python; run the bench with the project's "
                     "virtualenv (.venv/bin/python bench/run) or pass --garden 'COMMAND'")


def version(cmd: list[str], cwd: Path | None = None) -> str:
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else ""


def python_build() -> str:
    """The interpreter that runs garden, and whether it loaded Python from a shared library:
    two builds of one Python version on one machine differed by a tenth in speed, so the
    figures name it. What this very process mapped is asked (where /proc tells), not the
    build's config, which can say shared of a static binary."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    try:
        with open("/proc/self/maps") as f:
            kind = ", shared libpython" if "libpython" in f.read() else ", static libpython"
    except OSError:
        kind = ""
    return f"{platform.python_version()} ({base}{kind})"


def garden_commit() -> str:
    commit = version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = version(["git", "-C", str(ROOT), "status", "--porcelain", "--", "garden", "themes"])
    return commit + ("+dirty" if dirty else "")


class GardenTool:
    name = "garden"

    def __init__(self, cmd: list[str], work: Path):
        self.cmd = cmd
        # Python caches compiled modules in __pycache__ as on any user's machine, even when the
        # shell running the bench says not to: start-up is part of every rebuild's time.
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env["XDG_CACHE_HOME"] = str(work / "xdg-cache")
        self.xdg = work / "xdg-cache"

    def build(self, garden: GeneratedGarden, period: float | None, mode: str, *extra: str) -> Sample:
        s = measure([*self.cmd, "build", str(garden.root), *extra], garden.root, self.env, period, mode)
        # "garden: N notes read, P pages published, F files in build/ (W written), ... in S s"
        m = re.search(r"\((\d+) written\).*?(\d+) warnings?, (\d+) errors? in ([\d.]+) s", s.stderr)
        if m:
            s.extra = {"written": int(m.group(1)), "warnings": int(m.group(2)), "errors": int(m.group(3)),
                       "reported_seconds": float(m.group(4))}
        if s.code != 0:
            tail = "\n".join(s.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"garden build exited with {s.code}:\n{tail}")
        s.files, s.bytes = folder_size(garden.root / "build")
        return s

    def clean(self, garden: GeneratedGarden) -> None:
        remove(garden.root / "build", garden.root / ".garden-cache", self.xdg)


class HugoTool:
    name = "hugo"

    def __init__(self, exe: str):
        self.exe = exe

    def build(self, site: Path, period: float | None, mode: str) -> Sample:
        remove(site / "public", site / "resources", site / ".hugo-cache")
        env = dict(os.environ, HUGO_CACHEDIR=str(site / ".hugo-cache"))
        s = measure([self.exe, "--quiet", "--source", str(site), "--destination", str(site / "public")],
                    site, env, period, mode)
        if s.code != 0:
            raise RuntimeError(f"hugo exited with {s.code}:\n{s.stderr[-2000:]}")
        s.files, s.bytes = folder_size(site / "public")
        return s


class EleventyTool:
    name = "eleventy"

    def __init__(self, node: str):
        self.node = node

    def build(self, site: Path, period: float | None, mode: str) -> Sample:
        remove(site / "_site", site / ".cache")
        s = measure([self.node, str(ELEVENTY_CLI), "--quiet", "--config=eleventy.config.cjs"], site, None,
                    period, mode)
        if s.code != 0:
            raise RuntimeError(f"eleventy exited with {s.code}:\n{s.stderr[-2000:]}")
        s.files, s.bytes = folder_size(site / "_site")
        return s


# --- the run -------------------------------------------------------------------------------

def summarize(samples: list[Sample], memory: list[Sample] | None = None) -> dict:
    """Times from the timed runs; the tree's memory from the memory run, if there was one."""
    seconds = [s.seconds for s in samples]
    watched = memory or samples
    out = {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
           "tree_mb": statistics.median(s.tree_mb for s in watched),
           "tree_rss_mb": statistics.median(s.tree_rss_mb for s in watched),
           "max_rss_mb": statistics.median(s.max_rss_mb for s in samples),
           "files": samples[-1].files, "bytes": samples[-1].bytes}
    for key in ("written", "warnings", "reported_seconds"):
        values = [s.extra[key] for s in samples if key in s.extra]
        if values:
            out[key] = statistics.median(values)
    return out


def compare_trees(a: Path, b: Path) -> list[str]:
    """Files that differ between two built sites (garden's manifest aside)."""
    def files(root):
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and p.name != ".garden-manifest.json"}
    fa, fb = files(a), files(b)
    diff = [f"only in incremental: {f}" for f in sorted(fa - fb)] + [f"only in cold: {f}" for f in sorted(fb - fa)]
    diff += [f"differs: {f}" for f in sorted(fa & fb) if (a / f).read_bytes() != (b / f).read_bytes()]
    return diff


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_size(n: int, args, tools: dict, work: Path) -> dict:
    from .convert import markdown_bytes, to_eleventy, to_hugo

    started = time.perf_counter()
    remove(work / f"garden-{n}")  # a garden left by an earlier bench: into the trash, not deleted now
    garden = generate(work / f"garden-{n}", n, args.seed)
    generated = time.perf_counter() - started
    published = sum(note.published for note in garden.plan.notes)
    info = {"notes": n, "published": published, "folders": len(garden.plan.folders), "seed": args.seed,
            "markdown_bytes": markdown_bytes(garden.content), "generate_seconds": round(generated, 2)}
    log(f"{n} notes: generated in {generated:.1f} s ({published} published, "
        f"{info['markdown_bytes'] / MB:.1f} MB of Markdown)")
    sites = {}
    if "hugo" in tools:
        sites["hugo"] = work / f"hugo-{n}"
        info["hugo_site"] = to_hugo(garden.content, sites["hugo"])
    if "eleventy" in tools:
        sites["eleventy"] = work / f"eleventy-{n}"
        info["eleventy_site"] = to_eleventy(garden.content, sites["eleventy"], NODE_DIR)

    # Sampling a process tree's memory costs the build measured some of its time: reading
    # smaps_rollup walks the page tables of every process, and the sampler takes CPU time a
    # build that uses every core would have used. So the tree's memory comes from a run of
    # its own (run 0, not timed) and the timed runs are not watched; --sample-timed does both
    # in the same runs instead.
    samples: dict[str, list[Sample]] = {}
    memory: dict[str, list[Sample]] = {}
    sampled, mode = args.sample_ms / 1000, args.memory
    g = tools["garden"]
    verify = []
    for run in range(1 if args.sample_timed else 0, args.runs + 1):
        period = sampled if run == 0 or args.sample_timed else None
        into = memory if run == 0 else samples
        label = "memory run" if run == 0 else f"run {run}/{args.runs}"
        garden.restore()
        g.clean(garden)
        for step in GARDEN_STEPS:
            if step == "edit one":
                garden.edit_one()
            elif step == "add one":
                garden.add_one()
            elif step == "delete one":
                garden.delete_one()
            s = g.build(garden, period, mode)
            into.setdefault(f"garden {step}", []).append(s)
            log(f"  {n} {label} garden {step:<10} {s.seconds:7.2f} s  "
                + (f"{s.tree_mb:6.0f} MB" if period is not None else f"{'':6}   ")
                + (f"  ({s.extra['written']} written)" if "written" in s.extra else ""))
        if args.verify and run > 0:
            cold_out = garden.root / "verify-build"
            remove(cold_out)
            g.build(garden, period, mode, "--no-cache", "--out", str(cold_out))
            verify = compare_trees(garden.root / "build", cold_out)
            log(f"  {n} run {run}: incremental output {'equals' if not verify else 'DIFFERS from'} a cold build"
                + "".join(f"\n    {line}" for line in verify[:10]))
            remove(cold_out)
        for name, site in sites.items():
            s = tools[name].build(site, period, mode)
            into.setdefault(f"{name} cold", []).append(s)
            log(f"  {n} {label} {name} cold {' ' * (14 - len(name))}{s.seconds:7.2f} s  "
                + (f"{s.tree_mb:6.0f} MB" if period is not None else ""))
    garden.restore()

    steps = {key: {"summary": summarize(values, memory.get(key)),
                   "runs": [asdict(v) | {"stderr": v.stderr[-500:]} for v in values],
                   "memory_runs": [asdict(v) | {"stderr": v.stderr[-500:]} for v in memory.get(key, [])]}
             for key, values in samples.items()}
    cold = steps["garden cold"]["summary"]
    ratios = {}
    for name in sites:
        other = steps[f"{name} cold"]["summary"]
        ratios[f"garden/{name} cold time"] = cold["median_s"] / other["median_s"]
        ratios[f"garden/{name} peak memory"] = cold["tree_mb"] / other["tree_mb"] if other["tree_mb"] else None
    result = {"garden": info, "steps": steps, "ratios": ratios, "memory": args.memory}
    if args.verify:
        result["incremental_equals_cold"] = not verify
        result["incremental_differences"] = verify[:50]
    if not args.keep:
        remove(garden.root, *sites.values())
    return result


# --- printing ------------------------------------------------------------------------------

def table(n: int, result: dict) -> str:
    info = result["garden"]
    lines = [f"{n:,} notes ({info['published']:,} published, {info['folders']} folders, "
             f"{info['markdown_bytes'] / MB:.1f} MB of Markdown)",
             f"  {'build':<20}{'median s':>9}{'min–max s':>16}{'tree ' + result['memory'].upper():>9}{'max RSS':>9}"
             f"{'files':>8}{'output MB':>11}{'written':>9}   (memory in MB)"]
    for key, step in result["steps"].items():
        s = step["summary"]
        written = f"{s['written']:>9.0f}" if "written" in s else f"{'':>9}"
        spread = f"{s['min_s']:.2f}–{s['max_s']:.2f}"
        lines.append(f"  {key:<20}{s['median_s']:>9.2f}{spread:>16}{s['tree_mb']:>9.0f}"
                     f"{s['max_rss_mb']:>9.0f}{s['files']:>8}{s['bytes'] / MB:>11.1f}{written}")
    ratios = result["ratios"]
    if ratios:
        lines.append("  ratios: " + ", ".join(f"{k} {v:.2f}×" for k, v in ratios.items() if v is not None))
    steps = {k: v["summary"] for k, v in result["steps"].items()}
    checks = [("cold ≤ 1.5 × hugo", "hugo cold" in steps and steps["garden cold"]["median_s"]
               <= 1.5 * steps["hugo cold"]["median_s"], "hugo cold" in steps),
              ("cold ≤ eleventy", "eleventy cold" in steps and steps["garden cold"]["median_s"]
               <= steps["eleventy cold"]["median_s"], "eleventy cold" in steps),
              (f"memory < 500 MB (tree {result['memory']})", steps["garden cold"]["tree_mb"] < 500, True),
              ("edit one < 1 s", steps["garden edit one"]["median_s"] < 1, True),
              ("no change < 0.5 s", steps["garden no change"]["median_s"] < 0.5, True)]
    lines.append("  targets (set for 10,000 notes): " + ", ".join(
        f"{label} {'yes' if ok else 'NO'}" for label, ok, known in checks if known))
    if "incremental_equals_cold" in result:
        lines.append("  incremental output equals a cold build: "
                     + ("yes" if result["incremental_equals_cold"] else "NO"))
    return "\n".join(lines)


def main(argv=None) -> int:
    global _TRASH
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="garden sizes in notes, comma-separated (default 1000,10000)")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement; medians are reported (default 3)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--garden", help="command that runs garden (default: this Python's `-m garden`)")
    p.add_argument("--no-hugo", action="store_true", help="skip Hugo even if it is installed")
    p.add_argument("--no-eleventy", action="store_true", help="skip Eleventy even if it is installed")
    p.add_argument("--memory", choices=("pss", "rss"), default="pss",
                   help="tree memory as the sum of PSS (default: shared pages once) or of RSS (cheaper, "
                        "an upper bound)")
    p.add_argument("--sample-ms", type=float, default=50, help="memory sampling period (default 50 ms)")
    p.add_argument("--sample-timed", action="store_true",
                   help="sample the tree's memory during the timed runs, not in a run of its own before them")
    p.add_argument("--verify", action="store_true",
                   help="after each run's incremental builds, compare the site with a cold build")
    p.add_argument("--work", type=Path, default=BENCH / "out" / "work", help="where gardens are generated")
    p.add_argument("--out", type=Path, default=BENCH / "out", help="where results-<date>.json is written")
    p.add_argument("--keep", action="store_true", help="keep the generated gardens and sites")
    args = p.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--sizes takes numbers, e.g. 1000,10000")
    if args.runs < 1 or any(n < 2 for n in sizes):
        p.error("--runs must be at least 1 and every size at least 2")
    try:
        import yaml  # noqa: F401  (the converter reads YAML frontmatter)
    except ImportError:
        raise SystemExit("bench: PyYAML is missing; run the bench with the project's virtualenv")

    args.work.mkdir(parents=True, exist_ok=True)
    tools: dict = {"garden": GardenTool(garden_command(args.garden), args.work)}
    versions = {"garden": version([*tools["garden"].cmd, "--version"]), "garden_commit": garden_commit(),
                "python": python_build()}
    hugo = shutil.which("hugo")
    if hugo and not args.no_hugo:
        tools["hugo"] = HugoTool(hugo)
        versions["hugo"] = version([hugo, "version"])
    node = shutil.which("node")
    if node and ELEVENTY_CLI.is_file() and not args.no_eleventy:
        tools["eleventy"] = EleventyTool(node)
        versions["eleventy"] = version([node, str(ELEVENTY_CLI), "--version"])
        versions["node"] = version([node, "--version"])
    skipped = [name for name in ("hugo", "eleventy") if name not in tools]

    load = os.getloadavg()
    header = (f"garden bench: {os.cpu_count()} cores, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} at start, "
              f"{args.runs} run{'s' * (args.runs != 1)} each, medians"
              + (", memory sampled in the timed runs\n" if args.sample_timed else
                 ", memory from a run of its own before the timed runs\n")
              + " · ".join(f"{k}: {v}" for k, v in versions.items() if v)
              + (f"\nnot measured: {', '.join(skipped)} (not installed or skipped; see bench/README.md)"
                 if skipped else ""))
    log(header)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "versions": versions,
               "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_at_start": load},
               "settings": {"sizes": sizes, "runs": args.runs, "seed": args.seed, "memory": args.memory,
                            "sample_ms": args.sample_ms, "sample_timed": args.sample_timed},
               "sizes": {}}
    tables, code = [], 0
    _TRASH = args.work / ".trash"
    try:
        for n in sizes:
            try:
                results["sizes"][str(n)] = bench_size(n, args, tools, args.work)
            except RuntimeError as exc:  # a build failed: say which, keep what was measured
                log(f"bench: error at {n} notes: {exc}")
                results["error"] = f"{n} notes: {exc}"
                code = 1
                break
            tables.append(table(n, results["sizes"][str(n)]))
            log("")
            log(tables[-1])
            log("")
    finally:
        shutil.rmtree(_TRASH, ignore_errors=True)  # what the runs removed, deleted once all are timed
        _TRASH = None
    results["machine"]["load_at_end"] = os.getloadavg()

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"results-{datetime.datetime.now():%Y-%m-%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    errors = [f"error: {results['error']}".strip()] if "error" in results else []
    print("\n\n".join([header, *tables, *errors, f"results: {path}"]))
    return code
