"""The rules by which the command line says advice that names a parameter of a fitting
command's option (``handle_missing=True``, ``max_iter``, ``time_column``,
``X.drop(columns=...)``): each rule has the option, the words in a command that has it, and the
words elsewhere (in 'aekit score', which reads a fitted model); part of
:func:`aekit.cli.errors.for_the_command_line`."""

from __future__ import annotations

import re
import shlex

from aekit.cli.member_advice import MEMBER_ADVICE


def _leave_out_unexpected(match: re.Match) -> str:
    """The columns a series run never saw (a label column beside the values, as in the file it
    was evaluated with), with the options that leave them out: the advice was to pass the
    fitted columns or refit."""
    names = re.findall(r"'((?:[^'\\]|\\.)*)'", match[1])
    options = " ".join(f"--ignore-column {shlex.quote(n)}" for n in names)
    return (
        f"(unexpected {match[1]}); leave them out with {options} (a label column: "
        "--label-column), or pass the columns"
    )


def _leave_an_empty_column_out(match: re.Match) -> str:
    """A column with no value in any row, left out: by --ignore-column from a table, but from
    an array DATA (.npy, .npz), which has no named columns and refuses the option, in Python
    (np.delete)."""
    from aekit.cli import outputs
    from aekit.cli.shell_words import shell_word

    data = outputs.current_call[2].get("data") if outputs.current_call else None
    delete = re.search(r"np\.delete\(X, \d+, axis=1\)", match[4] or "")
    if isinstance(data, str) and data.lower().endswith((".npy", ".npz")) and delete:
        return f"{match[1]}: leave it out of DATA ({delete[0]} in Python, then np.save)"
    return f"{match[1]}: leave it out with --ignore-column {shell_word(match[3])}{match[4] or ''}"


# Advice that names an option of a fitting command: (pattern, the option, the advice in a
# command that has it, the advice elsewhere, e.g. in 'aekit score', which reads a fitted model).
OPTION_ADVICE = (
    # the rows of 'aekit search', whose X is QUERY (elsewhere aekit.cli.advice says DATA)
    (r"^X (contains|has|holds|lacks) ", "query", r"QUERY \1 ", None),
    (
        r"\bImpute them, or pass handle_missing=True to let the detector encode them\.",
        "handle_missing",
        "Fill them with 'aekit impute' first, or pass --handle-missing to let the detector "
        "encode them.",
        "Fill them with 'aekit impute' first, or refit with 'aekit detect --handle-missing' so "
        "that the detector encodes them.",
    ),
    (  # a fitted row detector: a refit, even in 'aekit score', whose --handle-missing is a
        # series run's
        r"\bImpute them, or refit with handle_missing=True to let the detector encode them\.",
        "",
        None,
        "Fill them with 'aekit impute' first, or refit with 'aekit detect --handle-missing' so "
        "that the detector encodes them.",
    ),
    (
        r"\bpass handle_missing='interpolate'",
        "handle_missing",
        "pass --handle-missing interpolate",
        "refit with 'aekit detect-series --handle-missing interpolate'",
    ),
    (  # aekit.timeseries.repeats: one time repeated with different values
        r"\bonto the regular grid with handle_missing='interpolate'",
        "handle_missing",
        None,  # said by aekit.cli.series_advice
        "onto the regular grid by refitting with 'aekit detect-series --handle-missing "
        "interpolate'",
    ),
    (r"\bpass handle_missing=True\b", "handle_missing", "pass --handle-missing", None),
    (  # aekit.timeseries (a dead channel, constant or mostly filled): 'aekit score' of a
        # series run has no --value-columns, its model's channels are fixed
        r"\bfit without it: name the channels with value_columns\.",
        "value_columns",
        "fit without it: name the channels with --value-columns.",
        "refit without it: name the other channels with 'aekit detect-series --value-columns'.",
    ),
    (  # aekit.timeseries.series_input: a series shorter than one window ('aekit score' has
        # no --window: the model's window is fixed, so the series must grow)
        r"\bfewer than window=(\d+); use a smaller window or a longer series\.",
        "window",
        r"fewer than --window \1; use a smaller --window or a longer series.",
        r"fewer than the model's window of \1; give at least \1 points (the new points with "
        r"those before them).",
    ),
    (  # aekit.timeseries.detector: windows that leave points unscored (fit only)
        r"^stride=(\d+) is larger than window=(\d+): (.*); use stride <= window\.",
        "stride",
        r"--stride \1 is larger than --window \2: \3; use a --stride of at most the --window.",
        None,
    ),
    (  # aekit.timeseries.inputs: detect-series names the column; score reads the model's
        r"^time_column '([^']*)' is not a column of X; it has\b",
        "time_column",
        r"--time-column \1 is not a column of DATA; it has",
        r"DATA has no column '\1', the time column the model was fitted with; it has",
    ),
    (
        r"^time_column='([^']*)' needs a DataFrame;",
        "time_column",
        r"--time-column \1 needs a table DATA (.csv, .parquet);",
        r"the model was fitted with the time column '\1', so DATA must be a table (.csv, "
        r".parquet) holding it;",
    ),
    (  # aekit.estimators._params / pretraining: a layer width below 1, set by --param
        r"^(hidden|head)_layer_sizes=\(([^)]*?),?\) must hold",
        "param",
        r"--param \1_layer_sizes=[\2] must hold",
        None,
    ),
    (  # aekit.compression.prior.check_step: compress's --step, train-compressor's --param
        r"^step=(\S+) is below the smallest step (.*) Use step >= (\S+)\.$",
        "step",
        r"--step \1 is below the smallest step \2 Use a --step of at least \3.",
        r"--param step=\1 is below the smallest step \2 Use --param step=\3 or larger.",
    ),
    (  # aekit.anomaly.thresholds: too few training scores for a tail
        r"\bgive the expected anomaly rate \(contamination=\.\.\.\)",
        "contamination",
        "give the expected anomaly rate (--contamination RATE)",
        None,
    ),
    (  # scikit-learn's parameter check, where the command sets max_iter with --epochs
        r"^The 'max_iter' parameter of \w+ must be (?:None or )?an int in the range \[1, inf\)"
        r"(?: or a str among \{'auto'\})?\. Got (-?\d+) instead\.",  # the Compressor's: 'auto'
        "epochs",
        r"--epochs (max_iter) must be at least 1; got \1.",
        None,
    ),
    # the same warnings of a detector's members in 'aekit detect' (the command with
    # --normal-rows): its --param sets the detector's own settings, which refuse these
    *MEMBER_ADVICE,
    (  # the convergence warnings (aekit.estimators._convergence, the Compressor's): the
        # learning rate first, where a command has --param (aekit demo has --epochs alone)
        r"(\bTrain longer \(a larger max_iter\)) or with a larger learning_rate_init\.",
        "param",
        r"\1 or with a larger learning rate (--param learning_rate_init=0.003).",
        r"\1.",
    ),
    (  # the same, where the stopping rule ended the fit before max_iter
        r"\(a smaller tol or a larger n_iter_no_change\) or with a larger learning_rate_init\.",
        "param",
        "(a smaller --param tol, e.g. tol=1e-5, or a larger --param n_iter_no_change) or with "
        "a larger learning rate (--param learning_rate_init=0.003).",
        "(a run of aekit train, whose --param sets tol and n_iter_no_change).",
    ),
    (  # aekit.data.column_values._bool_hint: codes read as text in fit, as numbers here
        r"and holds numbers here: (?:cast it with X\[(['\"]).+?\1\]\.astype\(str\) or )?"
        r"read it as text, e\.g\. pd\.read_csv\(\.\.\., dtype=\{(['\"])(.+?)\2: str\}\)\.",
        "category_column",
        r"and holds numbers here: read it as text with --category-column \3.",
        None,
    ),
    (  # aekit.data.category_types.type_hint: integer codes in fit (a Parquet file's, or a
        # model fitted in Python), text here that a RUN's reading did not make fit's integers
        r"and holds text here: cast it with X\[(['\"]).+?\1\]\.astype\(int\), or read it as "
        r"numbers\.",
        "category_column",
        "and holds text here: write the column as integers in DATA, or fit the model again on "
        "DATA as it is.",
        None,
    ),
    (  # aekit.estimators._conditional_labels: a model file older than class_counts_
        r"^label_prior='fitted': this model was saved before aekit kept the counts of its "
        r"classes; fit it again, or give the labels \(y\)\.",
        "label_prior",
        "--label-prior fitted: this run was saved before aekit kept the counts of its classes; "
        "train it again, or give --label.",
        None,
    ),
    (  # too few gradient steps an epoch (aekit.estimators._convergence)
        r": a smaller batch_size \(e\.g\. 32\) takes more\.",
        "param",
        ": a smaller batch (--param batch_size=32) takes more.",
        ": a smaller batch_size (a run of aekit train, whose --param sets it) takes more.",
    ),
    (  # a diverged fit (aekit.estimators._convergence)
        r"\bFit again with a smaller learning_rate_init \(it is ([^)]+)\)\.",
        "param",
        r"Fit again with a smaller learning rate (--param learning_rate_init=...; it was \1).",
        r"Fit again with a smaller learning rate (it was \1).",
    ),
    (r"\bIt stopped before max_iter,", "epochs", "It stopped before its --epochs,", None),
    (  # aekit.core.checkpoint: a damaged checkpoint ('aekit info' reads one, takes no option)
        r", or use another checkpoint_dir\b",
        "checkpoint",
        ", or use another --checkpoint folder",
        "",
    ),
    (
        r"\bTrain longer \(a larger max_iter\)",
        "epochs",
        "Train longer (a larger --epochs)",
        "Train longer (--param max_iter=N)",
    ),
    (  # aekit.estimators._variational: a collapsed VAE's advice (the same in every command)
        r"a smaller beta \(beta=([\d.e+-]+)\)( or a KL warm-up \(kl_warmup=10\))?",
        "param",
        lambda m: (
            f"a smaller beta (--param beta={m[1]})"
            + (" or a KL warm-up (--param kl_warmup=10)" if m[2] else "")
        ),
        lambda m: "a smaller beta" + (" or a KL warm-up" if m[2] else ""),  # aekit demo's
    ),
    (  # aekit.estimators._convergence: Bernoulli taken for a table in [0, 1]
        r"a Gaussian \(likelihood='gaussian'\)",
        "param",
        "a Gaussian (--param likelihood=gaussian)",
        "a Gaussian",
    ),
    (r"\b(epochs?) \(max_iter=(\d+)\)", "epochs", r"\1 (--epochs \2)", None),
    (  # aekit.data.fit_columns.column_mismatch
        r"\(a label\? leave it out\)",
        "label_column",
        "(a label? name it with --label-column)",
        "(a label? drop it from DATA)",
    ),
    (  # the same, in a command with no --label-column but the other column options (impute)
        r"\(a label\? drop it from DATA\)",
        "id_column",
        "(a label, an identifier, or a column to leave out? --id-column, --ignore-column)",
        None,
    ),
    (  # the same, where the command takes the column options (aekit.cli.columns)
        r"\(a label\? name it with --label-column\)",
        "id_column",
        "(a label? name it with --label-column; an identifier, or a column to leave out? "
        "--id-column, --ignore-column)",
        None,
    ),
    (  # aekit.data.column_checks.warn_many_categories: an id column read as categories
        r"^column (['\"])(.+?)\1 (has \d+ distinct values in \d+ rows, each encoded as its own "
        r"one-hot category): an identifier or free text\? drop it, or group its values\.",
        "id_column",
        r"column \1\2\1 \3: an identifier or free text? pass --id-column \2 (left out of "
        r"the features, written beside each row's result) or --ignore-column \2, or group its "
        r"values.",
        None,
    ),
    (  # aekit.data.column_checks.warn_row_number: an integer id column read as a measurement
        r"; drop it \(X\.drop\(columns=\[(['\"])(.+?)\1\]\)\)\.",
        "id_column",
        r"; pass --id-column \2 (left out of the features, written beside each row's result) "
        r"or --ignore-column \2.",
        r"; leave it out of DATA.",
    ),
    (  # aekit.data.number_formats.numbers_as_text_message: '$1,200', '12%' read as text
        # (after "AutoencoderImputer fills numbers: " too, as aekit impute says it)
        r"\bcolumn (['\"])(.+?)\1 (holds numbers written with thousands separators, .*) "
        r"Convert the column first: .*, or leave it out\.$",
        "ignore_column",
        r"column \1\2\1 \3 Convert the column to plain numbers in DATA first (1234.5, not "
        r"1,234.5, $ or %), or leave it out with --ignore-column \2.",
        None,
    ),
    (  # aekit.data.number_formats.decimal_numbers_as_text: '0.79' held as text
        r"\bConvert the column first: X\[(['\"])(.+?)\1\] = pd\.to_numeric\(X\[\1\2\1\]\), "
        r"or leave it out\.",
        "ignore_column",
        r"Write the column as numbers in DATA (a Parquet double, not a string), or leave it out "
        r"with --ignore-column \2.",
        None,
    ),
    (  # aekit.data.non_finite._empty_columns: a column missing in every row
        r"(has no value in any row): leave it out \(X\.drop\(columns=\[(['\"])(.+?)\2\]\)\)"
        r"(, or from an array \(a \.npy\), np\.delete\(X, \d+, axis=1\))?",
        "ignore_column",
        _leave_an_empty_column_out,
        r"\1: leave it out of DATA",
    ),
    (
        r"(have no value in any row): leave them out \(X\.drop\(columns=\[.+?\]\)\)"
        r"(, or from an array \(a \.npy\), np\.delete\(X, \[[\d, ]+\], axis=1\))?",
        "ignore_column",
        r"\1: leave each out with --ignore-column\2",
        r"\1: leave them out of DATA",
    ),
    (  # aekit.data.column_checks.check_column_kind: a date column in a table's features
        r"^column (['\"])(.+?)\1 (holds dates .*) Convert it to numbers first (.*) or drop it; "
        r"if its values are codes, not dates, keep them as categories with .*$",
        "ignore_column",
        r"column \1\2\1 \3 Convert it to numbers in DATA first \4 or leave it out with "
        r"--ignore-column \2; if its values are codes, not dates, keep them as categories with "
        r"--category-column \2.",
        None,
    ),
    (  # the same for a typed date column (Parquet), whose advice names pandas' .dt
        r"^column (['\"])(.+?)\1 (holds dates or durations \(.*?\)); convert it to numbers "
        r"first \(e\.g\. .*\) or drop it\.$",
        "ignore_column",
        r"column \1\2\1 \3; convert it to numbers in DATA first (e.g. the hour, the day of "
        r"the week, or the elapsed seconds) or leave it out with --ignore-column \2.",
        None,
    ),
    (  # aekit.timeseries.inputs: a date column (typed, or written as text) without time_column
        r"\bbut no time_column; pass time_column=(['\"])(.+?)\1",
        "time_column",
        r"but no --time-column; pass --time-column \2",
        None,
    ),
    (  # the same in 'aekit score' of a run fitted on no time column (an array): its times
        # can only be left out
        r"\bbut no time_column; pass time_column=(['\"])(.+?)\1 to use it as the time axis"
        r"(?: \(its steps and gaps are then checked\))?, or drop it\.",
        "",
        None,
        r"but the run was fitted on no time column; leave it out with --ignore-column \2 (or "
        r"refit with 'aekit detect-series --time-column \2' to check its steps and gaps).",
    ),
    (  # aekit.timeseries.inputs.check_value_names: a scored file with columns fit never saw
        r"\(missing \[\], unexpected (\[[^\]]*\])\); pass the columns",
        "ignore_column",
        _leave_out_unexpected,
        None,
    ),
    (  # aekit.timeseries.inputs: text columns of a series left out of the channels
        r"\bto choose the channels, name them with value_columns\.",
        "id_column",
        "to choose the channels, name them with --value-columns; to leave one out quietly, "
        "--id-column (it is then written beside each point's score) or --ignore-column.",
        None,
    ),
    (  # the same, of a fitted series detector's new rows (score, evaluate)
        r"\bdrop the column\(s\) from X to leave them out quietly\.",
        "id_column",
        "to leave one out quietly, --id-column (it is then written beside each point's score) "
        "or --ignore-column.",
        None,
    ),
    (  # scikit-learn's check of a fitted model's column names, columns the model never saw
        r"(Feature names unseen at fit time: .*)$",
        "id_column",
        r"\1. Columns that are not features (a label, an identifier)? Name them with "
        r"--label-column, --id-column or --ignore-column.",
        None,
    ),
    (  # the same where the command takes --label-column alone
        r"(Feature names unseen at fit time: (?:(?!Columns that are not features).)*)$",
        "label_column",
        r"\1. A label column? Name it with --label-column.",
        None,
    ),
    (
        r"\bpass them as fit\(X, X_normal=\.\.\.\)",
        "normal_rows",
        "give them with --normal-rows FILE",
        None,
    ),
    # the Compressor's step and interpolate's method, as 'aekit compress' / 'interpolate' name them
    (
        r"^step=(\S+) must be a positive number",
        "step",
        r"--step \1 must be a positive number",
        None,
    ),
    (
        r"^method='([^']*)' is not supported; use 'linear' or 'slerp'\.",
        "method",
        r"--method \1: use linear or slerp.",
        None,
    ),
    # aekit.data.validation.check_count: the count of 'aekit generate' / 'aekit evaluate'
    (r"^n_samples=(-?\d+) must be", "n", r"-n \1 must be", None),
    (r"^n_samples=(-?\d+) must be", "n_samples", r"--n-samples \1 must be", None),
    (  # aekit.data.memory_needed: 'aekit generate -n' beyond the machine's memory
        r"^n_samples=(\d+) rows (.*) \(sample in a loop, each call with its own random_state\)",
        "n",
        r"-n \1 rows \2 (several runs, each with its own --seed)",
        None,
    ),
    (  # aekit.data.number_formats.check_numbers_read_as_text: a declared column is not checked
        r"\(if the column really is categories, say so with "
        r"X\[(['\"])(.+?)\1\]\.astype\('category'\)\)",
        "category_column",
        r"(if the column really is categories, say so with --category-column \2)",
        None,
    ),
)
