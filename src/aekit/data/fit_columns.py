"""X's columns against those seen in fit: scikit-learn's warnings when only one of the two had
names, and the message naming the columns missing, extra, repeated or reordered, with the fix.
"""

from __future__ import annotations

import warnings

from aekit.warning_lines import caller_level


def warn_feature_names(named: bool, fitted_named: bool, owner: str) -> None:
    """scikit-learn's warnings (``sklearn.utils.validation._check_feature_names``, worded as
    there) when X's columns are named and fit's were not, or the reverse: the columns are then
    matched by position alone, which a reordered DataFrame silently breaks."""
    if named and not fitted_named:
        warnings.warn(
            f"X has feature names, but {owner} was fitted without feature names",
            UserWarning,
            stacklevel=caller_level(),
        )
    elif fitted_named and not named:
        warnings.warn(
            f"X does not have valid feature names, but {owner} was fitted with feature names",
            UserWarning,
            stacklevel=caller_level(),
        )


def column_mismatch(names: list[str], expected: list[str]) -> str:
    """Why a table's columns are not those seen in fit, naming them, and the fix."""
    missing = [c for c in expected if c not in names]
    extra = [c for c in names if c not in expected]
    repeated = [c for c in dict.fromkeys(names) if names.count(c) > max(expected.count(c), 1)]
    if repeated:  # e.g. pd.concat([X, X[["f1"]]], axis=1): not an order to fix
        return (
            f"X has the column(s) {_shortened(repeated)} more than once (duplicated); keep one "
            f"of each (X.loc[:, ~X.columns.duplicated()]) and pass the columns seen in fit: "
            f"{_shortened(expected)}."
        )
    if not missing and not extra:
        # a list cut with '...' cannot be pasted; the fitted estimator holds the whole of it
        order = (
            f"X[{_shortened(expected)}]"
            if len(expected) <= _AT_MOST
            else f"X[list(model.feature_names_in_)], the fitted model's {len(expected)} columns "
            f"{_shortened(expected)}"
        )
        return f"X has the columns seen in fit in another order; pass them in fit's order: {order}."
    problems = []
    if missing:
        problems.append(f"lacks {_shortened(missing)}")
    if extra:
        problems.append(f"has {_shortened(extra)}, which fit did not have (a label? leave it out)")
    return f"X {' and '.join(problems)}. Pass the columns seen in fit: {_shortened(expected)}."


_AT_MOST = 10  # names a message lists


def _shortened(names: list[str], at_most: int = _AT_MOST) -> str:
    shown = ", ".join(repr(n) for n in names[:at_most])
    return f"[{shown}{', ...' if len(names) > at_most else ''}]"
