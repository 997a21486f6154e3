"""`apex check`: analyse files and directories for security problems.

Exit status, as ruff's: 0 no findings, 1 findings (syntax errors APX000 and rule
crashes APX002 included) or files that could not be analysed, 2 usage or
configuration error. ``--exit-zero`` turns 1 into 0.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from apex_policy.capabilities import MODES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# Copies of apex_policy.keys' names (importing it would cost every `apex` command ~25 ms
# at start-up); tests/analysis/test_check_options.py holds them equal.
SEVERITIES = ("info", "low", "medium", "high", "critical")
CONFIDENCES = ("low", "medium", "high")
FORMATS = ("text", "json", "sarif")  # apex_lsp.analysis.formats.FORMATS
#: The path that reads standard input, and how its findings are named without --stdin-filename.
STDIN, STDIN_SHOWN = "-", "<stdin>"


def _selectors(text: str) -> tuple[str, ...]:
    return tuple(s.strip().upper() for s in text.split(",") if s.strip())


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check", help="analyse Python files for security problems",
        description="Analyse Python files for security problems. Directories are walked "
                    "(respecting .gitignore and the exclude settings); files named on the "
                    "command line are always analysed.",
        epilog="Exit status: 0 no findings; 1 findings (syntax errors and rule crashes "
               "included) or unanalysable files; 2 usage or configuration error. "
               "See docs/check.md.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories (default: .); '-' reads one file from "
                        "standard input")
    p.add_argument("--format", choices=FORMATS, default="text", type=str.lower,
                   help="output format (default: text)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    p.add_argument("--stdin-filename", metavar="PATH",
                   help="the name of the file read from standard input: its project's "
                        "settings and per-file ignores apply, findings are shown under it "
                        "(implies '-' when no PATH is given)")
    sel = p.add_argument_group("rule selection (override the configuration)")
    sel.add_argument("--select", type=_selectors, metavar="IDS",
                     help="comma-separated rule ids or prefixes to run instead of the "
                          "configured set (APX1 = APX100-APX199, ALL = every rule)")
    sel.add_argument("--extend-select", type=_selectors, default=(), metavar="IDS",
                     help="rule ids or prefixes to add to the selected set")
    sel.add_argument("--ignore", type=_selectors, default=(), metavar="IDS",
                     help="rule ids or prefixes to leave out")
    sel.add_argument("--min-severity", choices=SEVERITIES, type=str.lower,
                     help="report only findings at least this severe")
    sel.add_argument("--min-confidence", choices=CONFIDENCES, type=str.lower,
                     help="report only findings at least this confident")
    sel.add_argument("--report-unused-suppressions", action="store_true",
                     help="report '# apex: ignore' / '# nosec' comments that suppress nothing "
                          "(as APX001)")
    sel.add_argument("--no-taint", action="store_true",
                     help="skip the data-flow (taint) rules (the APX8 range)")
    p.add_argument("--mode", choices=MODES,
                   help="judge capability use under this policy mode instead of the "
                        "configured one")
    p.add_argument("--show-settings", action="store_true",
                   help="print the effective settings for each PATH and exit")
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="worker processes (default: one per CPU; 1 = no workers)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list excluded paths and why, on stderr")
    p.set_defaults(func=run)


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.last = 0.0
        self.drawn = False

    @staticmethod
    def wanted(stream) -> bool:
        return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _usage_error(message: str) -> int:
    print(f"apex check: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _validate_cli_selectors(args) -> str | None:
    from apex_lsp.analysis.selection import SelectionError, check_selectors
    try:
        for flag, values in (("--select", args.select or ()),
                             ("--extend-select", args.extend_select), ("--ignore", args.ignore)):
            check_selectors(flag, values)
    except SelectionError as exc:
        return str(exc)
    return None


def _config_error(exc) -> int:
    for problem in exc.problems:
        print(f"apex check: configuration error: {problem}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    import functools
    import tempfile

    from apex_lsp.analysis.checker import Checker
    from apex_lsp.analysis.formats import write
    from apex_lsp.analysis.policy_filter import apply_project_policies
    from apex_lsp.analysis.projects import CliOverrides, ConfigError, ProjectResolver, describe
    from apex_lsp.analysis.taint.checking import add_cross_file_findings, taint_passes

    problem = _validate_cli_selectors(args)
    if problem:
        return _usage_error(problem)
    if args.jobs < 0:
        return _usage_error("--jobs must be 0 (one per CPU) or more")
    if not args.paths:
        args.paths = [STDIN] if args.stdin_filename else ["."]
    from_stdin = STDIN in args.paths
    if from_stdin and len(args.paths) > 1:
        return _usage_error("'-' (standard input) cannot be combined with other paths")
    if args.stdin_filename and not from_stdin:
        return _usage_error("--stdin-filename names the file read from standard input; "
                            "give '-' (or no PATH) to read it")
    missing = [p for p in args.paths if not os.path.lexists(p) and p != STDIN]
    if missing:
        return _usage_error("no such file or directory: " + ", ".join(missing))

    ignore = args.ignore
    if args.no_taint:
        from apex_lsp.analysis.taint.kinds import KINDS
        ignore += tuple(sorted({kind.rule_id for kind in KINDS.values()}))
    cli = CliOverrides(select=args.select, extend_select=args.extend_select, ignore=ignore,
                       min_severity=args.min_severity, min_confidence=args.min_confidence,
                       report_unused_suppressions=args.report_unused_suppressions)
    with tempfile.TemporaryDirectory(prefix="apex-taint-") as facts_dir:
        # Each file's taint pass (in whichever worker analyses it) writes its facts
        # here; the findings whose path crosses files are linked once at the end.
        checker = Checker(ProjectResolver(cli, mode=args.mode),
                          passes_factory=functools.partial(taint_passes, facts_dir=facts_dir))
        if args.show_settings:
            try:
                projects = {}
                for path in args.paths:
                    if path == STDIN:
                        path = args.stdin_filename or "."
                    project = checker.resolver.for_path(path)
                    projects[project.root] = project
            except ConfigError as exc:
                return _config_error(exc)
            sys.stdout.write("\n".join(describe(p) for p in projects.values()))
            return EXIT_CLEAN

        wanted = ProgressBar.wanted(sys.stderr) and not from_stdin
        progress = ProgressBar(sys.stderr) if wanted else None
        try:
            if from_stdin:
                shown = args.stdin_filename or STDIN_SHOWN
                report = checker.check_bytes(args.stdin_filename or STDIN_SHOWN,
                                             sys.stdin.buffer.read(), shown)
            else:
                report = checker.check_paths(args.paths, jobs=args.jobs or None,
                                             progress=progress)
                add_cross_file_findings(checker, report, facts_dir)
        except ConfigError as exc:
            return _config_error(exc)
        finally:
            if progress is not None:
                progress.clear()
    # The mode policy turns capability facts into verdicts (denied -> high, audited -> info).
    report.findings = apply_project_policies(report.findings, checker.project_for)

    if args.verbose:
        for item in report.excluded:
            print(f"excluded: {item.shown}: {item.reason}", file=sys.stderr)
        for item in report.notes:
            print(f"included: {item.shown}: {item.reason}", file=sys.stderr)
    else:
        remarkable = sum(1 for e in report.excluded if e.remarkable)
        if remarkable and args.format == "text":
            print(f"apex check: {remarkable} path(s) excluded by exclude settings or "
                  f".gitignore; --verbose lists them", file=sys.stderr)

    if report.files == 0 and not report.errors:
        print("apex check: warning: no Python files found (--verbose lists what was excluded)",
              file=sys.stderr)

    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as out:
                write(args.format, report, out)
        except OSError as exc:
            return _usage_error(f"cannot write {args.output}: {exc.strerror or exc}")
    else:
        write(args.format, report, sys.stdout)
        sys.stdout.flush()

    if (report.findings or report.errors) and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
