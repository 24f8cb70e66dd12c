"""The ILSVRC table: the lecture's figures, the right places, and notebook 17 agrees."""

import ast
import json
from pathlib import Path

from course_lib import imagenet_models
from course_lib.imagenet_history import ILSVRC_TOP5, PLACES

NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "17_resnet.ipynb"

# The lecture notes, "Evolution of CNN - ImageNet (ILSVR)" (seed 003), figure for figure.
LECTURE = [
    ("AlexNet", 2012, 15.4),
    ("ZFNet", 2013, 11.2),
    ("VGG", 2014, 7.3),
    ("GoogLeNet", 2014, 6.7),
    ("ResNet", 2015, 3.57),
    ("CUImage", 2016, 2.99),
    ("SENet", 2017, 2.251),
]


def test_the_figures_of_the_lecture():
    assert [(e.model, e.year, e.top5_error) for e in ILSVRC_TOP5] == LECTURE


def test_places():
    """VGG was second in 2014 behind GoogLeNet; every other entry won its year."""
    assert all(e.place in PLACES for e in ILSVRC_TOP5)
    assert [e.model for e in ILSVRC_TOP5 if e.place == "runner-up"] == ["VGG"]
    winners = [e.year for e in ILSVRC_TOP5 if e.place == "winner"]
    assert winners == sorted(set(winners)) == list(range(2012, 2018))
    by_year = {}
    for e in ILSVRC_TOP5:
        by_year.setdefault(e.year, []).append(e)
    for entries in by_year.values():  # the winner has the lowest error of its year
        best = min(entries, key=lambda e: e.top5_error)
        assert best.place == "winner"


def test_builders_exist():
    named = [e.builder for e in ILSVRC_TOP5 if e.builder is not None]
    assert named == ["alexnet", "zfnet", "vgg16", "googlenet", "resnet_imagenet"]
    assert all(name in imagenet_models.__all__ for name in named)
    assert all(e.note.endswith(".") for e in ILSVRC_TOP5)


def _notebook_table() -> dict:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "top5 = {" in "".join(c["source"]))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "top5":
            return ast.literal_eval(node.value)
    raise AssertionError("no `top5 = {...}` in notebook 17")


def test_notebook_17_chart_agrees():
    """Section 7 of notebook 17 has its own copy of the table (label: (error, place))."""
    table = _notebook_table()
    ours = {f"{e.model}\n{e.year}": (e.top5_error, e.place) for e in ILSVRC_TOP5}
    assert table == ours
