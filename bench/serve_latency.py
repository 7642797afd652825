"""How long from saving a note to `garden serve` answering with the new page.

    python bench/serve_latency.py 1000 10000 [--saves 7]

For each N: writes a synthetic garden of N notes (folders, tags, wikilinks) into a
temporary folder, starts `garden serve` on it as a user would (a subprocess on a
free port), then saves one note several times, each time with a new sentence,
and polls its page over HTTP until the sentence is served. Prints the first
build's time and the median, min and max latency of a save.
"""
from __future__ import annotations

import argparse
import http.client
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("soil compost mulch worm root seed leaf bee pollen garden water light shade spring autumn "
         "clay loam humus fungus mycelium bed path fence tool harvest").split()


def make_garden(folder: Path, n: int, seed: int = 1) -> list[str]:
    """N published notes in folders of 50, each with tags and links to three others; returns their paths."""
    rng = random.Random(seed)
    (folder / "garden.toml").write_text('title = "Bench"\ncontent = "content"\n')
    names = [f"topic-{i // 50:03d}/note-{i:05d}.md" for i in range(n)]
    for i, rel in enumerate(names):
        links = " ".join(f"[[note-{rng.randrange(n):05d}]]" for _ in range(3))
        text = " ".join(rng.choice(WORDS) for _ in range(120))
        body = (f"---\ndg-publish: true\ntags: [t{i % 20}]\n---\n# Note {i}\n\n{text}\n\n"
                f"## Related\n\nSee {links}. #area/t{i % 7}\n\nEDIT\n")
        path = folder / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return names


class Server:
    def __init__(self, garden: Path):
        self.lines: list[str] = []
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "garden", "serve", str(garden), "--port", "0"],
                                     cwd=garden, stderr=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()  # a full pipe would stall the server
        if not self.ready.wait(1800):
            raise SystemExit("garden serve did not start:\n" + "".join(self.lines))
        self.first_build = time.perf_counter() - started
        m = re.search(r"http://([\d.]+):(\d+)", next(l for l in self.lines if " serving " in l))
        self.host, self.port = m.group(1), int(m.group(2))

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)
            if " serving " in line:
                self.ready.set()
        self.ready.set()

    def get(self, path: str) -> str:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request("GET", path)
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)


def measure(n: int, saves: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="garden-bench-") as tmp:
        garden = Path(tmp)
        names = make_garden(garden, n)
        rel = names[n // 2]
        note = garden / "content" / rel
        url = "/" + rel[:-3] + "/"
        server = Server(garden)
        try:
            assert "EDIT" in server.get(url), f"{url} is not served"
            latencies = []
            original = note.read_text()
            for i in range(saves):
                token = f"saved-{i}-{random.randrange(10**9)}"
                started = time.perf_counter()
                note.write_text(original.replace("EDIT", token))
                while token not in server.get(url):
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - started)
                time.sleep(0.3)  # let the server settle before the next save
            return {"notes": n, "first_build": server.first_build, "median": statistics.median(latencies),
                    "min": min(latencies), "max": max(latencies), "saves": saves}
        finally:
            server.stop()


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the server
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="numbers of notes (default 1000 10000)")
    p.add_argument("--saves", type=int, default=7, help="saves measured per garden (default 7)")
    args = p.parse_args()
    print(f"{'notes':>7} {'first build':>12} {'save->served median':>20} {'min':>8} {'max':>8}")
    for n in args.sizes:
        r = measure(n, args.saves)
        print(f"{r['notes']:>7} {r['first_build']:>11.2f}s {r['median'] * 1000:>18.0f}ms "
              f"{r['min'] * 1000:>6.0f}ms {r['max'] * 1000:>6.0f}ms", flush=True)


if __name__ == "__main__":
    main()
