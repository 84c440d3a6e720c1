"""How long does bringing a 5,000-record register in from a spreadsheet take? (issue 16)

Builds the test personas in a fresh database, puts ``--existing`` children on panel A's register
(so the duplicate check has something to search), writes an XLSX of ``--records`` fictional
children with openpyxl, and times the three steps a coordinator goes through, each through the
application's services (the same code the pages call):

* read — the upload read and kept for the preview (:func:`imports.start_import`);
* preview — every row checked and looked up in the register's fuzzy matching (:func:`imports.preview`);
* confirm — every row written in one transaction with its audit event (:func:`imports.confirm_import`).

A benchmark, not a test: the target (under 30 s for the whole of it) is reported, and
``--enforce`` makes a miss exit 1. Results are written up in docs/performance.md.

    .venv/bin/python benchmarks/import_register.py [--records 5000] [--existing 1000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bootstrap, sqlite_path

GIVEN = ["Amelia", "Tyrese", "Zofia", "Kai", "Leon", "Aaliyah", "Musa", "Grace", "Jayden", "Precious", "Dylan", "Ife"]
FAMILY = ["Okafor", "Nowak", "Brennan", "Marsh", "Farrow", "Adeyemi", "Hussain", "Clarke", "Mensah", "Walsh", "Ali"]
TARGET_SECONDS = 30.0


def spreadsheet(records: int, seed: int) -> bytes:
    import openpyxl

    rng = random.Random(seed)
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["Given names", "Family name", "Date of birth", "Sex", "Agency references", "Description"])
    today = date.today()  # noqa: DTZ011 - fictional dates of birth
    for n in range(records):
        born = today - timedelta(days=rng.randint(10 * 365, 17 * 365))
        sheet.append(
            [
                rng.choice(GIVEN),
                f"{rng.choice(FAMILY)}-{n}",
                born.strftime("%d/%m/%Y"),
                rng.choice(["Female", "Male", "Not known"]),
                f"MOS-{100000 + n}",
                "Imported from the panel's spreadsheet",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/macehub_import_bench.sqlite3")
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--enforce", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print where the time goes (cProfile)")
    args = parser.parse_args()
    path = sqlite_path(args.database_url)
    if path is not None and path.exists():
        path.unlink()
    bootstrap(args.database_url)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from macehub.subjects import imports
    from macehub.subjects.models import Kind, RegisterImport, Subject
    from tests.factories.personas import build_world

    call_command("migrate", verbosity=0)
    if not path:
        Subject.objects.all().delete()
    world = build_world()
    coordinator = world.user("coordinator_a")
    rng = random.Random(args.seed + 1)
    Subject.objects.bulk_create(
        Subject(
            panel=world.panel_a,
            kind=Kind.CHILD,
            number=n + 1,
            given_names=rng.choice(GIVEN),
            family_name=f"{rng.choice(FAMILY)}-existing-{n}",
            search_key="",
        )
        for n in range(args.existing)
    )
    content = spreadsheet(args.records, args.seed)
    upload = SimpleUploadedFile("register.xlsx", content)

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    timings: dict[str, float] = {}
    start = time.perf_counter()
    imported = imports.start_import(actor=coordinator, panel=world.panel_a, kind=Kind.CHILD, upload=upload)
    timings["read"] = time.perf_counter() - start

    start = time.perf_counter()
    checked = imports.preview(coordinator, imported)
    timings["preview"] = time.perf_counter() - start
    if not checked.ready:
        print("The generated spreadsheet has problems:", checked.mapping_problems, checked.problem_rows[:3])
        return 2

    start = time.perf_counter()
    imports.confirm_import(actor=coordinator, imported_pk=imported.pk)
    timings["confirm"] = time.perf_counter() - start
    total = sum(timings.values())
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)

    written = len(RegisterImport.objects.get(pk=imported.pk).record_ids)
    print(f"Database: {args.database_url.split('@')[-1]}")
    print(f"{args.records:,} rows ({len(content) / 1024:.0f} KB XLSX) onto a register of {args.existing:,} children")
    for step, seconds in timings.items():
        print(f"  {step:8} {seconds:6.2f} s")
    print(f"  {'total':8} {total:6.2f} s  (target under {TARGET_SECONDS:.0f} s) — {written:,} records written")
    if written != args.records:
        print("Not every row was written")
        return 1
    return 1 if args.enforce and total > TARGET_SECONDS else 0


if __name__ == "__main__":
    raise SystemExit(main())
