"""Benchmark: 预告通知书 rendered to PDF against a DOCX filled and converted by LibreOffice.

    .venv/bin/python bench/bench_documents.py --count 1000 --runs 3 --baseline-count 20

zhifa: N 预告通知书 (inspection_preview_notice) from the kind's sample context, each with its own
recipient, 文号 and verification code (so its own QR code), rendered with
``zhifa.documents.rendering.render`` (docxtpl fill → python-docx → HTML → WeasyPrint). What is
counted per document: building the context, ``render`` (DOCX and PDF) and writing both files to a
temporary directory. Not counted: Django start-up and one warm-up render per process (the
stylesheet, fonts and the compact font copies are made once per process, as in a server worker).

- single process: the N documents one after another in this process;
- W workers: N documents split over W fresh (spawned) processes; each sets up Django and renders
  one warm-up document, all wait at a barrier, and the clock runs from the barrier until the
  last worker has written its last file.

Baselines, the way offices do it today: the same .docx template filled with docxtpl exactly as
``render`` fills it (context, QR code) and saved, then converted with LibreOffice
(``soffice --headless --convert-to pdf``, private ``-env:UserInstallation`` profile under the
temporary directory, created by one untimed warm-up conversion):

- per-document: one soffice call per document, as a clerk converts a file at a time; timed on
  ``--baseline-count`` M documents and scaled linearly to N (the output says so);
- batched: all N filled .docx files in one soffice call (LibreOffice 7.4 stops after 247 files
  with exit 0; the rest then go in further calls, all timed, and the output says so).

Baseline time = filling (one process) + conversion. Per core compares one stream of work with
one stream (zhifa single process against one soffice); per machine compares zhifa with W
workers against the baseline as it is run (one soffice at a time). CPU seconds / wall seconds
are printed as "cores busy". Prints each run and the medians.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KIND = "inspection_preview_notice"
TOWNS = ["定海区", "普陀区", "岱山县", "嵊泗县"]


def _bootstrap(var_dir: Path) -> None:
    os.environ["ZHIFA_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


def _context(n: int) -> dict[str, Any]:
    """The sample 预告通知书 made the ``n``-th of a batch: its own recipient, number and code."""
    from zhifa.documents.rendering import sample_context

    context = sample_context(KIND)
    code = f"B{n:03X}-{(n * 7919) % 65536:04X}"[-9:]
    context["recipient"] = f"舟山市{TOWNS[n % len(TOWNS)]}第{n + 1}诊所"
    context["number"] = str(context["number"]).replace("12号", f"{n + 1}号")
    context["verification_code"] = code
    context["verification_url"] = f"https://zhifa.example.gov.cn/v/{code}"
    return context


def _render_to(n: int, out_dir: Path) -> None:
    from zhifa.documents.rendering import render

    rendered = render(KIND, _context(n))
    (out_dir / f"notice-{n:05d}.docx").write_bytes(rendered.docx)
    (out_dir / f"notice-{n:05d}.pdf").write_bytes(rendered.pdf)


def _fill_to(n: int, out_dir: Path) -> None:
    """Fill the template with docxtpl the way ``render`` does, and save the .docx only."""
    from docxtpl import DocxTemplate

    from zhifa.documents import rendering

    tpl = DocxTemplate(io.BytesIO(rendering.default_template(KIND)))
    tpl.render(rendering._prepare(tpl, _context(n)), autoescape=True)
    tpl.save(str(out_dir / f"notice-{n:05d}.docx"))


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _count_files(directory: Path, suffix: str) -> int:
    return sum(1 for p in directory.iterdir() if p.suffix == suffix)


def _zhifa_single(count: int, out_dir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) for ``count`` renders in this (warmed) process."""
    cpu = time.process_time()
    started = time.perf_counter()
    for n in range(count):
        _render_to(n, out_dir)
    return time.perf_counter() - started, time.process_time() - cpu


def _worker(var_dir: str, numbers: list[int], out_dir: str, barrier: Any, results: Any) -> None:
    _bootstrap(Path(var_dir))
    warm = Path(out_dir) / f"warm-{os.getpid()}"
    warm.mkdir()
    _render_to(999_999, warm)
    shutil.rmtree(warm)
    barrier.wait()
    cpu = time.process_time()
    for n in numbers:
        _render_to(n, Path(out_dir))
    results.put((len(numbers), time.process_time() - cpu))


def _zhifa_workers(count: int, workers: int, var_dir: Path, out_dir: Path) -> tuple[float, float]:
    """(wall seconds from the barrier to the last file, CPU seconds of all workers)."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=_worker,
            args=(str(var_dir), list(range(w, count, workers)), str(out_dir), barrier, results),
        )
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    done = [results.get() for _ in processes]
    wall = time.perf_counter() - started
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"worker exited with {process.exitcode}")
    if sum(d[0] for d in done) != count:
        raise RuntimeError("workers rendered the wrong number of documents")
    return wall, sum(d[1] for d in done)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _soffice(soffice: str, profile: Path, files: list[Path], out_dir: Path) -> str:
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir),
        *map(str, files),
    ]
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    return f"exit {done.returncode}; " + (done.stdout + done.stderr)[-600:].replace("\n", " | ")


def _fill(count: int, out_dir: Path) -> float:
    started = time.perf_counter()
    for n in range(count):
        _fill_to(n, out_dir)
    return time.perf_counter() - started


def _per_document(
    soffice: str, profile: Path, docx: list[Path], out_dir: Path
) -> tuple[float, float]:
    cpu = _children_cpu()
    started = time.perf_counter()
    for path in docx:
        _soffice(soffice, profile, [path], out_dir)
    wall = time.perf_counter() - started
    if _count_files(out_dir, ".pdf") != len(docx):
        raise RuntimeError("LibreOffice did not convert every document")
    return wall, _children_cpu() - cpu


def _batched(soffice: str, profile: Path, docx: list[Path], out_dir: Path) -> tuple[float, float]:
    """One soffice call for all; should it stop short, further calls for the rest (counted)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    todo = docx
    for _ in range(5):
        tail = _soffice(soffice, profile, todo, out_dir)
        made = {p.stem for p in out_dir.glob("*.pdf")}
        missing = [p for p in docx if p.stem not in made]
        if not missing:
            break
        print(
            f"  soffice batch stopped after {len(todo) - len(missing)} of {len(todo)} documents"
            f" ({tail}); converting the remaining {len(missing)} in a further call (timed)",
            flush=True,
        )
        todo = missing
    wall = time.perf_counter() - started
    if _count_files(out_dir, ".pdf") != len(docx):
        raise RuntimeError("LibreOffice did not convert every document")
    return wall, _children_cpu() - cpu


def _profile_one(top: int) -> None:
    out = Path(tempfile.mkdtemp(prefix="zhifa-bench-profile-"))
    try:
        profiler = cProfile.Profile()
        profiler.enable()
        _render_to(1, out)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
        print("profile of one warm render (cumulative):")
        print(stream.getvalue())
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="文书（预告通知书）生成基准测试")
    parser.add_argument("--count", type=int, default=1000, help="文书份数")
    parser.add_argument("--runs", type=int, default=3, help="重复次数，取中位数")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="并行进程数")
    parser.add_argument(
        "--baseline",
        choices=["batched", "per-document", "both", "none"],
        default="both",
        help="LibreOffice 对照：逐份转换、一次批量转换、两者或不测",
    )
    parser.add_argument(
        "--baseline-count",
        type=int,
        help="逐份转换只测这么多份，再按比例折算到 --count 份（默认与 --count 相同）",
    )
    parser.add_argument("--profile", action="store_true", help="另用 cProfile 剖析一次生成")
    args = parser.parse_args(argv)
    if min(args.count, args.runs, args.workers) < 1:
        parser.error("--count、--runs、--workers 须为正整数")
    per_doc_count = min(args.baseline_count or args.count, args.count)
    if per_doc_count < 1:
        parser.error("--baseline-count 须为正整数")

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    baselines = {"both": ["per-document", "batched"], "none": []}.get(
        args.baseline, [args.baseline]
    )
    if baselines and soffice is None:
        print("LibreOffice (soffice) not found: baseline skipped")
        baselines = []

    tmp = Path(tempfile.mkdtemp(prefix="zhifa-bench-documents-"))
    try:
        var_dir = tmp / "var"
        var_dir.mkdir()
        _bootstrap(var_dir)
        warm = _fresh(tmp / "warm")
        started = time.perf_counter()
        _render_to(999_999, warm)
        print(
            f"count {args.count}; workers {args.workers}; cores {os.cpu_count()}; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
            f"warm-up render (fonts, stylesheet) {time.perf_counter() - started:.2f} s"
        )
        if "per-document" in baselines and per_doc_count < args.count:
            print(
                f"per-document baseline: timed on {per_doc_count} documents, "
                f"scaled linearly to {args.count}"
            )
        profile_dir = tmp / "lo-profile"
        if baselines:
            assert soffice is not None
            _fill_to(999_999, warm)
            started = time.perf_counter()
            _soffice(soffice, profile_dir, [warm / "notice-999999.docx"], warm)
            seconds = time.perf_counter() - started
            print(f"LibreOffice profile created by a warm-up conversion in {seconds:.2f} s")

        figures: list[dict[str, float]] = []
        for run in range(1, args.runs + 1):
            figure: dict[str, float] = {}
            out = _fresh(tmp / "zhifa")
            figure["single"], cpu = _zhifa_single(args.count, out)
            busy = cpu / figure["single"]
            line = f"run {run}: zhifa 1 process {figure['single']:.2f} s (cores busy {busy:.2f})"
            out = _fresh(tmp / "zhifa")
            figure["workers"], cpu = _zhifa_workers(args.count, args.workers, var_dir, out)
            if _count_files(out, ".pdf") != args.count:
                raise RuntimeError("workers did not write every PDF")
            busy = cpu / figure["workers"]
            line += f"; {args.workers} workers {figure['workers']:.2f} s (cores busy {busy:.2f})"
            if baselines:
                assert soffice is not None
                docx_dir = _fresh(tmp / "filled")
                figure["fill"] = _fill(args.count, docx_dir)
                docx = sorted(docx_dir.glob("*.docx"))
                line += f"; docxtpl fill {figure['fill']:.2f} s"
                if "per-document" in baselines:
                    wall, cpu = _per_document(
                        soffice, profile_dir, docx[:per_doc_count], _fresh(tmp / "pdf-each")
                    )
                    figure["per-document"] = wall * args.count / per_doc_count
                    line += (
                        f"; soffice per document {wall:.2f} s for {per_doc_count}"
                        f" → {figure['per-document']:.2f} s for {args.count}"
                        f" (cores busy {cpu / wall:.2f})"
                    )
                if "batched" in baselines:
                    wall, cpu = _batched(soffice, profile_dir, docx, _fresh(tmp / "pdf-batch"))
                    figure["batched"] = wall
                    line += f"; soffice batched {wall:.2f} s (cores busy {cpu / wall:.2f})"
            print(line, flush=True)
            figures.append(figure)

        def median(key: str) -> float:
            return statistics.median(f[key] for f in figures)

        count = args.count
        single = count / median("single")
        machine = count / median("workers")
        print(
            f"median of {args.runs} runs, {count} documents:"
            f" zhifa 1 process {median('single'):.2f} s"
            f" = {single:.2f} docs/s per core; {args.workers} workers {median('workers'):.2f} s"
            f" = {machine:.2f} docs/s per machine = {machine / args.workers:.2f} docs/s/core"
        )
        if baselines:
            print(f"  docxtpl fill {median('fill'):.2f} s")
        for name in baselines:
            total = median("fill") + median(name)
            rate = count / total
            scaled = " (scaled)" if name == "per-document" and per_doc_count < count else ""
            print(
                f"  baseline {name}{scaled}: fill + soffice {total:.2f} s = {rate:.2f} docs/s;"
                f" zhifa/baseline per core {single / rate:.2f}×, per machine {machine / rate:.2f}×"
                f" (target ≥ 5×: {'met' if single / rate >= 5 else 'not met'} per core)"
            )
        if args.profile:
            _profile_one(25)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
