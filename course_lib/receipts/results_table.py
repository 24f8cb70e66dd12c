"""``RESULTS.md``: every receipt in one page, made from the receipt files and nothing else."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from course_lib import argument_validation as check
from course_lib.receipts import files

__all__ = ["format_figure", "render_results"]

_HEADER = """\
# Full-mode results

Every notebook run top to bottom in full mode (no `COURSE_QUICK`) by
`python3 course.py receipts`, which wrote one receipt a notebook in `receipts/`. This page is
made from those files by the same command; the full-mode figures quoted in the notebooks and
in the README come from here. A receipt holds the SHA-256 of its notebook's code cells, and
`tests/test_receipts.py` fails when a receipt is missing or older than its notebook's code.
"""


def format_figure(value: Any) -> str:
    """A figure as the table shows it: floats to 4 significant digits.

    Example:
        >>> format_figure(0.912345), format_figure(81.04), format_figure(12), format_figure("ok")
        ('0.9123', '81.04', '12', 'ok')
    """
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _datasets(receipt: dict[str, Any]) -> str:
    if not receipt["datasets"]:
        return "none"
    parts = [
        f"{d['name']} ({d['n_train']:,} train / {d['n_test']:,} test, from `{d['source']}`)"
        for d in receipt["datasets"]
    ]
    return "; ".join(parts)


def render_results(receipts_dir: str | os.PathLike[str]) -> str:
    """The text of ``RESULTS.md`` for the receipts in ``receipts_dir``.

    Example:
        >>> render_results("receipts").startswith("# Full-mode results")
        True
    """
    folder = Path(check.path(receipts_dir, "receipts_dir"))
    receipts = [files.read_receipt(p) for p in sorted(folder.glob("*.json"))]
    lines = [
        _HEADER,
        "| notebook | wall time | machine | backend | finished |",
        "|---|---|---|---|---|",
    ]
    for r in receipts:
        env = r["environment"]
        backend = f"{env['backend']} {env['versions'].get(env['backend'], '')}".strip()
        lines.append(
            f"| `{r['notebook']}` | {r['wall_seconds']:.0f} s | {env['device']}, "
            f"{r['machine']['cpu']} | {backend}, keras {env['versions'].get('keras', '?')} "
            f"| {r['finished']} |"
        )
    total = sum(r["wall_seconds"] for r in receipts)
    lines.append(f"\nAll {len(receipts)} notebooks: {total / 60:.1f} min.\n")
    for r in receipts:
        lines += [
            f"## {r['notebook']}",
            "",
            f"Data: {_datasets(r)}. Seed {r['environment']['seed']}, "
            f"{'deterministic' if r['environment']['deterministic'] else 'non-deterministic'}"
            f" kernels; code `{r['code_sha256'][:12]}`.",
            "",
            "| figure | value |",
            "|---|---|",
        ]
        lines += [f"| `{k}` | {format_figure(v)} |" for k, v in r["figures"].items()]
        lines.append("")
    return "\n".join(lines)
