"""The labels of a detector's rows on the command line: which rows carry one, which label is
the normal one (``--normal-label``, the one ``aekit detect`` recorded, or a rule), and which rows
are then anomalies, for the ROC-AUC, PR-AUC and figures of ``detect``, ``evaluate`` and
``detect-series``."""

from __future__ import annotations

MAX_RECORDED_LABELS = 100  # more distinct labels than this are no classes worth listing


def labelled_rows(y):
    """Which rows have a label: not blank. aekit reads a blank label cell as None (text), or as
    -1 beside numeric labels with a 0 and no -1 (:func:`aekit.cli.label_text.read_blank_labels`;
    NaN elsewhere), so -1 beside a 0 is a blank; beside 1 alone it is scikit-learn's anomaly
    label and counts."""
    import numpy as np

    from aekit.cli.label_text import blank_cells

    values = np.asarray(y, dtype=object)
    blank = blank_cells(values)
    texts = {str(v) for v in values[~blank]}
    if "-1" in texts and "0" in texts:
        blank |= np.array([str(v) == "-1" for v in values])
    return ~blank


def _match(text: str, labels) -> str | None:
    """``text`` if it is one of ``labels``, else the label that is the same number, if any."""
    return text if text in labels else _same_number(text, labels)


def is_label(text: str, label: str) -> bool:
    """Whether a label written ``text`` is the label ``label`` (as written, or the same
    number: 0 and 0.0)."""
    return _match(label, [text]) is not None


def _same_number(text: str, labels) -> str | None:
    """The label among ``labels`` that is the number ``text`` (1 and 1.0), if one is."""
    same = _same_numbers(text, labels)
    return same[0] if len(same) == 1 else None


def _same_numbers(text: str, labels) -> list[str]:
    """The labels among ``labels`` that are the number ``text`` (codes 007 and 07 are 7 both)."""
    try:
        value = float(text)
    except ValueError:
        return []
    same = []
    for label in labels:
        try:
            if float(label) == value:
                same.append(label)
        except ValueError:
            continue
    return same


def as_anomaly(
    y, normal_label: str | None, recorded: str | None = None, seen=None, ruled: str | None = None
):
    """Which rows are anomalies by their label: every label but ``normal_label``; without
    one, the label the run recorded (``recorded``, when it is one of y's, or when y shares a
    label with those detect saw, ``seen``: new rows without a normal one are all anomalies),
    else the label detect's rule took (``ruled``, when every label of y is one detect saw, or
    ``ruled`` is a name, not a number, among y's beside new ones: a file of mostly anomalies
    must not make them the normal ones, and labels of another convention (numbers: 1 normal
    for scikit-learn, anomalous for 0/1 labels) must not be read by it),
    else the label called 0, False or
    normal, else the most frequent label (said in a warning). Labels of another kind than
    detect's (0/1 for ok/fraud) take the rule."""
    import warnings
    from collections import Counter

    import numpy as np

    texts = [str(v) for v in y]
    if not texts:  # every label cell empty
        _no_labels()
        return np.zeros(0, dtype=bool)
    counts = Counter(texts)
    if normal_label is None:  # a label given names the classes: they are no measurements
        _refuse_continuous(counts)
    # (1 and 1.0 are one label: a blank cell makes pandas read a column of labels as floats)
    same_kind = any(
        label in counts or _same_number(label, counts)
        for label in [recorded, *(seen or ())]
        if label is not None
    )
    given = normal_label is not None  # typed: a number of several codes is refused
    if normal_label is None and recorded is not None and same_kind:
        normal_label = recorded  # the --normal-label the run was given, checked then
    chosen = normal_label is None  # by a rule, not by the user
    # detect's rule, on detect's labels, or on new ones beside its own normal label (a test
    # folder of good images and defect classes detect never saw: 'blob' was taken as normal)
    if (
        chosen
        and ruled is not None
        and seen
        and (
            all(_match(t, seen) for t in counts) or (_match(ruled, counts) and not _numeric(ruled))
        )
    ):
        normal_label = _match(ruled, counts) or ruled
    elif chosen:
        normal_label, named = _rule_label(counts)
        if not named:
            warnings.warn(
                f"taking the most frequent label {normal_label!r} as normal; "
                "set --normal-label to choose.",
                stacklevel=2,
            )
    elif (
        given
        and normal_label not in counts
        and len(alike := _same_numbers(normal_label, counts)) > 1
    ):
        raise ValueError(
            f"--normal-label {normal_label!r} is the number of several labels of DATA, "
            f"{', '.join(map(repr, sorted(alike)))}, which are classes apart; give one as written."
        )
    elif normal_label not in counts and (same := _same_number(normal_label, counts)):
        normal_label = same  # '--normal-label 1' for labels read as 1.0
    elif normal_label not in counts and not (normal_label == recorded and same_kind):
        # (the run's normal label holds no row of these new rows: each one is an anomaly)
        known = ", ".join(sorted(counts)[:10])
        raise ValueError(f"--normal-label {normal_label!r} is not a label of DATA: {known}.")
    labels = np.asarray([t != normal_label for t in texts])
    if given and not labels.any():  # normal rows alone, as named: the README's ECG recipe
        warnings.warn(
            f"every row has the normal label {normal_label!r}: no ROC-AUC or PR-AUC (nor "
            "ROC/PR curves), which need anomalies too; measure them on labelled rows of both "
            "kinds (aekit evaluate RUN DATA).",
            stacklevel=2,
        )
    elif labels.all() or not labels.any():
        same = (
            f"no row has the normal label {normal_label!r}, so every row is an anomaly"
            if labels.all()
            else f"every row has the same label ({normal_label!r} is normal)"
        )
        warnings.warn(  # said by detect, which draws the curves, and evaluate, which does not
            f"{same}: no ROC-AUC or PR-AUC (nor ROC/PR curves), which need both normal rows and "
            "anomalies; set --normal-label if another label is the normal one.",
            stacklevel=2,
        )
    elif chosen and labels.mean() > 0.5:  # digits: '0' normal, the nine other digits not
        warnings.warn(
            f"taking the label {normal_label!r} as normal makes {int(labels.sum()):,} of "
            f"{len(labels):,} rows ({labels.mean():.0%}) anomalies; set --normal-label to "
            "name the normal class.",
            stacklevel=2,
        )
    return labels


def seen_labels(y) -> list[str] | None:
    """The distinct labels of the labelled rows, as text, for config.toml (None: no labels, or
    too many to be classes)."""
    if y is None:
        return None
    from aekit.cli.common import label_text

    kept = zip(y, labelled_rows(y), strict=True)
    texts = sorted({label_text(v) for v, has_one in kept if has_one})
    return texts if 0 < len(texts) <= MAX_RECORDED_LABELS else None


def check_labels_before_fit(y, normal_label: str | None) -> None:
    """Refuse before a command's work the labels ``y`` it would refuse after it (a detector
    fitted for an hour was thrown away): measurements, not classes (:func:`_refuse_continuous`),
    or a ``normal_label`` none of them is (a typo, --normal-label goood)."""
    import warnings
    from collections import Counter

    kept = [v for v, has_one in zip(y, labelled_rows(y), strict=True) if has_one]
    if normal_label is None:
        _refuse_continuous(Counter(str(v) for v in kept))
    elif kept:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # said after the fit, beside the ROC-AUC
            as_anomaly(kept, normal_label)


def _refuse_continuous(counts) -> None:
    """Labels that are measurements, not classes (many distinct fractional numbers): each one
    was a label of its own, the most frequent taken as normal and every other row an
    anomaly, and a meaningless ROC-AUC printed. Classes repeat (codes such as 250.01, half
    steps): values mostly distinct, over half as many as the rows, are measurements."""
    if len(counts) <= 20 or len(counts) <= sum(counts.values()) / 2:
        return
    fractional = []
    for text in counts:
        try:
            value = float(text)
        except ValueError:
            return  # text labels: classes, however many
        if not value.is_integer():
            fractional.append(text)
    if len(fractional) > len(counts) / 2:
        raise ValueError(
            f"the labels look continuous ({len(counts):,} distinct values, such as "
            f"{', '.join(fractional[:3])}): an anomaly label says which rows are normal and "
            "which anomalies (e.g. 0 and 1); threshold or bin the values into such labels first."
        )


def _rule_label(counts) -> tuple[str, bool]:
    """The normal label when none is given: the one called 0, False or normal (True: named so),
    else the most frequent (False)."""
    named = [t for t in ("0", "False", "normal", "0.0") if t in counts]
    return (named[0], True) if named else (counts.most_common(1)[0][0], False)


def chosen_normal_label(y, normal_label: str | None = None) -> str | None:
    """The normal label :func:`as_anomaly` takes for labels ``y`` without --normal-label (None
    without labels, a labelled row, or with ``normal_label`` given): detect records it, so that
    evaluate reads new rows' labels by it instead of choosing again from them (a file of mostly
    anomalies made them the normal ones)."""
    from collections import Counter

    if y is None or normal_label is not None:
        return None
    texts = [str(v) for v, has_one in zip(y, labelled_rows(y), strict=True) if has_one]
    return _rule_label(Counter(texts))[0] if texts else None


def by_label(
    anomaly_scores,
    y,
    normal_label: str | None,
    recorded: str | None = None,
    seen=None,
    ruled: str | None = None,
):
    """The scores of the rows that have a label (:func:`labelled_rows`) and which of those are
    anomalies (:func:`as_anomaly`), for the figures and the printed ROC-AUC."""
    keep = labelled_rows(y)
    if not keep.any():  # every label cell empty: the scores as if there were no labels, said
        return anomaly_scores, _no_labels()
    kept = [label for label, has_one in zip(y, keep, strict=True) if has_one]
    return anomaly_scores[keep], as_anomaly(kept, normal_label, recorded, seen, ruled)


def _no_labels() -> None:
    """Say that no row has a label, so there are no ROC-AUC and PR-AUC; None (no labels)."""
    import warnings

    warnings.warn(
        "no row has a label: no ROC-AUC or PR-AUC (nor ROC/PR curves), which need labelled "
        "normal rows and anomalies.",
        stacklevel=3,
    )


def _numeric(label: str) -> bool:
    """Whether a label is a number (a code of some convention), not a name such as 'good'."""
    try:
        float(label)
    except ValueError:
        return False
    return True
