"""The labels a model learned, named on the command line: ``--label 7`` is text until it is
matched to one of the model's ``classes_``; a model that needs labels and got none is told
which option gives them."""

from __future__ import annotations

import contextlib
import numbers


def known_label(estimator, label: str):
    """The label of the model's ``classes_`` whose text is ``label`` (labels arrive as text)."""
    classes = getattr(estimator, "classes_", None)  # the labels a model learned, if any
    if classes is None:
        raise ValueError("--label needs a ConditionalVAE run.")
    matches = [c for c in classes if str(c) == label] or _equal_numbers(classes, label)
    if not matches:
        raise ValueError(f"label {label!r} was not seen in training; known: {known_text(classes)}.")
    return matches[0]


def known_text(classes) -> str:
    """A model's labels as its messages list them: ``0, 1, 2``."""
    return ", ".join(str(c) for c in classes)


def _equal_numbers(classes, label: str) -> list:
    """The numeric classes equal to ``label`` read as a number: ``--label 7.0`` or ``07`` is
    the class 7, as ``sample(y=7.0)`` is in Python."""
    try:
        value = float(label)
    except ValueError:
        return []
    return [c for c in classes if isinstance(c, numbers.Number) and c == value]


@contextlib.contextmanager
def labels_option(message: str):
    """The model decides whether it needs labels; when it needs some and got none, say which
    option gives them (``message``) rather than the Python argument ``y``."""
    from aekit.data.validation import MissingLabelsError

    try:
        yield
    except MissingLabelsError:
        raise ValueError(message) from None
