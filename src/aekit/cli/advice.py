"""The rules by which the command line rewords the library's messages
(:func:`aekit.cli.errors.for_the_command_line`): patterns of Python advice (``max_iter``,
``time_column=``, ``X.mean``) and the options and arguments that say it on the command line,
some depending on the running command (which options it has, whether DATA is an image
folder)."""

from __future__ import annotations

import re
import shlex

from aekit.cli import cell_advice


def _image_options(match: re.Match) -> str:
    """aekit.estimators._inputs' images of another shape, with the options that read DATA's
    images as the model reads them (a RUN's recorded ones are used unasked: these are for a
    bare model file, an index or a RUN from before they were recorded)."""
    channels, height, width, fitted_channels, fitted_height, fitted_width = map(int, match.groups())
    if not _data_is_image_folder():  # --image-size and --grayscale read folders only
        if (channels, height, width) == (fitted_height, fitted_width, fitted_channels):
            fix = "save it as (n, C, H, W) (X.transpose(0, 3, 1, 2))"
            return f"{match[0]} DATA looks channels-last: {fix}."
        return match[0]
    options = []
    if (height, width) != (fitted_height, fitted_width):
        options.append(f"--image-size {fitted_height},{fitted_width}")
    if fitted_channels == 1 and channels != 1:
        options.append("--grayscale")
    advice = f" Pass {' '.join(options)} to read them as the model does." if options else ""
    return f"{match[0]}{advice}"


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


# Advice that names an option of a fitting command: (pattern, the option, the advice in a
# command that has it, the advice elsewhere, e.g. in 'aekit score', which reads a fitted model).
OPTION_ADVICE = (
    (
        r"\bImpute them, or pass handle_missing=True to let the detector encode them\.",
        "handle_missing",
        "Fill them with 'aekit impute' first, or pass --handle-missing to let the detector "
        "encode them.",
        "Fill them with 'aekit impute' first, or refit with 'aekit detect --handle-missing' so "
        "that the detector encodes them.",
    ),
    (
        r"\bpass handle_missing='interpolate'",
        "handle_missing",
        "pass --handle-missing interpolate",
        "refit with 'aekit detect-series --handle-missing interpolate'",
    ),
    (r"\bpass handle_missing=True\b", "handle_missing", "pass --handle-missing", None),
    (  # aekit.timeseries.series_input: a series shorter than one window ('aekit score' has
        # no --window: the model's window is fixed, so the series must grow)
        r"\bfewer than window=(\d+); use a smaller window or a longer series\.",
        "window",
        r"fewer than --window \1; use a smaller --window or a longer series.",
        r"fewer than the model's window of \1; give at least \1 points (the new points with "
        r"those before them).",
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
    (  # aekit.anomaly.thresholds: too few training scores for a tail
        r"\bgive the expected anomaly rate \(contamination=\.\.\.\)",
        "contamination",
        "give the expected anomaly rate (--contamination RATE)",
        None,
    ),
    (  # scikit-learn's parameter check, where the command sets max_iter with --epochs
        r"^The 'max_iter' parameter of \w+ must be an int in the range \[1, inf\)"
        r"(?: or a str among \{'auto'\})?\. Got (-?\d+) instead\.",  # the Compressor's: 'auto'
        "epochs",
        r"--epochs (max_iter) must be at least 1; got \1.",
        None,
    ),
    (  # the convergence warnings (aekit.estimators._convergence, the Compressor's)
        r"\bTrain longer \(a larger max_iter\) or with a larger learning_rate_init\.",
        "epochs",
        "Train longer (a larger --epochs) or with a larger learning rate "
        "(--param learning_rate_init=0.003).",
        "Train longer (--param max_iter=N) or with a larger learning rate "
        "(--param learning_rate_init=0.003).",
    ),
    (r"\b(epochs?) \(max_iter=(\d+)\)", "epochs", r"\1 (--epochs \2)", None),
    (  # aekit.data.column_checks.column_mismatch
        r"\(a label\? leave it out\)",
        "label_column",
        "(a label? name it with --label-column)",
        "(a label? drop it from DATA)",
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
    (  # aekit.data.column_checks.numbers_as_text_message: '$1,200', '12%' read as text
        r"^column (['\"])(.+?)\1 (holds numbers written with thousands separators, .*) "
        r"Convert the column first: .*, or leave it out\.$",
        "ignore_column",
        r"column \1\2\1 \3 Convert the column to plain numbers in DATA first (1234.5, not "
        r"1,234.5, $ or %), or leave it out with --ignore-column \2.",
        None,
    ),
    (  # aekit.data.non_finite._empty_columns: a column missing in every row
        r"(has no value in any row): leave it out \(X\.drop\(columns=\[(['\"])(.+?)\2\]\)\)",
        "ignore_column",
        r"\1: leave it out with --ignore-column \3",
        r"\1: leave it out of DATA",
    ),
    (
        r"(have no value in any row): leave them out \(X\.drop\(columns=\[.+?\]\)\)",
        "ignore_column",
        r"\1: leave each out with --ignore-column",
        r"\1: leave them out of DATA",
    ),
    (  # aekit.data.column_checks.check_column_kind: a date column in a table's features
        r"^column (['\"])(.+?)\1 (holds dates .*) Convert it to numbers first (.*) or drop it\.$",
        "ignore_column",
        r"column \1\2\1 \3 Convert it to numbers in DATA first \4 or leave it out with "
        r"--ignore-column \2.",
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
    # aekit.data.validation.check_count: the count of 'aekit generate' / 'aekit evaluate'
    (r"^n_samples=(-?\d+) must be", "n", r"-n \1 must be", None),
    (r"^n_samples=(-?\d+) must be", "n_samples", r"--n-samples \1 must be", None),
)


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
    if option == "--seed":  # a RandomState object is no value of an option
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


# The networks inside composites (aekit.registry.INNER), which a command's user never named:
# 'aekit compress' reads a model of 'aekit train-compressor', not a QuantizingAutoencoder.
INNER_NAMES = {
    "QuantizingAutoencoder": "the compressor",
    "BinaryAutoencoder": "the hasher",
    "_ObservedEntriesAutoencoder": "the imputer",
}

# Python advice in messages of the layers below, as the command line says it.
ADVICE = (
    *cell_advice.ADVICE,  # of DATA's cells: '?' among numbers (--na-values), ...
    *((rf"\b{re.escape(name)}\b", words) for name, words in INNER_NAMES.items()),
    (  # aekit.estimators._inputs: time-first sequences (sliding_windows' layout)
        r"; aekit takes \(n, channels, length\): pass X\.transpose\(0, 2, 1\), or "
        r"sequence_shape=\((\d+), (\d+)\) if it really has",
        r"; aekit takes (n, channels, length): save DATA with its last two axes swapped, or pass "
        r"--param 'sequence_shape=[\1,\2]' if it really has",
    ),
    (  # aekit.estimators._data_scale.warn_of_pixel_values
        r"^X is uint8 \(pixel values 0\.\.255\?\), so likelihood='auto' chose a Gaussian on "
        r"standardized values; for images divide X by 255 .* or pass likelihood='gaussian' to",
        "DATA is uint8 (pixel values 0..255?), so the likelihood chosen is a Gaussian on "
        "standardized values; for images save DATA divided by 255 (values in [0, 1]) to get the "
        "Bernoulli likelihood of pixels, or pass --param likelihood=gaussian to",
    ),
    (
        r"^(X|DATA) has (\d+) features, but TabularEncoder is expecting (\d+) features as "
        r"input\.",
        r"\1 has \2 columns but the model was fitted on \3.",
    ),
    (  # every command that applies a model to DATA's images takes --image-size, --grayscale
        r"\bhas images of shape \((\d+), (\d+), (\d+)\) but the model was fitted on "
        r"\((\d+), (\d+), (\d+)\)\.",
        _image_options,
    ),
    (r"^(.+?) (has|have) no effect with threshold='(\w+)'", _unused_settings),
    (r"^threshold='(\w+)'", r"--threshold \1"),
    (r"^label_column='([^']*)' is not a column of\b", r"--label-column \1 is not a column of"),
    (  # aekit.generation: 'aekit manifold' of a run whose code is not 2-D
        r"^manifold_grid needs latent_dim=2; this model has (\d+)\.",
        r"aekit manifold draws a 2-D code: train a model with --param latent_dim=2; this "
        r"model's code has \1 units.",
    ),
    (  # aekit.hashing.index: 'aekit search -k'
        r"^k=(-?\d+) must be a positive integer\.",
        r"-k \1 must be a positive integer: the number of hits a query gets.",
    ),
    (  # scikit-learn's parameter validation
        r"^The '(\w+)' parameter of \w+ must be (.+?)\. Got (.+) instead\.",
        _parameter_error,
    ),
    (r"\bhandle_missing='interpolate'", "--handle-missing interpolate"),  # detect-series
    (  # aekit.timeseries.repeats: the pandas fixes, as a file's
        r"\bsort them: X\.sort_values\('([^']*)'\)\.",
        r"sort the file by its \1 column.",
    ),
    (r", or beforehand: X\.groupby\('([^']*)'\)\.mean\(\)\.", r", or average them in the file."),
    (  # aekit.timeseries.repeats.check_long_format: a command fits one series per DATA
        r"\bFit them as a list of series, \[s for _, s in X\.groupby\('([^']*)'\)\]"
        r"(?:, or as the channels of one series: (X\.pivot\(.*\)\.reset_index\(\)))?\.",
        lambda m: (
            f"Write each {m[1]}'s rows to a file of its own and run the command on each"
            + (f", or give each {m[1]} a column of its own (in pandas: {m[2]})" if m[2] else "")
            + "."
        ),
    ),
    (r"\bvalue_columns=(\[[^\]]*\])", lambda m: "--value-columns " + _comma_list(m[1])),
    (r"\bname (them|the channels) with value_columns\b", r"name \1 with --value-columns"),
    (r"^value_columns (\[[^\]]*\])", lambda m: "--value-columns " + _comma_list(m[1])),
    (r"^value_columns names\b", "--value-columns names"),
    (r"\bare not columns of X; it has\b", "are not columns of DATA; it has"),
    (  # aekit.core.train: a checkpoint past the epochs asked for ('aekit train --checkpoint')
        r"\bbeyond max_iter=(\d+): pass max_iter >= (\d+) to go on with it, or another "
        r"checkpoint_dir\b",
        r"beyond --epochs \1: pass --epochs \2 or more to go on with it, or another --checkpoint",
    ),
    (r"^checkpoint_dir='([^']*)' is a file\b", r"--checkpoint \1 is a file"),
    (r"\bor use another checkpoint_dir\b", "or use another --checkpoint folder"),
    (  # aekit.data.float32.warn_float32_rounding
        r"\bSubtract an offset first, e\.g\. X - X\.mean\(axis=0\), and the same offset from "
        r"new rows\.",
        "Subtract an offset from such a column before aekit reads DATA (the same offset from "
        "new rows).",
    ),
    (  # aekit.core.objectives.likelihoods.check_bernoulli_range, a fitted model's new rows
        r"^likelihood='bernoulli' needs data in \[0, 1\], but X ranges over (\[[^\]]*\])\. "
        r"The model was fitted on data in \[0, 1\]; scale X as its training data was scaled "
        r"\(noisy data: clip it, np\.clip\(X, 0, 1\); a DenoisingAutoencoder's denoise does\)\. "
        r"Rows scaled by a scaler fitted on other rows \(MinMaxScaler\) fall a little outside: "
        r"clip them too \(MinMaxScaler\(clip=True\) does, in a pipeline as well\), or refit "
        r"with likelihood='gaussian', which takes any value\.",
        r"the model was trained on values in [0, 1] (a Bernoulli likelihood), but DATA ranges "
        r"over \1: scale DATA as the training data was scaled (noisy images: 'aekit denoise' "
        r"clips them), or retrain with --param likelihood=gaussian, which takes any value.",
    ),
    (
        r"^likelihood='bernoulli' needs data in \[0, 1\], but X ranges over (\[[^\]]*\])\. "
        r"Scale X to \[0, 1\] or use likelihood='gaussian'\.",
        r"--param likelihood=bernoulli needs values in [0, 1], but DATA ranges over \1: scale "
        r"DATA to [0, 1] or leave the likelihood to the model (Gaussian for other values).",
    ),
    (  # aekit.timeseries.series_input: a series shorter than one window
        r"\bfewer than window=(\d+); use a smaller window\b",
        r"fewer than --window \1; use a smaller --window",
    ),
    (r"\(the others: (\[[^\]]*\])\)", lambda m: f"(the others: {_comma_list(m[1])})"),
    (r"\s*See help\(aekit\.[\w.]+\)\.?", ""),
    (  # a table with text columns ('aekit train' encodes them): no handle_missing here
        r"\bImpute them first \(aekit\.AutoencoderImputer; on the command line, aekit "
        r"impute\)\. \(TabularEncoder itself encodes them as 0 with an observed-mask under "
        r"handle_missing='mask'\.\)",
        "Fill them with 'aekit impute' first, or remove those rows.",
    ),
    (
        r"'torchrun --nproc_per_node=2 script\.py', or pass distributed='auto'",
        "'torchrun --nproc_per_node=2 -m aekit train ...', or drop --param distributed",
    ),
    (  # aekit.core.distributed: a launch whose processes never met
        r"'(torchrun (?:--nnodes=\d+ )?--nproc_per_node=\d+) script\.py'",
        lambda m: f"'{m[1]} -m aekit {_command_name()} ...'",
    ),
    (r"\bpass grayscale=True\b", "pass --grayscale"),  # aekit.data.readers, images on disk
    (  # aekit.data.column_values: a bool column of fit arriving as 0/1
        r"\bcast it with X\['([^']*)'\]\.astype\(bool\)\.",
        r"write column '\1' as True/False in the file.",
    ),
    (r"\bpass image_shape\.", "pass --image-shape C,H,W."),
    (r"\bset image_shape=\(C, H, W\)", "pass --image-shape C,H,W"),
    (  # aekit.timeseries.series_input.warn_rows_of_sequences: heartbeats given as a series
        r"^X reads as a series (.*) If each row of X is a sequence (.*), score the rows with "
        r"AnomalyDetector, or an autoencoder given sequence_shape=\((\d+), (\d+)\)",
        r"DATA reads as a series \1 If each row of DATA is a sequence \2, score the rows with "
        r"'aekit detect', or train an autoencoder on them: 'aekit train' with --param "
        r"'sequence_shape=[\3, \4]' (and --param architecture=conv1d)",
    ),
    (  # aekit.timeseries.inputs.read_series: a 3-D array
        r"\bscore them with AnomalyDetector, or an autoencoder \(sequences as",
        "score them with 'aekit detect', or train an autoencoder on them with 'aekit train' (it "
        "takes sequences as",
    ),
    (r"\bset sequence_shape=\(([^)]*)\)", r"pass --param 'sequence_shape=[\1]'"),
    (r"\bsequence_shape=\(([^)]*)\)", r"--param 'sequence_shape=[\1]'"),
    (
        r"\bRemove or impute (them|those rows) first \(e\.g\. sklearn\.impute\.SimpleImputer\)\.",
        "Fill them with 'aekit impute' first, or remove those rows.",
    ),
    (
        r"^X has non-numeric columns: (.+?)\. Encode them as numbers \(aekit\.TabularEncoder "
        r"one-hot encodes them reversibly\) or drop them\.",
        r"DATA has text columns (\1) that this model cannot read: leave them out with "
        r"--ignore-column (or --id-column, for an identifier), or name the label column with "
        r"--label-column ('aekit train' encodes text columns itself).",
    ),
    (
        r"\bpass them in fit's order: X\[(\[[^\]]*\])\]",
        lambda m: "put them in fit's order: " + _comma_list(m[1]).replace(",", ", "),
    ),
    (r"^X (contains|has|holds|lacks) ", r"DATA \1 "),
    (  # aekit.data.one_hot's warning names the encoder's option and the detector's
        r"refit with detect_one_hot=False \(AnomalyDetector: preprocessing='standardize'\)",
        "refit with --param preprocessing=standardize",
    ),
    (  # aekit.estimators._inputs: channels-last images, fixed in the file on the command line
        r"pass X\.transpose\(0, 3, 1, 2\), or image_shape=\((\d+), (\d+), (\d+)\) if it really "
        r"has (.*)\.$",
        r"save DATA in that layout (np.save(path, X.transpose(0, 3, 1, 2))), or pass --param "
        r"'image_shape=[\1,\2,\3]' if it really has \4.",
    ),
    (r"^image_size=\((\d+), (\d+)\)", r"--image-size \1,\2"),  # aekit.data.images
    (r"^Seed must be between 0 and 2\*\*32 - 1$", "--seed must be between 0 and 2**32 - 1."),
    (
        r"\bgive image_size=\(height, width\) in pixels, e\.g\. \(28, 28\)",
        "e.g. --image-size 28,28",
    ),
    (r"\bX's ", "DATA's "),  # the data the command read, wherever the message names it
    # aekit.data.table_checks names load_array's csv= options
    (r"\bcsv=\{'encoding': '([\w-]+)'\}", r"--encoding \1"),
    (r"\bread it with csv=\{'sep': '(\\t|.)'\}", r"pass --sep '\1'"),
    (r"\bread it with csv=\{'sep': r'\\s\+'\}", "pass --sep whitespace"),
    (r"\bread it with csv=\{'header': False\}", "pass --no-header"),
    (r"\bread it with csv=\{'decimal': '(.)'\}", r"pass --decimal '\1'"),
    (r"\be\.g\. csv=\{'sep': ';', 'decimal': ','\}", "e.g. --sep ';' --decimal ','"),
    (
        r"Use a smaller latent_dim, or a DenoisingAutoencoder, SparseAutoencoder or "
        r"ContractiveAutoencoder\.",
        "Use a smaller latent_dim (--param latent_dim=N), or --model dae, sparse or cae.",
    ),
)


def _comma_list(text: str) -> str:
    """A Python list of names as written in a message (``['a', 'b']``) as an option takes it
    (``a,b``)."""
    return ",".join(re.findall(r"'([^']*)'", text))


def _data_is_image_folder() -> bool:
    """Whether the running command's DATA is a folder of images."""
    from pathlib import Path

    from aekit.cli import outputs
    from aekit.cli.data import is_image_folder

    data = None if outputs.current_call is None else outputs.current_call[2].get("data")
    return isinstance(data, (str, Path)) and is_image_folder(str(data))


def _command_name() -> str:
    from aekit.cli import outputs

    return "COMMAND" if outputs.current_call is None else outputs.current_call[0]


def running_options() -> set[str]:
    """The parameters of the running command, the table options added to those that read
    DATA (:mod:`aekit.cli.table_options`) included; not --epochs where --param max_iter set
    the epochs (its advice would be refused beside it)."""
    from aekit.cli import outputs, table_options

    if outputs.current_call is None:
        return set()
    arguments = outputs.current_call[2]
    names = set(arguments)
    if names & set(table_options.DATA_PARAMETERS):
        names |= table_options.OPTION_NAMES
    typed = arguments.get("param") or ()
    if any(pair.partition("=")[0].strip() == "max_iter" for pair in typed):
        names.discard("epochs")
    return names
