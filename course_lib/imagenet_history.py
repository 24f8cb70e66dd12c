"""The ImageNet challenge (ILSVRC) classification results of the lecture's history table.

Top-5 error is the share of test photos whose true class is not among the network's five best
guesses, in per cent. The figures are those of the lecture notes ("Evolution of CNN",
AlexNet 15.4 % to SENet 2.251 %), the labels the places in the classification task: every
year's winner, and for 2014 also the runner-up, VGG, which lost to GoogLeNet but became the
template of stacks of 3x3 convolutions. ``note`` says where a paper or the challenge's result
list gives another figure or name. ``builder`` names the ``course_lib.imagenet_models``
builder of the network, where there is one.

Example:
    >>> [(e.year, e.model, e.top5_error) for e in ILSVRC_TOP5 if e.place == "runner-up"]
    [(2014, 'VGG', 7.3)]
    >>> round(ILSVRC_TOP5[0].top5_error / ILSVRC_TOP5[-1].top5_error, 1)  # 2012 vs 2017
    6.8
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ILSVRC_TOP5", "PLACES", "IlsvrcEntry"]

#: The places a result can have.
PLACES = ("winner", "runner-up")


class IlsvrcEntry(NamedTuple):
    """One result: the year, the network, its top-5 error (%) and its place that year."""

    year: int
    model: str
    top5_error: float
    place: str
    builder: str | None
    note: str


#: The lecture's table, in its order (by year, then by error).
ILSVRC_TOP5: tuple[IlsvrcEntry, ...] = (
    IlsvrcEntry(
        2012,
        "AlexNet",
        15.4,
        "winner",
        "alexnet",
        "Krizhevsky et al. (2012) give 15.3 % for their ILSVRC-2012 entry (26.2 % for the "
        "second-best entry, which was not a CNN).",
    ),
    IlsvrcEntry(
        2013,
        "ZFNet",
        11.2,
        "winner",
        "zfnet",
        "Entered as Clarifai, Matthew Zeiler's company; 11.2 % is that entry with extra "
        "training data (11.7 % without).",
    ),
    IlsvrcEntry(
        2014,
        "VGG",
        7.3,
        "runner-up",
        "vgg16",
        "The submitted ensemble of seven VGG nets; the paper later reports 6.8 % with two.",
    ),
    IlsvrcEntry(
        2014,
        "GoogLeNet",
        6.7,
        "winner",
        "googlenet",
        "6.67 % in Szegedy et al. (2014), an ensemble of seven GoogLeNets.",
    ),
    IlsvrcEntry(
        2015,
        "ResNet",
        3.57,
        "winner",
        "resnet_imagenet",
        "An ensemble of residual nets up to 152 layers deep (He et al., 2015).",
    ),
    IlsvrcEntry(
        2016,
        "CUImage",
        2.99,
        "winner",
        None,
        "The lecture spells it 'CUIImage'. The challenge's result list gives 2.99 % to the "
        "team Trimps-Soushen (an ensemble); CUImage won the detection task that year.",
    ),
    IlsvrcEntry(
        2017,
        "SENet",
        2.251,
        "winner",
        None,
        "ResNet-style nets with squeeze-and-excitation blocks (course_lib.squeeze_excite; "
        "course_lib.models.resnet(se_ratio=...)), Hu et al. (2017).",
    ),
)
