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


def sorted_by_known(y, classes):
    """DATA's labels ``y`` as a model of ``classes`` reads them: ``(y, known, unseen)``, y as
    objects with each label of another type written as the class it writes (7 the class '7'
    of folder names, :func:`aekit.data.validation.known_labels`), the rows holding a class it
    learned, and those holding a label it never learned (a row marked unlabelled is neither)."""
    import numpy as np

    from aekit.data.validation import known_labels, unlabelled_rows

    y = np.asarray(known_labels(np.asarray(y, dtype=object), classes), dtype=object)
    learned = set(classes.tolist())
    known = np.array([v in learned for v in y.tolist()], dtype=bool)
    return y, known, ~known & ~unlabelled_rows(y)


def data_label(estimator, value, rows: str):
    """DATA's label ``value`` of ``rows`` ("row 3", "rows 3 and 10") for a ConditionalVAE to
    decode under: one of its classes, or a ValueError naming those it knows."""
    if value not in set(estimator.classes_.tolist()):  # DATA's labels, not the model's
        shown = value.item() if hasattr(value, "item") else value  # np.str_('d0') as 'd0'
        raise ValueError(
            f"{rows} {'has' if rows.startswith('row ') else 'have'} the label {shown!r}, which "
            f"the {type(estimator).__name__} was not trained on (it knows "
            f"{known_text(estimator.classes_)}): pass --label with one of those, or the labels "
            "the run was trained with."
        )
    return value
