"""The rules by which the command line rewords the library's messages
(:func:`aekit.cli.errors.for_the_command_line`): patterns of Python advice (``max_iter``,
``time_column=``, ``X.mean``) and the options and arguments that say it on the command line,
some depending on the running command (which options it has, whether DATA is an image
folder). The rules of one subject have files of their own: DATA's cells
(:mod:`aekit.cli.cell_advice`), a time series (:mod:`aekit.cli.series_advice`), DATA's layout
(:mod:`aekit.cli.layout_advice`), an array's values (:mod:`aekit.cli.array_advice`), a
parameter's check (:mod:`aekit.cli.parameter_advice`), and advice that names a fitting
command's option (:mod:`aekit.cli.option_advice`)."""

from __future__ import annotations

import re
from pathlib import Path

from aekit.cli import array_advice, cell_advice, layout_advice, parameter_advice, series_advice
from aekit.cli.option_advice import OPTION_ADVICE
from aekit.cli.running_command import command_name as _command_name
from aekit.cli.series_advice import comma_list as _comma_list

__all__ = ["ADVICE", "INNER_NAMES", "OPTION_ADVICE"]


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
    *series_advice.ADVICE,  # a time series: X.sort_values, value_columns=, ...
    *layout_advice.ADVICE,  # DATA's layout: images, channels-last arrays, sequences
    *array_advice.ADVICE,  # an array DATA's values: complex numbers, Python objects
    *parameter_advice.ADVICE,  # scikit-learn's parameter check, threshold settings
    (  # aekit.estimators._conditional_labels: a ConditionalVAE's continuous labels
        r"\(y holds values such as (.*?)\)\. A ConditionalVAE is conditioned on classes: pass "
        r"discrete labels \(e\.g\. bin a continuous target with np\.digitize\), and -1 or a "
        r"missing value for an unlabelled row\.",
        r"(the labels hold values such as \1). --model cvae is conditioned on classes: give "
        r"discrete labels (bin a continuous target into a few classes first, e.g. low, middle, "
        r"high), and -1 or an empty cell for an unlabelled row.",
    ),
    (
        r"^(X|DATA) has (\d+) features, but TabularEncoder is expecting (\d+) features as "
        r"input\.",
        r"\1 has \2 columns but the model was fitted on \3.",
    ),
    (  # a model fitted on an array given a table of another width (aekit.estimators._inputs;
        # its advice for text columns is Python's: a RUN trained on them has its encoder)
        r"^(X|DATA|QUERY) has (\d+) features, but (\w+) is expecting (\d+) features as "
        r"input\.(?: X holds text columns .*)?$",
        r"\1 has \2 columns but the model (\3) takes \4: give it rows of the kind it was "
        r"trained on.",
    ),
    (r"^label_column='([^']*)' is not a column of\b", r"--label-column \1 is not a column of"),
    (  # scikit-learn's check_classification_targets, of a finetune (or a classifier) run
        r"^Unknown label type: continuous\..*",
        "the labels are continuous numbers, which a classifier cannot take as classes: pass "
        "--task regression to predict numbers, or give discrete labels.",
    ),
    (  # aekit detect --normal-rows, read into fit's X_normal
        r"^X_normal has (\d+) features, but \w+ is expecting (\d+) features as input\.",
        r"--normal-rows has \1 columns, but DATA has \2: give normal rows of DATA's columns.",
    ),
    # aekit.io.files: a file of another aekit format, read by the Python call it needs
    (r"; read it with aekit\.load_index\(path\)", "; an index: 'aekit search' reads it"),
    (r"; read it with aekit\.load\(path\)", "; a model: give it where a command takes RUN"),
    (
        r"; a training checkpoint: fit again with checkpoint_dir= its folder",
        "; a training checkpoint: 'aekit train ... --checkpoint FOLDER --resume' goes on with it",
    ),
    (  # aekit.data.validation.encode_labels: DATA's labels (a column, a file) against the RUN's
        r"^y contains labels not seen in fit: (.*?); known labels are (.*)\.$",
        # an image folder's labels are its sub-folders' names, which no option names
        r"DATA's labels (--label-column, --labels FILE, an .npz's y or an image folder's "
        r"sub-folder names) hold labels the model was not trained on: \1; its labels are \2. "
        r"Fix those labels, or leave them out (a folder's images directly in it, with no "
        r"sub-folders, have none).",
    ),
    (  # aekit.generation: 'aekit manifold' of a run whose code is not 2-D
        r"^manifold_grid needs latent_dim=2; this model has (\d+)\.",
        lambda found: (
            "aekit manifold draws a 2-D code: train a model with --param latent_dim=2; "
            f"this model's code has {found[1]} unit{'s' * (found[1] != '1')}."
        ),
    ),
    (  # aekit.hashing.index: 'aekit search -k'
        r"^k=(-?\d+) must be a positive integer\.",
        r"-k \1 must be a positive integer: the number of hits a query gets.",
    ),
    (
        r"^k=(\d+) is more than the (\d+) rows in the index\.",
        r"-k \1 is more than the \2 rows in the index.",
    ),
    (  # aekit.data.lazy.open_dataset of an array or images ('aekit index', 'aekit search')
        r"^label_column and columns apply to tables, not to (.*)\.$",
        r"--label-column applies to a table; DATA \1 is an array, which has no columns: leave "
        r"--label-column out.",
    ),
    (
        r"^label_column and columns apply to tables; (.*) holds images\.$",
        r"--label-column applies to a table; DATA \1 is a folder of images (its labels are "
        r"its sub-folders): leave --label-column out.",
    ),
    (  # aekit.core.train: a checkpoint past the epochs asked for ('aekit train --checkpoint')
        r"\bbeyond max_iter=(\d+): pass max_iter >= (\d+) to go on with it, or another "
        r"checkpoint_dir\b",
        r"beyond --epochs \1: pass --epochs \2 or more to go on with it, or another --checkpoint",
    ),
    (r"^checkpoint_dir='([^']*)' is a file\b", r"--checkpoint \1 is a file"),
    (  # aekit.core.checkpoint: a checkpoint of the same run with other settings
        r"; or, to go on with it, set (.*) as it was\.",
        lambda match: f"; or, to go on with it, pass {_as_options(match[1])} as it was.",
    ),
    (r"^steps=(-?\d+) must be\b", r"--steps \1 must be"),  # interpolate's path
    (  # aekit.estimators._variational: a KL warm-up longer than the training
        r"\bTrain at least kl_warmup epochs \(max_iter >= (\d+)\), or go on with "
        r"warm_start=True\.",
        r"Train at least as many epochs (--epochs \1 or more).",
    ),
    (  # aekit.anomaly.ensemble: a neighbour term's k of every training row or more
        r"\bchoose (n_neighbors|input_neighbors) below (\d+), or a fraction of the rows "
        r"\(e\.g\. 0\.03\)\.",
        r"pass --param \1=K with K below \2, or a fraction of the rows (--param \1=0.03).",
    ),
    # aekit.anomaly.thresholds.contamination_threshold: tied scores at the cut
    (r"^contamination=(\S+) asks for\b", r"--contamination \1 asks for"),
    (
        r"^X has (\d+) features but the autoencoder takes (\d+) \(input shape (.*?)\); pass "
        r"rows like those it was fitted on, or an unfitted autoencoder to fit on X\.",
        r"DATA has \1 columns but RUN's autoencoder takes \2 (input shape \3): give DATA of "
        r"the kind RUN was trained on, or train a RUN on this DATA first (aekit train DATA).",
    ),
    # aekit.pretraining.finetuned: text targets of a regression (finetune --task regression)
    (r"\bFor labels use aekit\.FineTunedClassifier\.", "For labels pass --task classification."),
    # aekit.timeseries: a series' time steps (on the command line the series is DATA)
    (r"^X is sampled every\b", "DATA is sampled every"),
    (r"^the series of X have\b", "the series of DATA have"),
    (r"\bresample X to one point every\b", "resample DATA to one point every"),
    (  # aekit.data.float32.warn_float32_rounding
        r"\bSubtract an offset first, e\.g\. X - X\.mean\(axis=0\), and the same offset from "
        r"new rows\.",
        "Subtract an offset from such a column before aekit reads DATA (the same offset from "
        "new rows).",
    ),
    (  # aekit.core.objectives.likelihoods.check_bernoulli_range, a fitted model's new rows
        r"^likelihood='bernoulli' needs data in \[0, 1\], but X ranges over (\[[^\]]*\])\. "
        r"The model was fitted on data in \[0, 1\]; scale X as its training data was scaled "
        r"\(noisy data: clip it, np\.clip\(X, 0, 1\)(; a DenoisingAutoencoder's denoise does)?\)"
        r"\. Rows scaled by a scaler fitted on other rows \(MinMaxScaler\) fall outside, far "
        r"where a column was constant in those rows: "
        r"clip them too \(MinMaxScaler\(clip=True\) does, in a pipeline as well\)(, or refit "
        r"with likelihood='gaussian', which takes any value)?\.",
        lambda m: (
            f"the model was trained on values in [0, 1] (a Bernoulli likelihood), but DATA "
            f"ranges over {m[1]}: scale DATA as the training data was scaled"
            + (
                " (noisy images: 'aekit denoise' clips them), or retrain with --param "
                "likelihood=gaussian, which takes any value."
                if m[3]
                else " (clip noisy values to [0, 1])."
            )
        ),
    ),
    (
        r"^likelihood='bernoulli' needs data in \[0, 1\], but X ranges over (\[[^\]]*\])\. "
        r"Scale X to \[0, 1\] or use likelihood='gaussian'\.",
        r"--param likelihood=bernoulli needs values in [0, 1], but DATA ranges over \1: scale "
        r"DATA to [0, 1] or leave the likelihood to the model (Gaussian for other values).",
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
    (  # aekit.data.column_values: a bool column of fit arriving as 0/1
        r"\bcast it with X\['([^']*)'\]\.astype\(bool\)\.",
        r"write column '\1' as True/False in the file.",
    ),
    (  # aekit.estimators._convergence: the learned-nothing warning of a Bernoulli by default
        r"\bX lies in \[0, 1\], so likelihood='auto' took Bernoulli",
        "DATA lies in [0, 1], so the default likelihood (auto) took Bernoulli",
    ),
    (
        r"\bRemove or impute (them|those rows) first(?: \(e\.g\. sklearn\.impute\.SimpleImputer\)|"
        r": aekit\.AutoencoderImputer fills a table on disk, [^\n]*?'filled\.parquet'\))\.",
        "Fill them with 'aekit impute' first, or remove those rows.",
    ),
    (  # aekit.data.non_finite.REPLACE_THEN_IMPUTE: infinities and NaN in one DATA
        r"\band remove or impute the NaN(?: \(e\.g\. sklearn\.impute\.SimpleImputer\)|: "
        r"aekit\.AutoencoderImputer fills a table on disk, [^\n]*?'filled\.parquet'\))\.",
        "then fill the NaN with 'aekit impute', or remove those rows.",
    ),
    (
        r"^X has non-numeric columns: (.+?)\. Encode them as numbers: aekit\.TabularEncoder "
        r"one-hot encodes them reversibly; or drop them\.",
        r"DATA has text columns (\1) that this model cannot read: leave them out with "
        r"--ignore-column (or --id-column, for an identifier), or name the label column with "
        r"--label-column ('aekit train' encodes text columns itself).",
    ),
    (  # the same, after a date column's refusal (aekit.data.non_numeric)
        r" Then encode (.+?): aekit\.TabularEncoder one-hot encodes them reversibly; or drop "
        r"them\.",
        r" Leave the text columns (\1) out with --ignore-column (or --id-column, for an "
        r"identifier), or name the label column with --label-column ('aekit train' encodes "
        r"text columns itself).",
    ),
    (
        r"\bpass them in fit's order: X\[(\[[^\]]*\])\]",
        lambda m: "put them in fit's order: " + _comma_list(m[1]).replace(",", ", "),
    ),
    (  # aekit.data.validation: an array of one axis (a .npz's X), said with numpy's fix
        r"^X must have 2 axes \(n_samples, n_features\)(?:, 3 \(n, channels, length\) or 4 "
        r"\(n, C, H, W\))?; got shape \((\d+),\)\. Reshape your data either using "
        r"X\.reshape\(-1, 1\) if it has a single feature or X\.reshape\(1, -1\) if it is a "
        r"single sample\.",
        r"DATA holds an array of one axis, shape (\1,), where a table of rows and columns is "
        r"read: save it as X.reshape(-1, 1) (one column) or X.reshape(1, -1) (one row).",
    ),
    (  # standard input or a pipe: aekit reads a file more than once (its kind, then rows)
        r"^DATA '(-|/dev/stdin|/dev/fd/\d+|/proc/self/fd/\d+)': (?:no such file or folder|not "
        r"a table).*$",
        r"DATA '\1' is standard input or a pipe, which aekit does not read: save the rows to a "
        r"file (> rows.csv) and give its path.",
    ),
    (r"^X (contains|has|holds|lacks) ", r"DATA \1 "),
    (  # aekit.anomaly.inputs, aekit.imputation.imputer: too few rows
        r"^DATA has n_samples=(\d+);",
        lambda m: f"DATA has {m[1]} row{'s' * (m[1] != '1')};",
    ),
    (r"; AutoencoderImputer learns how the columns\b", "; 'aekit impute' learns how the columns"),
    (  # aekit.data.one_hot's warning names the encoder's option and the detector's
        r"refit with detect_one_hot=False \(AnomalyDetector: preprocessing='standardize'\)",
        "refit with --param preprocessing=standardize",
    ),
    (r"^Seed must be between 0 and 2\*\*32 - 1$", "--seed must be between 0 and 2**32 - 1."),
    (r"\bX's ", "DATA's "),  # the data the command read, wherever the message names it
    # aekit.data.table_checks names load_array's csv= options
    (r"\bcsv=\{'encoding': '([\w-]+)'\}", r"--encoding \1"),
    (r"\bread it with csv=\{'sep': '(\\t|.)'\}", r"pass --sep '\1'"),
    (r"\bread it with csv=\{'sep': r'\\s\+'\}", "pass --sep whitespace"),
    (
        r"\bread it with csv=\{'sep': r'\\s\+', 'decimal': '(.)'(, 'header': False)?\}",
        lambda m: f"pass --sep whitespace --decimal '{m[1]}'" + (" --no-header" if m[2] else ""),
    ),
    (r"\bread it with csv=\{'header': False\}", "pass --no-header"),
    (r"\bread it with csv=\{'decimal': '(.)'\}", r"pass --decimal '\1'"),
    (
        r"\bread it with csv=\{'decimal': '(.)', 'header': False\}",
        r"pass --decimal '\1' --no-header",
    ),
    (r"\be\.g\. csv=\{'sep': ';', 'decimal': ','\}", "e.g. --sep ';' --decimal ','"),
    (  # aekit.data.column_checks.numeric_values: a cell '1,234.50' of a numeric column
        r"\bread the file with thousands=',' \(pd\.read_csv\(\.\.\., thousands=','\)\)",
        lambda m: (  # a Parquet file's text column: --thousands reads text tables alone
            "pass --thousands ','"
            if _data_is_text_table()
            else "convert the column to numbers in DATA (--thousands reads text tables alone)"
        ),
    ),
    (  # aekit.data.number_formats.numbers_as_text_message: numbers written 1.234,5 or 1,234.5
        r"; read the file with csv=\{'thousands': '(.)'(, 'decimal': ',')?\} \(pandas: .*\), "
        r"or convert the column: .*\.$",
        lambda m: f"; pass --thousands '{m[1]}'" + (" --decimal ','" if m[2] else "") + ".",
    ),
    (  # aekit.compression.quality_warnings.warn_if_larger_than_rows ('aekit train-compressor')
        r"\bUse a smaller latent_dim(?:, e\.g\. latent_dim=(\d+))?, a larger step, or keep",
        lambda m: (
            "Use a smaller --latent-dim"
            + (f", e.g. --latent-dim {m[1]}" if m[1] else "")
            + ", a larger 'aekit compress --step', or keep"
        ),
    ),
    (
        r"Use a smaller latent_dim, or a DenoisingAutoencoder, SparseAutoencoder or "
        r"ContractiveAutoencoder\.",
        "Use a smaller latent_dim (--param latent_dim=N), or --model dae, sparse or cae.",
    ),
)


def _as_options(settings: str) -> str:
    """``random_state=0, batch_size='auto'`` as the options that set them: ``--seed 0
    --param batch_size=auto``."""
    from aekit.cli.runs import OPTION_FLAGS

    words = []
    for setting in re.findall(r"(\w+)=('[^']*'|[^,]+)", settings):
        name, value = setting[0], setting[1].strip().strip("'")
        flag = OPTION_FLAGS.get(name)
        words.append(f"{flag} {value}" if flag else f"--param {name}={value}")
    return " ".join(words)


def _data_is_text_table() -> bool:
    """Whether the running command's DATA is a text table (.csv and kin), which --sep,
    --decimal and --thousands read; a Parquet file's columns hold their own types."""
    from aekit.cli import outputs
    from aekit.data.file_kinds import TEXT_TABLES, data_suffix

    data = None if outputs.current_call is None else outputs.current_call[2].get("data")
    return data is None or data_suffix(Path(str(data))) in TEXT_TABLES
