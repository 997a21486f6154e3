"""Language server latency: edit -> publishDiagnostics, and start-up.

Drives the real `apex lsp` over stdio with pygls's client and prints, for files
of ~500, ~2,000 and ~6,000 lines, with every rule plus taint and with the
pattern rules alone (``taint.enabled = false`` in the editor settings):

* p50/p95 of the time from sending an incremental edit to receiving the
  diagnostics for that version (>= 50 edits, one at a time);
* the in-process floor for a pure-Python analyzer on the same text: one
  ``ast.parse`` plus one ``NodeVisitor`` walk (median of samples taken between
  the edits, so both see the same machine load), and the ratios to it;

and the start-up cost: process start to the first diagnostics, next to a bare
interpreter importing pygls (the least any pygls server can cost).

    .venv/bin/python bench/bench_lsp.py [--edits 60] [--json]
"""
from __future__ import annotations

import argparse
import os
import ast
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SERVER = [sys.executable, "-m", "apex_cli", "lsp"]

FUNCTION = '''

def handler_{n}(request, rows):
    """Look up rows for a request (function {n})."""
    name = request.args.get("name", "")
    total = 0
    for row in rows:
        if row.name == name:
            total += row.value * {n}
        elif row.value > {n}:
            total -= 1
    query = "SELECT * FROM items WHERE id = %s"
    cursor.execute(query, (name,))
    result = subprocess.run(["ls", "-l", name], capture_output=True)
    data = json.loads(result.stdout or "{{}}")
    return {{"total": total, "data": data, "n": {n}}}
'''


def make_source(lines: int) -> str:
    head = "import json\nimport subprocess\nimport yaml\n\ncursor = None\n"
    parts = [head]
    n = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(FUNCTION.format(n=n))
        if n % 10 == 0:
            parts.append(f"\nconfig_{n} = yaml.load(open('c{n}.yml'))\n")
        n += 1
    return "".join(parts)


def floor_seconds(text: str, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        tree = ast.parse(text)
        ast.NodeVisitor().visit(tree)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Client:
    def __init__(self) -> None:
        self.lsp = LanguageClient("apex-bench", "1")
        self.waiting: dict[tuple[str, int], asyncio.Future] = {}
        waiting = self.waiting

        def published(ls, params: types.PublishDiagnosticsParams) -> None:
            future = waiting.pop((params.uri, params.version), None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        def ignore(*_args):
            return None

        self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(published)
        self.lsp.feature("apex/status")(ignore)
        self.lsp.feature(types.CLIENT_REGISTER_CAPABILITY)(ignore)

    def expect(self, uri: str, version: int) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future

    async def start(self, root: Path, options: dict | None = None) -> None:
        await self.lsp.start_io(*SERVER)
        await self.lsp.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
            process_id=None, initialization_options=options))
        self.lsp.initialized(types.InitializedParams())

    def open(self, uri: str, text: str) -> None:
        self.lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=text)))

    def insert(self, uri: str, version: int, line: int, text: str) -> None:
        pos = types.Position(line=line, character=0)
        self.lsp.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=pos, end=pos), text=text)]))

    async def stop(self) -> None:
        await self.lsp.shutdown_async(None)
        self.lsp.exit(None)
        await self.lsp.stop()


#: Editor settings per configuration: every rule, or the pattern rules alone.
CONFIGURATIONS = {"all rules + taint": None,
                  "pattern rules only": {"policy": {"taint": {"enabled": False}}}}


async def edit_latencies(root: Path, sizes: list[int], edits: int,
                         options: dict | None) -> list[dict]:
    client = Client()
    await client.start(root, options)
    rows = []
    try:
        for size in sizes:
            text = make_source(size)
            path = root / f"bench_{size}_{'pattern' if options else 'all'}.py"
            path.write_text(text)
            uri = path.as_uri()
            first = client.expect(uri, 1)
            client.open(uri, text)
            await asyncio.wait_for(first, 120)
            latencies, floors = [], []
            lines = text.count("\n")
            for i in range(edits):
                version = i + 2
                done = client.expect(uri, version)
                # Alternate between an edit inside a function body and a new statement.
                line = (i * 37) % lines
                start = time.perf_counter()
                client.insert(uri, version, line, f"# edit {i}\n")
                latencies.append(await asyncio.wait_for(done, 120) - start)
                text_lines = text.split("\n")
                text_lines.insert(line, f"# edit {i}")
                text = "\n".join(text_lines)
                # Interleaved with the edits, so both see the same machine load.
                floors.append(floor_seconds(text, runs=1))
            floor = statistics.median(floors)
            rows.append({"lines": text.count("\n"), "p50_ms": 1000 * percentile(latencies, .5),
                         "p95_ms": 1000 * percentile(latencies, .95),
                         "floor_ms": 1000 * floor,
                         "ratio_p50": percentile(latencies, .5) / floor,
                         "ratio_p95": percentile(latencies, .95) / floor})
    finally:
        await client.stop()
    return rows


async def startup(root: Path, runs: int) -> dict:
    path = root / "start.py"
    path.write_text("x = eval(expr)\n")
    server_times, bare_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True)
        bare_times.append(time.perf_counter() - start)

        client = Client()
        start = time.perf_counter()
        await client.start(root)
        first = client.expect(path.as_uri(), 1)
        client.open(path.as_uri(), path.read_text())
        server_times.append(await asyncio.wait_for(first, 120) - start)
        await client.stop()
    server, bare = statistics.median(server_times), statistics.median(bare_times)
    return {"first_diagnostics_s": server, "bare_pygls_import_s": bare,
            "ratio": server / bare}


async def main_async(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="apex-bench-lsp-") as tmp:
        root = Path(tmp)
        rows = []
        for name, options in CONFIGURATIONS.items():
            for row in await edit_latencies(root, [500, 2000, 6000], args.edits, options):
                rows.append({"configuration": name, **row})
        start = await startup(root, args.start_runs)
    return {"edits": args.edits, "rows": rows, "startup": start}


def _warm_bytecode() -> None:
    """Compile Apex's modules first, as an installed package has them: this environment
    sets PYTHONDONTWRITEBYTECODE, so without it every server start recompiles ~200
    modules and start-up measures the compiler, not Apex."""
    import compileall
    import apex_cli
    import apex_lsp
    import apex_policy
    for package in (apex_cli, apex_lsp, apex_policy):
        compileall.compile_dir(os.path.dirname(package.__file__), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--start-runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.edits < 50:
        parser.error("--edits must be at least 50 for a meaningful p95")
    _warm_bytecode()
    result = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"edit -> publishDiagnostics, {args.edits} edits per file "
          f"(floor: in-process ast.parse + one NodeVisitor walk of the same text)")
    print(f"{'configuration':<20} {'lines':>6} {'p50 ms':>8} {'p95 ms':>8} {'floor ms':>9} "
          f"{'p50/floor':>10} {'p95/floor':>10}")
    for row in result["rows"]:
        print(f"{row['configuration']:<20} {row['lines']:>6} {row['p50_ms']:>8.1f} "
              f"{row['p95_ms']:>8.1f} "
              f"{row['floor_ms']:>9.1f} {row['ratio_p50']:>9.2f}x {row['ratio_p95']:>9.2f}x")
    s = result["startup"]
    print(f"start -> first diagnostics {s['first_diagnostics_s']:.3f} s; bare interpreter + "
          f"pygls import {s['bare_pygls_import_s']:.3f} s; ratio {s['ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
