"""The keywords an estimator's ``fit`` does not take, ``sample_weight`` above all, refused in
the words of the estimator the user fitted.

No aekit estimator weighs its rows: every row counts the same in a network's loss, an
encoder's statistics and a detector's neighbours. scikit-learn users pass
``fit(X, sample_weight=w)`` out of habit, and Python's own refusal named an internal class
("BaseAutoencoder.fit() got an unexpected keyword argument 'sample_weight'") and no way on.
Each public ``fit`` takes ``**unsupported`` and hands it here first; the keyword catch-all
leaves ``sklearn.utils.validation.has_fit_parameter(est, "sample_weight")`` False, so
scikit-learn's meta-estimators still know that no weights are taken.
"""

from __future__ import annotations

from typing import Any

# Why, and what to do instead, by what the rows are; {X} is the expression of repeated rows.
EQUAL = "every training row weighs the same"
REPEAT_ROWS = f"{EQUAL}; for whole-number weights w, repeat each row w times instead: fit({{X}})"
REPEAT_LABELLED_ROWS = (
    f"{EQUAL}; for whole-number weights w, repeat each row and its label w times instead: "
    "fit({X}, np.repeat(y, w))"
)
KEEP_ROWS = (
    f"{EQUAL}; to leave rows out, fit on the others, fit(X[w > 0]) (repeated rows would be "
    "each other's nearest neighbours, and score low)"
)
SERIES = (
    "every point of the series weighs the same; fit on the stretch of the series that should "
    "count as normal"
)


def refuse_fit_keywords(
    estimator: Any, unsupported: dict[str, Any], X: Any = None, instead: str = REPEAT_ROWS
) -> None:
    """A ``TypeError`` naming ``type(estimator)`` when ``unsupported`` holds any keyword;
    for ``sample_weight``, that weights are not supported, then ``instead`` (why, and what to
    do), X's rows repeated as its type takes it (``.iloc`` for a DataFrame)."""
    if not unsupported:
        return
    owner = f"{type(estimator).__name__}.fit()"
    if "sample_weight" not in unsupported:
        name = next(iter(unsupported))
        raise TypeError(f"{owner} got an unexpected keyword argument {name!r}")
    rows = (
        "X.iloc[np.repeat(np.arange(len(X)), w)]"
        if hasattr(X, "iloc")
        else "np.repeat(X, w, axis=0)"
    )
    raise TypeError(f"{owner} does not support sample_weight: {instead.format(X=rows)}.")
