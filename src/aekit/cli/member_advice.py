"""'aekit detect''s advice for members that have not learned: its --param sets the detector's
own settings, and reaches the default members through ``member_params`` alone (the only
members the command builds), so each piece of advice a member's warning gives (train longer,
a larger learning rate, a smaller batch) is a ``member_params`` to pass.

``--param member_params=...`` replaces the whole table, so the advice is one table: the one the
user gave, with every advised value of the message merged in, said once. Each rule
(:data:`MEMBER_ADVICE`, among :data:`aekit.cli.option_advice.OPTION_ADVICE`) leaves a marker
of its values, and :func:`merged_member_params`, after every rule, writes the table at the
first and the names of its values at the later ones: two pieces of advice gave two tables,
each dropping the other's values and the user's, and the words on the other --param twice.
"""

from __future__ import annotations

import re
from typing import Any

# What each rule advises (the member's parameters set as the advice says), and the words
# before the table where its advice comes first
_ADVISED = (
    ({"max_iter": 200, "learning_rate_init": 0.003}, ": "),
    ({"tol": 1e-5, "learning_rate_init": 0.003}, ": "),
    ({"batch_size": 32}, "; the detector's members take one with "),
)
_MARK = "\x1f"  # around the index of an advised table; no message holds it
_MARKED = re.compile(f"{_MARK}(\\d+){_MARK}")

# (pattern, the option of 'aekit detect' alone, its advice, none elsewhere): the warnings of
# a detector's members, whose own advice names the members' parameters
MEMBER_ADVICE = (
    (
        r"\bTrain longer \(a larger max_iter\) or with a larger learning_rate_init\.",
        "normal_rows",
        f"Train the detector's members longer or with a larger learning rate{_MARK}0{_MARK}.",
        None,
    ),
    (
        r"\btrain longer \(a smaller tol or a larger n_iter_no_change\) or with a larger "
        r"learning_rate_init\.",
        "normal_rows",
        f"train the detector's members longer or with a larger learning rate{_MARK}1{_MARK}.",
        None,
    ),
    (
        r": a smaller batch_size \(e\.g\. 32\) takes more\.",
        "normal_rows",
        f": a smaller batch takes more{_MARK}2{_MARK}.",
        None,
    ),
    (  # aekit.anomaly.members.refuse_shared_checkpoint: the detector's settings are --param
        r"\bLeave checkpoint_dir out, or fit one member without a refit "
        r"\(n_estimators=1, trim_fraction=0\)\.",
        "normal_rows",
        "Leave checkpoint_dir out of it, or fit one member without a refit (--param "
        "n_estimators=1 --param trim_fraction=0).",
        None,
    ),
    (  # aekit.anomaly.members.member_params_advice: Python's way, said above with --param
        r" The detector's members take max_iter, learning_rate_init and batch_size through "
        r"member_params, e\.g\. AnomalyDetector\(member_params=\{[^}]*\}\)\.",
        "normal_rows",
        "",
        None,
    ),
)

# How an advised value goes further than the user's own where theirs already goes as far
# (max_iter=500 given: 1000, not the advice's 200): larger (a factor above 1) or smaller
_FURTHER = {"max_iter": 2.0, "learning_rate_init": 3.0, "tol": 0.1, "batch_size": 0.5}


def merged_member_params(text: str) -> str:
    """``text`` with the markers of :data:`MEMBER_ADVICE` written out: at the first, ``with
    --param 'member_params={...}'`` holding the user's own ``member_params`` and every value
    advised in ``text``; at each later one, the names of its values in that table."""
    marks = [int(index) for index in _MARKED.findall(text)]
    if not marks:
        return text
    from aekit.cli.param_values import toml_literal
    from aekit.cli.shell_words import shell_word

    given = _given_member_params()
    merged = dict(given)
    for index in marks:
        for name, value in _ADVISED[index][0].items():
            merged[name] = _further(name, value, given.get(name))
    said: list[int] = []

    def written(match: re.Match) -> str:
        values, lead = _ADVISED[int(match[1])]
        if said:  # the table was written at the first: its values, named
            named = ", ".join(f"{name}={toml_literal(merged[name])}" for name in values)
            return f" ({named}, in that member_params)"
        said.append(int(match[1]))
        entries = ", ".join(f"{name}={toml_literal(value)}" for name, value in merged.items())
        table = shell_word(f"member_params={{{entries}}}")  # as typed: {max_iter=200, ...}
        return (
            f"{lead}--param {table} (the other --param set the detector's own settings, not "
            "its members')"
        )

    return _MARKED.sub(written, text)


def _further(name: str, advised: Any, given: Any) -> Any:
    """``advised``, or where ``given`` (the user's own value) already goes as far, ``given``
    taken further by :data:`_FURTHER`'s factor, to two significant digits."""
    if isinstance(given, bool) or not isinstance(given, (int, float)):
        return advised
    factor = _FURTHER[name]
    if (given - advised) * (factor - 1) < 0:  # the advice goes further than the user's
        return advised
    value = float(f"{given * factor:.2g}")
    return max(1, int(value)) if isinstance(advised, int) else value


def _given_member_params() -> dict[str, Any]:
    """The ``member_params`` the running command was given (its last ``--param
    member_params=...``, as the command reads them), else none."""
    from aekit.cli import outputs
    from aekit.cli.param_values import parse_value

    arguments = {} if outputs.current_call is None else outputs.current_call[2]
    given: Any = None
    for pair in arguments.get("param") or []:
        name, _, text = str(pair).partition("=")
        if name.strip() == "member_params":
            given = parse_value(text.strip())
    return dict(given) if isinstance(given, dict) else {}
