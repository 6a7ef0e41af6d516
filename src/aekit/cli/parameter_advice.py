"""The command line's words for scikit-learn's check of a parameter (``The 'threshold'
parameter of AnomalyDetector must be ...``) and for the threshold settings a rule does not read:
the option that set the parameter (``--threshold``, ``--seed``), else ``--param NAME``; and for
the refusals of a detector's ``member_params``; part of :data:`aekit.cli.advice.ADVICE`."""

from __future__ import annotations

import re
from typing import Any

from aekit.cli.running_command import running_options


def _unused_settings(match: re.Match) -> str:
    """aekit.anomaly.thresholds.warn_unused_options' warning with the command line's flags."""
    flags = {
        "contamination": "--contamination ",
        "X_normal": "--normal-rows",
        "likelihood_window": "--likelihood-window ",  # detect-series
    }
    names = []
    for item in match[1].split(", "):
        name, _, value = item.partition("=")
        flag = flags.get(name)
        names.append(f"--param {item}" if flag is None else flag + value.strip("'"))
    rule = f"--threshold {match[3]}" + (" (the default)" if match[3] == "contamination" else "")
    return f"{', '.join(names)} {match[2]} no effect with {rule}"


_OWN_FLAGS = {"random_state": "--seed", "n_bits": "--bits"}  # parameters not named as options


def _parameter_error(match: re.Match) -> str:
    """scikit-learn's check of a parameter, as the option that set it: ``--threshold`` where
    the command has that option, else ``--param NAME`` (choices sorted: a set prints them in
    any order)."""
    name, allowed, got = match[1], match[2], match[3]
    # random_state is --seed, a hasher's n_bits --bits (max_iter's --epochs has its own
    # advice, OPTION_ADVICE)
    option = _OWN_FLAGS.get(name, f"--{name.replace('_', '-')}")
    said = option if option[2:].replace("-", "_") in running_options() else f"--param {name}"
    if said == f"--param {name}" and re.search(r"'tuple'|'list'|array-like", allowed):
        listed = _list_as_text(name, got)
        if listed is not None:
            return listed
    if "an instance of 'aekit." in allowed:  # an estimator: built in Python, no text gives one
        owner = re.match(r"^The '\w+' parameter of (\w+)", match[0])[1]
        return (
            f"--param {name} takes an autoencoder built in Python, which the command line cannot "
            f"give (got {got}): fit in Python, e.g. {owner}({name}=Autoencoder("
            "architecture='conv1d', ...)), save it, then score it with 'aekit score "
            "MODEL.safetensors DATA -o scores.csv'."
        )
    if option == "--seed":  # a RandomState object is no value of an option, nor Python's words
        from aekit.data.intervals import SEED_WORDS

        allowed = allowed.replace(f" {SEED_WORDS}", "")
        allowed = allowed.replace(", an instance of 'numpy.random.mtrand.RandomState' or None", "")
    allowed = re.sub(  # each set of choices sorted (a set prints them in any order)
        r"a str among \{([^}]*)\}",
        lambda m: "one of " + ", ".join(sorted(re.findall(r"'([^']*)'", m[1]))),
        allowed,
    )
    return f"{said} must be {allowed}; got {got}."


def _list_as_text(name: str, got: str) -> str | None:
    """A list that ``--param`` read as text (``128,64``: it reads TOML, whose lists are in
    brackets), with how to write it; None for other text."""
    from aekit.cli.runs import param_pair, typed_list

    typed = got[1:-1] if re.fullmatch(r"'[^'\\]*'", got) else None  # the repr of a plain str
    if typed is None or typed_list(typed) is None:
        return None
    return (
        f"--param {name}={typed} is read as text, not a list: write it in brackets, "
        f"--param {param_pair(name, typed)} (quoted for the shell)."
    )


# (pattern, replacement) pairs, part of :data:`aekit.cli.advice.ADVICE`
ADVICE: tuple[tuple[str, Any], ...] = (
    (r"^(.+?) (has|have) no effect with threshold='(\w+)'", _unused_settings),
    (r"^threshold='(\w+)'", r"--threshold \1"),
    (r"\buse threshold='(\w+)'", r"use --threshold \1"),  # the advice that ends the first
    (  # scikit-learn's parameter validation
        r"^The '(\w+)' parameter of \w+ must be (.+?)\. Got (.+) instead\.",
        _parameter_error,
    ),
    (  # aekit.estimators._random_states: a seed of sample() out of range, as --seed says it
        r"^random_state=(-?\d+) is out of range; give an int in \[0, 2\*\*32 - 1\].*$",
        r"--seed must be an int in the range [0, 4294967295]; got \1.",  # as fit's check says
    ),
    # aekit.pretraining: a regressor refuses a classifier's settings (said in Python's words)
    (r"^early_stopping_metric='(\w+)' is for", r"--param early_stopping_metric=\1 is for"),
    (r"\buse early_stopping_metric='loss'\.", "leave --param early_stopping_metric out."),
    (r"^class_weight='(\w+)' weighs", r"--param class_weight=\1 weighs"),
    (r"\bleave class_weight=None\.", "leave --param class_weight out."),
    # aekit.anomaly.members: a detector's member_params refused ('aekit detect' sets them
    # with --param, and the members' seeds with --seed)
    (r"^member_params (names|sets) ", r"--param member_params \1 "),
    (r"\(each seeded from AnomalyDetector\(random_state=\.\.\.\),", "(each seeded from --seed,"),
    (r"\bout of member_params\.$", "out of --param member_params."),
)
