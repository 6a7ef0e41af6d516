"""A table encoding kept as a JSON file (``RUN/encoder.json``, written by ``aekit train`` for a
table with text columns): read back by every command that reads DATA for that RUN, and by the
scoring server, so both encode rows the same way."""

from __future__ import annotations

import os
from typing import Any

from aekit.data.tabular import TabularEncoder


def read_encoder(path: str | os.PathLike, model: Any = None) -> TabularEncoder:
    """The :class:`~aekit.data.tabular.TabularEncoder` whose state ``path`` holds: what
    :meth:`TabularEncoder.load` reads, with its errors (FileNotFoundError, ValueError); with
    ``model``, the one it is read for, checked to write the rows that model reads
    (:func:`check_encoder_width`)."""
    encoder = TabularEncoder.load(path)
    if model is not None:
        check_encoder_width(
            encoder,
            model,
            f"{os.fspath(path)} (the RUN's table encoding)",
            "put back the RUN's own encoder.json, or train the RUN again",
        )
    return encoder


def check_encoder_width(encoder: TabularEncoder, model: Any, name: str, fix: str) -> None:
    """``ValueError`` "NAME writes N columns but the MODEL reads rows of shape ...; FIX" when
    ``encoder`` encodes rows of another width than ``model`` was fitted on. An encoder.json
    edited (a category added) or copied from another run loaded, then failed in numpy's words
    ("could not be broadcast"), was served, or exported graphs that can never run.

    Parameters
    ----------
    encoder : TabularEncoder
        Fitted.
    model : fitted aekit estimator
        The model the encoder's rows go into: an autoencoder (``input_shape()``), or another
        estimator with ``n_features_in_``; one with neither is not checked.
    name : str
        The encoder, as the message names it (its file).
    fix : str
        What to do, said last.
    """
    if hasattr(model, "input_shape"):
        shape = tuple(model.input_shape())
    elif hasattr(model, "n_features_in_"):
        shape = (int(model.n_features_in_),)
    else:
        return
    width = int(encoder.n_features_out_)
    if shape != (width,):
        raise ValueError(
            f"{name} writes {width} columns but the {type(model).__name__} reads rows of "
            f"shape {shape}; {fix}."
        )
