"""Homework: student versions and grading (course_lib.homework, assignments/source).

One grading run per assignment (module-scoped fixtures) grades a folder with the solution, the
generated student version, a submission with one deliberate mistake, and for HW1 the wrong
submissions of tests/hw1_submissions.py and the hostile and broken submissions. Each test then
checks one property of those results.
"""

from __future__ import annotations

import copy
import csv
import html
import math
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hw1_submissions import WRONG_HW1
from tiny_assignment import write_tiny_source
from tree_hash import tree_hash

from course_lib.homework import assignments, grade, release
from course_lib.homework.feedback import NOTICE
from course_lib.homework.grading import find_submissions, scan_answer_cells
from course_lib.homework.release import nbgrader_command, run_in_process
from course_lib.homework.runner import nbgrader_config
from course_lib.homework.sandbox import hidden_paths

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "assignments" / "source"
HOMEWORK = ["hw1", "hw2", "hw3", "hw4"]
HW1_CELL_TIMEOUT = 10
# HW1's folder: solution, student, missing_transpose, 5 hostile, not_json, and WRONG_HW1.
HW1_SUBMISSIONS = 9 + len(WRONG_HW1)

# One deliberate mistake each: (assignment, answer cell, old text, new text, part it breaks).
WRONG = {
    "missing_transpose": (
        "hw1",
        "backward",
        'dh = dscores @ params["W2"].T',
        'dh = dscores @ params["W2"]',
        "backward_tests",
    ),
    "dropout_not_rescaled": (
        "hw2",
        "dropout",
        "mask = (rng.random(x.shape) >= p) / (1.0 - p)",
        "mask = (rng.random(x.shape) >= p).astype(float)",
        "dropout_tests",
    ),
    # HW2: the grader's own training loop measures only regularized_grads and ALPHA.
    "biases_penalized": (
        "hw2",
        "reg_grads",
        'name: grad + l2_gradient(params[name], alpha) if name.startswith("W") else grad',
        "name: grad + l2_gradient(params[name], alpha)",
        "reg_grads_tests",
    ),
    "alpha_too_strong": ("hw2", "alpha", "ALPHA = 0.03", "ALPHA = 0.3", "experiment_tests"),
    "fakes_its_own_experiment": (
        "hw2",
        "alpha",
        "ALPHA = 0.03",
        # a useless strength, and a training loop and accuracy of its own that look good
        "ALPHA = 0.003\n"
        "train = lambda params, x, y, alpha, **kw: params\n"
        "accuracy = lambda params, x, y: 0.99 if len(x) == 500 else 0.8",
        "experiment_tests",
    ),
    "conv_size_off_by_one": (
        "hw3",
        "conv_forward",
        "h_out = (h + 2 * pad - kh) // stride + 1",
        "h_out = (h + 2 * pad - kh) // stride",
        "conv_forward_tests",
    ),
    # HW3: questions that need the method; the grader checks it on stacks and layers unseen.
    "receptive_field_ignores_strides": (
        "hw3",
        "sizes",
        "        field += (k - 1) * spacing",
        "        field += k - 1",
        "sizes_tests",
    ),
    "batchnorm_all_trainable": (
        "hw3",
        "params",
        "    return 2 * channels, 2 * channels",
        "    return 4 * channels, 0",
        "params_tests",
    ),
}

# HW4: the grader trains the network handed in and scores it on a test split that the
# submission's sandbox does not hold. {name: (changes, parts it loses, words of its note)}.
READ_TEST_SPLIT = """
import os
try:  # the test split, as a student who wants to train or tune on it would try
    datasets.load("fashion_mnist", download=False)
except datasets.DatasetNotAvailableError:
    pass
else:
    raise RuntimeError("the test split could be read")
assert not [n for n in os.listdir(datasets.locate("fashion_mnist", test=False)[1]) if "t10k" in n]
"""
WRONG_HW4 = {
    "copies_the_example": (
        {"model": "def build_model():\n    return example_model()\n"},
        ["accuracy_tests"],
        "(19,090 parameters)",
    ),
    "over_budget": (
        {
            "model": [
                (
                    "x = keras.layers.Flatten()(x)",
                    "x = keras.layers.Flatten()(x)\n    x = DenseBlock(128)(x)",
                )
            ]
        },
        ["model_tests", "accuracy_tests"],
        "no hw4_entry.json",
    ),
    "reads_the_test_split": (
        {"recipe": [("RECIPE = {", READ_TEST_SPLIT + "RECIPE = {")]},
        [],
        "scored",
    ),
    "patches_hand_in": (
        {"recipe": [("}", '}\ntype(HW4).hand_in = lambda *a: {"parameters": 1}')]},
        ["accuracy_tests"],
        "no hw4_entry.json",
    ),
}

DELETE_FILES = """
import os
import shutil
from pathlib import Path

_copy = Path.cwd().parents[2]  # the root of this submission's working copy
for _path in sorted(_copy.rglob("*"), reverse=True):
    try:
        _path.rmdir() if _path.is_dir() and not _path.is_symlink() else _path.unlink()
    except OSError:
        pass
shutil.rmtree(os.path.expanduser("~"), ignore_errors=True)
"""

READ_HIDDEN = """
import os
from pathlib import Path

_found = []
for _place in (Path.cwd().parents[2], Path(os.path.expanduser("~"))):
    for _path in _place.rglob("*"):
        try:
            if _path.is_file() and b"BEGIN " + b"HIDDEN TESTS" in _path.read_bytes():
                _found.append(str(_path))
        except OSError:
            pass
print(f"files with hidden tests found: {len(_found)}")
print(f"hidden tests in the input history so far: {sum('BEGIN ' + 'HIDDEN' in s for s in In)}")
"""

HISTORY_LATER = """
print(f"hidden tests in the input history later: {sum('BEGIN ' + 'HIDDEN' in s for s in In)}")
"""


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _cells(nb, kind: str) -> dict[str, str]:
    return {_nbgrader(c)["grade_id"]: c.source for c in nb.cells if _nbgrader(c).get(kind) is True}


def _secret_lines(source_nb, begin: str, end: str) -> set[str]:
    """Lines inside the begin/end regions that appear nowhere outside them (so they must not
    be in a student version), without short lines and comments."""
    inside, outside, in_region = set(), set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if begin in line or end in line:
                in_region = begin in line
                continue
            (inside if in_region else outside).add(line.strip())
    return {line for line in inside - outside if len(line) > 8 and not line.startswith("#")}


def _filled(hw: str, student_nb, changes=None):
    """The student version with every answer cell filled in from the solution (markers cut),
    then ``changes`` applied: ``{grade_id: [(old, new), ...]}`` or a new source string."""
    solution = nbformat.read(SOURCE / hw / f"{hw}.ipynb", as_version=4)
    answers = _cells(solution, "solution")
    nb = copy.deepcopy(student_nb)
    for cell in nb.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if _nbgrader(cell).get("solution"):
            lines = answers[grade_id].splitlines()
            cell.source = "\n".join(line for line in lines if "### " not in line)
        change = (changes or {}).get(grade_id)
        if isinstance(change, str):
            cell.source = change
        elif change:
            for old, new in change:
                assert old in cell.source, (grade_id, old)
                cell.source = cell.source.replace(old, new)
    return nb


@pytest.fixture(scope="module")
def student_versions(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("student")
    paths = release(HOMEWORK, out=out)
    return {path.stem: path for path in paths}


@pytest.fixture(scope="module")
def graded(student_versions, tmp_path_factory):
    """Grade every submission folder once; returns results and the trees' hashes."""
    base = tmp_path_factory.mktemp("grading")
    folders = {}
    for hw in HOMEWORK:
        folder = base / "submissions" / hw
        folder.mkdir(parents=True)
        (folder / "solution.ipynb").write_bytes((SOURCE / hw / f"{hw}.ipynb").read_bytes())
        (folder / "student.ipynb").write_bytes(student_versions[hw].read_bytes())
        folders[hw] = folder
    student = {hw: nbformat.read(path, as_version=4) for hw, path in student_versions.items()}
    for name, (hw, cell, old, new, _) in WRONG.items():
        nbformat.write(
            _filled(hw, student[hw], {cell: [(old, new)]}), folders[hw] / f"{name}.ipynb"
        )

    for name, (changes, _, _) in WRONG_HW4.items():
        nbformat.write(_filled("hw4", student["hw4"], changes), folders["hw4"] / f"{name}.ipynb")
    hw1 = student["hw1"]
    for name, (_, changes) in WRONG_HW1.items():
        nbformat.write(_filled("hw1", hw1, changes), folders["hw1"] / f"{name}.ipynb")
    neuron = "def neuron(x, w, b):\n    while True:\n        pass\n"
    hostile = {
        "infinite_loop": {"neuron": neuron},
        "raises": {
            "softmax": [("def softmax", 'raise RuntimeError("on purpose")\n\ndef softmax')]
        },
        "edits_tests": {
            "neuron": "def neuron(x, w, b):\n    return 0.5\n",
            "neuron_tests": "pass  # all fine, trust me\n",
        },
        "deletes_files": {},
        "reads_hidden": {},
    }
    for name, changes in hostile.items():
        nb = _filled("hw1", hw1, changes)
        for cell in nb.cells:
            grade_id = _nbgrader(cell).get("grade_id")
            if name == "deletes_files" and grade_id == "neuron":
                cell.source += "\n" + DELETE_FILES
            if name == "reads_hidden" and grade_id == "neuron":
                cell.source += "\n" + READ_HIDDEN
            if name == "reads_hidden" and grade_id == "train":
                cell.source += "\n" + HISTORY_LATER
        nbformat.write(nb, folders["hw1"] / f"{name}.ipynb")
    (folders["hw1"] / "not_json.ipynb").write_text('{"cells": [{"cell_type": "code", ')
    # A second submission of the student "solution": the unfilled student version, in a folder.
    (folders["hw1"] / "solution").mkdir()
    (folders["hw1"] / "solution" / "hw1.ipynb").write_bytes(student_versions["hw1"].read_bytes())

    guarded = (SOURCE, ROOT / "course_lib" / "homework", base / "submissions")
    before = tree_hash(*guarded)
    results, outs, warned = {}, {}, {}
    for hw in HOMEWORK:
        outs[hw] = base / "graded" / hw
        timeout = HW1_CELL_TIMEOUT if hw == "hw1" else 300
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = grade(
                hw,
                folders[hw],
                out=outs[hw],
                cell_timeout=timeout,
                jobs=2,
                html_feedback=hw == "hw1",
            )
        results[hw] = {r.student: r for r in found}
        warned[hw] = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    after = tree_hash(*guarded)
    return {"results": results, "out": outs, "hashes": (before, after), "warned": warned}


def _max_points(hw: str) -> dict[str, float]:
    nb = nbformat.read(SOURCE / hw / f"{hw}.ipynb", as_version=4)
    return {
        _nbgrader(c)["grade_id"]: float(_nbgrader(c)["points"])
        for c in nb.cells
        if _nbgrader(c).get("grade")
    }


# ------------------------------------------------------------------------------------------
# Student versions
# ------------------------------------------------------------------------------------------


def test_all_four_assignments_exist():
    assert assignments(SOURCE) == HOMEWORK
    for hw in HOMEWORK:
        points = _max_points(hw)
        assert len(points) >= 2 and all(p > 0 for p in points.values())


@pytest.mark.parametrize("hw", HOMEWORK)
def test_student_version_has_no_solution_and_no_hidden_tests(hw, student_versions):
    source = nbformat.read(SOURCE / hw / f"{hw}.ipynb", as_version=4)
    nb = nbformat.read(student_versions[hw], as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN"):
        assert marker not in text
    solution_lines = _secret_lines(source, "### BEGIN SOLUTION", "### END SOLUTION")
    hidden_lines = _secret_lines(source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    assert len(solution_lines) >= 5 and len(hidden_lines) >= 5
    leaked = [line for line in solution_lines | hidden_lines if line in text]
    assert not leaked, leaked


@pytest.mark.parametrize("hw", HOMEWORK)
def test_student_version_keeps_placeholders_and_visible_tests(hw, student_versions):
    nb = nbformat.read(student_versions[hw], as_version=4)
    answers = _cells(nb, "solution")
    assert answers and all("raise NotImplementedError()" in src for src in answers.values())
    tests = {_nbgrader(c)["grade_id"]: c.source for c in nb.cells if _nbgrader(c).get("grade")}
    assert set(tests) == set(_max_points(hw))
    assert all("assert" in src for src in tests.values())


# ------------------------------------------------------------------------------------------
# Grading: solutions, student versions, wrong submissions
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hw", HOMEWORK)
def test_solution_scores_full_marks(hw, graded):
    result = graded["results"][hw]["solution"]
    assert result.status == "graded", result.notes
    assert result.score == result.max_score == sum(_max_points(hw).values()), result.notes
    assert not [n for n in result.notes if "Error" in n or "time limit" in n]


@pytest.mark.parametrize("hw", HOMEWORK)
def test_student_version_scores_zero_on_every_part(hw, graded):
    result = graded["results"][hw]["student"]
    assert result.status == "graded"
    assert result.parts and all(score == 0 for score, _ in result.parts.values())
    assert any("NotImplementedError" in note for note in result.notes)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_submission_loses_exactly_its_part(name, graded):
    hw, _, _, _, broken = WRONG[name]
    result = graded["results"][hw][name]
    points = _max_points(hw)
    assert result.status == "graded"
    assert result.parts[broken] == (0.0, points[broken])
    assert all(result.parts[p] == (m, m) for p, m in points.items() if p != broken)
    assert result.score == sum(points.values()) - points[broken]


@pytest.mark.parametrize("name", sorted(WRONG_HW1))
def test_wrong_hw1_submission_loses_exactly_its_part(name, graded):
    """tests/hw1_submissions.py: backward passes that are wrong only on shapes or calls the
    visible tests do not make, gradient checks that cannot see a wrong gradient or leave the
    parameters moved, a one-sided numerical gradient. Each loses its own part and nothing
    else: the gradient check and the training loop are graded with reference pieces."""
    part, _ = WRONG_HW1[name]
    _only_part_lost(_hw1(graded, name), part)


@pytest.mark.parametrize("name", sorted(WRONG_HW4))
def test_hw4_submission_scores_what_the_graders_training_gives(name, graded):
    """HW4's points come from the grader's own training and test split: a copy of the
    example is under the bar, a network over the budget or a hand-in that writes nothing is
    not trained, and a submission that looks for the test split finds none (and keeps 8)."""
    _, lost, words = WRONG_HW4[name]
    result = graded["results"]["hw4"][name]
    points = _max_points("hw4")
    assert result.status == "graded", result.notes
    assert {p for p, (score, _) in result.parts.items() if score == 0} == set(lost), result.notes
    assert all(result.parts[p] == (m, m) for p, m in points.items() if p not in lost)
    [note] = [n for n in result.notes if n.startswith("accuracy_tests:")]
    assert words in note, note
    if name == "copies_the_example":  # under the bar, with a margin
        from course_lib.homework.held_out import RULES

        accuracy = float(re.search(r"scored ([\d.]+)%", note)[1]) / 100
        assert accuracy <= RULES["hw4"].now("bar") - 0.005, note


def test_hw4_solution_is_trained_and_scored_by_the_grader(graded):
    """The solution's 5 points of part 3 are the grader's measurement over the bar, and its
    note says what the grader trained and measured."""
    from course_lib.homework.held_out import RULES

    rules = RULES["hw4"]
    [note] = [n for n in graded["results"]["hw4"]["solution"].notes if n.startswith("accuracy")]
    found = re.search(
        r"trained your network \(([\d,]+) parameters\).* scored ([\d.]+)% \(bar", note
    )
    assert found, note
    assert int(found[1].replace(",", "")) <= rules.budget
    assert float(found[2]) / 100 >= rules.now("bar") + 0.005, note  # with a margin
    assert f"on {rules.now('n_test'):,} test images your code never saw" in note


def test_hw4_text_states_the_graders_rules():
    from course_lib.homework.held_out import RULES

    rules = RULES["hw4"]
    nb = nbformat.read(SOURCE / "hw4" / "hw4.ipynb", as_version=4)
    intro = nb.cells[0].source
    for words in (
        f"at most **{rules.budget:,} parameters**",
        f"(at most **{rules.max_epochs[1]}**)",
        f"**At least {rules.bar[1] * 100:g} %**",
        f"{rules.n_train[0]:,} training images for at most {rules.max_epochs[0]} epochs",
        f"scores {rules.n_test[0]:,} test images",
        f"bar is then **{rules.bar[0] * 100:g} %**",
        f"at most {rules.train_seconds[1] // 60} minutes",
    ):
        assert words in intro, words


def test_hw4_full_mode_claims_are_the_receipts():
    """The full-mode figures the HW4 text quotes are those of receipts/hw4_full_mode.md
    (written by benchmarks/hw4_full_mode.py, which grades the solution and a copy of the
    example with the real grader in full mode): the solution over the bar, the example under."""
    from course_lib.homework.held_out import RULES

    receipt = (ROOT / "receipts" / "hw4_full_mode.md").read_text()
    rows = {
        cells[0]: cells
        for line in receipt.splitlines()
        if line.startswith("| ") and (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    solution, example = rows["solution"], rows["example_copy"]
    bar = RULES["hw4"].bar[1] * 100
    assert float(solution[6].rstrip(" %")) >= bar + 1 and solution[8] == "5 / 5"
    assert float(example[6].rstrip(" %")) <= bar - 1 and example[8] == "0 / 5"
    assert solution[2] == example[2] == "60,000" and solution[5] == "10,000"
    nb = nbformat.read(SOURCE / "hw4" / "hw4.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert f"measured {solution[6]}" in text and f"stops at {example[6]}" in text
    assert f"it scored {example[6]}" in text and f"took {solution[4]}" in text


def test_backward_part_is_worth_four_points_and_runs_first_its_check_then_training():
    points = _max_points("hw1")
    assert points["backward_tests"] == 4 and points["gradcheck_tests"] == 2
    order = list(points)
    assert order.index("numgrad_tests") < order.index("backward_tests")
    assert order.index("backward_tests") < order.index("gradcheck_tests")
    assert order.index("gradcheck_tests") < order.index("train_tests")
    nb = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
    ids = [_nbgrader(c)["grade_id"] for c in nb.cells]
    assert ids.index("gradcheck_tests") < ids.index("gradcheck_run") < ids.index("train_md")


def test_hw1_hands_out_no_backward_formulas(student_versions):
    """The student version says what to return and where the method is (notebook 04), not the
    formulas: no gradient expression of the backward pass appears in its text or tests."""
    nb = nbformat.read(student_versions["hw1"], as_version=4)
    text = "\n".join(cell.source for cell in nb.cells)
    squeezed = re.sub(r"\s+", "", text)
    for formula in ("h^\\topds", "h.T@", "W_2^\\top", '["W2"].T', "x^\\topdz", "x.T@", "dz_1=dh"):
        assert formula not in squeezed, formula
    intro = nb.cells[0].source
    assert "04 (backpropagation" in intro
    assert all(f"{n:02d} (" in intro for n in (1, 2, 3, 4))
    backward_md = next(c.source for c in nb.cells if _nbgrader(c)["grade_id"] == "backward_md")
    assert "notebook 04" in backward_md and "(D, H)" in backward_md


def _numbers(text: str) -> list[float]:
    """The points of "part 2 · other part 3 = 5" or "... · **total 5**": each number that ends
    an item (not the 50,000 of "within 50,000 parameters 3")."""
    return [float(n) for n in re.findall(r"(\d+(?:\.\d+)?)\s*(?=·|=|\*\*|$)", text.strip())]


@pytest.mark.parametrize("hw", HOMEWORK)
def test_points_in_the_intro_and_the_table_are_the_notebooks(hw):
    """The **Points:** line of each notebook's intro and its row in assignments/README.md list
    the points of the test cells, in order, and their total."""
    points = list(_max_points(hw).values())
    nb = nbformat.read(SOURCE / hw / f"{hw}.ipynb", as_version=4)
    [line] = [p for p in nb.cells[0].source.split("\n\n") if p.startswith("**Points:**")]
    assert _numbers(line) == [*points, sum(points)], line
    table = (ROOT / "assignments" / "README.md").read_text()
    [row] = [r for r in table.splitlines() if r.startswith(f"| {hw} ")]
    assert _numbers(row.split("|")[2]) == [*points, sum(points)], row


# ------------------------------------------------------------------------------------------
# Hostile and broken submissions (HW1)
# ------------------------------------------------------------------------------------------


def _page_text(path: Path) -> str:
    """The text of an HTML page, without tags or entities (code is split into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))


def _hw1(graded, name):
    return graded["results"]["hw1"][name]


def _only_part_lost(result, part):
    points = _max_points("hw1")
    assert result.status == "graded", result.notes
    assert result.parts[part] == (0.0, points[part])
    assert result.score == sum(points.values()) - points[part]


def test_infinite_loop_is_stopped_by_the_cell_time_limit(graded):
    result = _hw1(graded, "infinite_loop")
    _only_part_lost(result, "neuron_tests")
    expected = (
        f"test cell 'neuron_tests' (cell 5): stopped after the time limit of {HW1_CELL_TIMEOUT} s"
    )
    assert expected in result.notes


def test_a_cell_that_raises_costs_its_part_and_says_why(graded):
    result = _hw1(graded, "raises")
    _only_part_lost(result, "softmax_tests")
    assert any(
        n.startswith("cell 'softmax'") and "RuntimeError: on purpose" in n for n in result.notes
    )


def test_a_file_that_is_not_json_is_not_graded_with_a_reason(graded):
    result = _hw1(graded, "not_json")
    assert result.status == "not graded" and result.score == 0
    assert result.max_score == sum(_max_points("hw1").values())
    assert "not valid JSON" in result.notes[0]
    report = (graded["out"]["hw1"] / "feedback" / "not_json" / "hw1.txt").read_text()
    assert "not graded" in report and "not valid JSON" in report


def test_edited_tests_are_put_back_and_recorded(graded):
    result = _hw1(graded, "edits_tests")
    _only_part_lost(result, "neuron_tests")
    assert any("changed the test/provided cell(s) ['neuron_tests']" in n for n in result.notes)


def test_deleting_files_only_touches_the_submissions_own_copy(graded):
    result = _hw1(graded, "deletes_files")
    assert result.status == "graded" and result.score == result.max_score, result.notes
    assert "the submission deleted files in its working copy while it ran" in result.notes
    assert any("uses os, shutil" in n and "flagged for review" in n for n in result.notes)


def test_hidden_tests_are_not_on_disk_while_the_submission_runs(graded):
    result = _hw1(graded, "reads_hidden")
    assert result.status == "graded" and result.score == result.max_score, result.notes
    assert any("flagged for review" in n for n in result.notes)
    text = _page_text(graded["out"]["hw1"] / "feedback" / "reads_hidden" / "hw1.html")
    assert "files with hidden tests found: 0" in text
    assert "hidden tests in the input history so far: 0" in text
    # What the README says is NOT protected: a later cell sees hidden tests that already ran.
    later = re.search(r"hidden tests in the input history later: (\d+)", text)
    assert later and int(later.group(1)) > 0


def test_other_submissions_are_graded_normally(graded):
    assert graded["results"]["hw1"]["solution"].score == sum(_max_points("hw1").values())
    assert graded["results"]["hw1"]["missing_transpose"].status == "graded"
    assert len(graded["results"]["hw1"]) == HW1_SUBMISSIONS


def test_nothing_outside_the_working_copies_changed(graded):
    before, after = graded["hashes"]
    assert before == after


def test_a_second_submission_of_a_student_is_named_in_the_gradebook(graded):
    """``solution.ipynb`` and ``solution/hw1.ipynb``: the file is graded (full marks, not the
    unfilled notebook in the folder), and the instructor is told about both."""
    result = _hw1(graded, "solution")
    assert result.score == result.max_score
    expected = (
        "two submissions for 'solution': 'solution.ipynb' and 'solution/hw1.ipynb'; "
        "'solution.ipynb' was graded, 'solution/hw1.ipynb' was not"
    )
    assert result.notes[0] == expected
    with open(graded["out"]["hw1"] / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert expected in rows["solution"]["notes"]
    assert [w for w in graded["warned"]["hw1"] if w.startswith(expected)]
    assert not [w for w in graded["warned"]["hw2"] if "two submissions" in w]


def test_feedback_never_shows_hidden_tests(graded):
    source = nbformat.read(SOURCE / "hw1" / "hw1.ipynb", as_version=4)
    hidden = _secret_lines(source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    pages = sorted((graded["out"]["hw1"] / "feedback").glob("*/hw1.html"))
    assert len(pages) == HW1_SUBMISSIONS - 1  # every graded one (not the one that is not JSON)
    for page in pages:
        text = _page_text(page)
        assert "BEGIN HIDDEN" not in text
        assert not [line for line in hidden if line in text], page
    failing = _page_text(graded["out"]["hw1"] / "feedback" / "edits_tests" / "hw1.html")
    assert NOTICE in failing  # the failing test's traceback (which quotes tests) is cut


def test_gradebook_has_a_row_per_submission_with_parts_and_notes(graded):
    with open(graded["out"]["hw1"] / "grades.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert len(rows) == HW1_SUBMISSIONS
    assert rows["solution"]["score"] == rows["solution"]["max_score"] == "15"
    assert rows["missing_transpose"]["backward_tests"] == "0"
    assert rows["missing_transpose"]["score"] == "11"
    assert rows["not_json"]["status"] == "not graded"
    assert "time limit" in rows["infinite_loop"]["notes"]
    report = (graded["out"]["hw1"] / "feedback" / "infinite_loop" / "hw1.txt").read_text()
    assert "14 of 15 points" in report and "neuron_tests" in report


# ------------------------------------------------------------------------------------------
# Small parts, no grading run
# ------------------------------------------------------------------------------------------


def test_scan_flags_file_access_and_the_reference_but_not_model_methods():
    def nb_with(source):
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["nbgrader"] = {"solution": True, "grade_id": "answer"}
        return nbformat.v4.new_notebook(cells=[cell])

    assert scan_answer_cells(nb_with("model.compile(optimizer='adam')\nx = np.eye(3)")) == []
    assert "uses open()" in scan_answer_cells(nb_with("text = open('x').read()"))[0]
    assert (
        "course_lib.reference"
        in scan_answer_cells(nb_with("from course_lib.reference import conv2d_forward"))[0]
    )
    assert "input history" in scan_answer_cells(nb_with("print(In[-1])"))[0]


def test_find_submissions_takes_files_and_folders(tmp_path):
    (tmp_path / "ann.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "hw2.ipynb").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a notebook")
    found = find_submissions(tmp_path, "hw2")
    assert [student for student, _ in found] == ["ann", "bob"]


def test_hidden_paths_are_the_gradebook_and_the_graded_notebook(tmp_path):
    paths = hidden_paths(tmp_path, tmp_path / "autograded" / "s" / "hw1", "hw1")
    assert paths == [
        tmp_path / "gradebook.db",
        tmp_path / "autograded" / "s" / "hw1" / "hw1.ipynb",
    ]


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="Unknown assignment 'hw9'"):
        grade("hw9", tmp_path, out=tmp_path / "out")
    with pytest.raises(ValueError, match="submissions"):
        grade("hw1", tmp_path / "missing", out=tmp_path / "out")
    with pytest.raises(ValueError, match="cell_timeout"):
        grade("hw1", tmp_path, out=tmp_path / "out", cell_timeout=0)
    with pytest.raises(ValueError, match="jobs"):
        grade("hw1", tmp_path, out=tmp_path / "out", jobs=0)
    with pytest.raises(ValueError, match=r"Unknown assignment\(s\) \['hw7'\]"):
        release(["hw7"], out=tmp_path / "student")


def test_command_line_release_writes_the_student_version(tmp_path, capsys):
    from course_lib.homework.__main__ import main

    assert main(["release", "hw2", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "hw2" / "hw2.ipynb").is_file()
    assert "student version:" in capsys.readouterr().out


def test_course_py_has_a_homework_command():
    import course

    assert course.EXTRAS["homework"] == "dev"  # nbgrader comes with the dev extra
    assert "homework grade" in course.__doc__


def test_whole_run_limit_and_unusable_names_are_recorded(tmp_path, student_versions, capsys):
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "slow.ipynb").write_bytes(student_versions["hw1"].read_bytes())
    (folder / "bad name.ipynb").write_bytes(student_versions["hw1"].read_bytes())
    results = {r.student: r for r in grade("hw1", folder, out=tmp_path / "out", total_timeout=1)}
    # the progress: a line a submission as it ends, and Keras's bar counting to 2 of 2
    out = capsys.readouterr().out
    assert "graded slow: not graded, 0 / 15" in out and "graded bad name: not graded" in out
    assert "2/2" in out
    assert results["slow"].status == "not graded"
    assert "grading stopped after the limit of 1 s for a submission" in results["slow"].notes
    assert results["bad name"].status == "not graded"
    assert "not a usable student id" in results["bad name"].notes[0]


# ------------------------------------------------------------------------------------------
# Arguments: time limits, folders, ambiguous submissions (no grading run)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cell_timeout", "total_timeout"])
@pytest.mark.parametrize("seconds", [0.5, 2.5, math.inf, 0, -3])
def test_time_limits_must_be_whole_positive_seconds(name, seconds, tmp_path):
    """0.5 used to pass and be written as ``timeout = 0`` (no limit, to nbclient); inf raised
    OverflowError. Both are refused by name, before anything is written."""
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=rf"`{name}` must be a whole positive number of seconds"):
        grade("hw1", tmp_path, out=out, **{name: seconds})
    assert not out.exists()


def test_whole_seconds_reach_the_nbgrader_config_as_they_are():
    assert "c.HiddenFilesExecute.timeout = 30\n" in nbgrader_config(30.0)
    assert "c.HiddenFilesExecute.timeout = 1\n" in nbgrader_config(np.int64(1))
    with pytest.raises(ValueError, match="cell_timeout"):
        nbgrader_config(0.5)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--cell-timeout", "0.5"),
        ("--cell-timeout", "inf"),
        ("--total-timeout", "0"),
        ("--total-timeout", "x"),
        ("--jobs", "0"),
        ("--jobs", "1.5"),
        ("--memory-mb", "0"),
        ("--disk-mb", "x"),
        ("--processes", "-3"),
    ],
)
def test_command_line_refuses_what_grade_refuses(option, value, tmp_path, capsys):
    from course_lib.homework.__main__ import main

    out = tmp_path / "out"
    with pytest.raises(SystemExit) as stopped:
        main(["grade", "hw1", str(tmp_path), "--out", str(out), option, value])
    assert stopped.value.code == 2  # argparse's usage error, not a traceback
    assert f"`{option}` must be" in capsys.readouterr().err
    assert not out.exists()


def test_empty_paths_are_refused_not_read_as_the_current_folder(tmp_path):
    with pytest.raises(ValueError, match="`source` must be a non-empty path"):
        assignments("")
    with pytest.raises(ValueError, match="`out` must be a non-empty path"):
        grade("hw1", tmp_path, out="")
    with pytest.raises(ValueError, match="`submissions` must be a non-empty path"):
        grade("hw1", "", out=tmp_path / "out")
    with pytest.raises(ValueError, match="`out` must be a non-empty path"):
        release(["hw1"], out="")
    with pytest.raises(ValueError, match="`folder` must be a non-empty path"):
        find_submissions("", "hw1")


def test_names_must_be_a_non_empty_list_of_known_assignments(tmp_path):
    with pytest.raises(ValueError, match="`names` must be a list of strings"):
        release("hw1", out=tmp_path)  # a bare string would be its letters
    with pytest.raises(ValueError, match="`names` must be a non-empty list"):
        release([], out=tmp_path)
    assert not list(tmp_path.iterdir())


def test_command_line_release_without_names_releases_all(tmp_path, capsys):
    from course_lib.homework.__main__ import main

    source = write_tiny_source(tmp_path / "source")
    assert main(["release", "--out", str(tmp_path / "out"), "--source", str(source)]) == 0
    assert (tmp_path / "out" / "tiny" / "tiny.ipynb").is_file()


def test_a_student_with_a_file_and_a_folder_is_named_with_both(tmp_path):
    """``alice.ipynb`` and ``alice/hw1.ipynb`` used to give one submission without a word."""
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "hw1.ipynb").write_text("{}")
    (tmp_path / "bob.ipynb").write_text("{}")
    with pytest.warns(UserWarning) as caught:
        found = find_submissions(tmp_path, "hw1")
    assert found == [("alice", tmp_path / "alice.ipynb"), ("bob", tmp_path / "bob.ipynb")]
    [message] = [str(w.message) for w in caught]
    assert "'alice.ipynb' and 'alice/hw1.ipynb'" in message
    assert "'alice.ipynb' was graded, 'alice/hw1.ipynb' was not" in message


def test_an_empty_submissions_folder_gives_an_empty_gradebook_and_a_warning(tmp_path):
    (tmp_path / "subs").mkdir()
    with pytest.warns(UserWarning, match="no submissions of 'hw1'"):
        assert grade("hw1", tmp_path / "subs", out=tmp_path / "out") == []
    with open(tmp_path / "out" / "grades.csv", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[:3] == ["student", "assignment", "status"] and not rows
    assert set(_max_points("hw1")) <= set(header)


def test_submitted_code_never_runs_in_this_process(tmp_path):
    with pytest.raises(ValueError, match="`step` must be one of"):
        run_in_process("autograde", tmp_path, "hw1")
    with pytest.raises(ValueError, match="`student` is only for"):
        run_in_process("generate_assignment", tmp_path, "hw1", "ann")
    with pytest.raises(ValueError, match=r"`config` keys must be 'Class\.trait'"):
        run_in_process("generate_feedback", tmp_path, "hw1", config={"timeout": 3})


def test_nbgrader_command_takes_strings_only():
    assert nbgrader_command("autograde", "hw1")[-2:] == ["autograde", "hw1"]
    with pytest.raises(ValueError, match="`args`"):
        nbgrader_command("autograde", 1)
