"""``python -m course_lib.receipts``: behind ``python3 course.py receipts``.

    python3 course.py receipts [NN ...]   # run these notebooks (all by default) in full mode
    python3 course.py receipts --check    # list missing or stale receipts (exit 1 if any)
    python3 course.py receipts --table    # only rewrite RESULTS.md from the receipts

Run from the repository's root: notebooks in ``notebooks/``, receipts in ``receipts/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nbclient.exceptions import CellExecutionError

from course_lib.receipts import files, results_table, runner

NOTEBOOKS, RECEIPTS, RESULTS = Path("notebooks"), Path("receipts"), Path("RESULTS.md")


def _notebooks(numbers: list[str]) -> list[Path]:
    found = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise SystemExit(
            f"no notebooks in {NOTEBOOKS.resolve()}: run this from the repository root"
        )
    if not numbers:
        return found
    unknown = sorted(set(numbers) - {p.name[:2] for p in found})
    if unknown:
        raise SystemExit(f"no notebook numbered {', '.join(unknown)} in {NOTEBOOKS}/")
    return [p for p in found if p.name[:2] in numbers]


def write_results() -> None:
    text = results_table.render_results(RECEIPTS)
    partial = RESULTS.with_name(RESULTS.name + ".partial")
    partial.write_text(text)
    partial.replace(RESULTS)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="course.py receipts", description=__doc__.split("\n")[0])
    parser.add_argument("numbers", nargs="*", help="two-digit notebook numbers, e.g. 07 12")
    parser.add_argument("--check", action="store_true", help="only list missing/stale receipts")
    parser.add_argument("--table", action="store_true", help="only rewrite RESULTS.md")
    args = parser.parse_args(argv)
    chosen = _notebooks(args.numbers)
    if args.check:
        found = files.problems(chosen, RECEIPTS)
        print("\n".join(found) if found else f"all {len(chosen)} receipts are fresh")
        return 1 if found else 0
    failed = []
    if not args.table:
        for path in chosen:
            print(f"{path.name}: running in full mode ...", flush=True)
            try:
                receipt = runner.run_notebook(path, RECEIPTS)
            except (CellExecutionError, ValueError) as error:
                print(f"{path.name}: FAILED, receipt left as it was\n{error}", flush=True)
                failed.append(path.name)
                continue
            shown = ", ".join(
                f"{k}={results_table.format_figure(v)}" for k, v in receipt["figures"].items()
            )
            print(f"{path.name}: {receipt['wall_seconds']:.0f} s; {shown}", flush=True)
    write_results()
    print(f"wrote {RESULTS}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
