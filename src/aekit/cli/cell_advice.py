"""The command line's words for what the library says of DATA's cells: a missing-value marker
('?', '-') or a typo among numbers, numbers written with a decimal comma, values outside the
training range. The library's messages (:mod:`aekit.data.column_checks`, the denoiser's) name
pandas' ``na_values``, ``pd.to_numeric`` or ``np.clip``; a command's user reads ``--na-values``,
DATA and the options instead."""

from __future__ import annotations

import ast
import re
from typing import Any

from aekit.cli.category_columns import declared_many_categories
from aekit.cli.shell_words import shell_word
from aekit.data.whole_file_checks import THEN_FILL


def na_values_flags(markers: list[str]) -> str:
    """``--na-values M`` for each marker, quoted for the shell (``--na-values '?'``)."""
    return " ".join(f"--na-values {_quoted(marker)}" for marker in markers)


def _quoted(marker: str) -> str:
    """``marker`` quoted for the shell; a blank one ('  ') said in words too, since a message
    is printed on one line with each run of blanks made one space
    (:func:`aekit.cli.errors.one_line`)."""
    if marker.strip():
        return shell_word(marker)  # a newline in a quoted cell: $'1.5\n2', on one line
    blanks = f"{len(marker)} spaces" if set(marker) == {" "} else repr(marker)
    return f"{shell_word(marker)} (the quotes holding the cell's {blanks})"


def _as_na_values_option(match: re.Match) -> str:
    try:
        markers = ast.literal_eval(match[1] or match[2])
    except (ValueError, SyntaxError):
        return match[0]
    return f"pass {na_values_flags([str(m) for m in markers])}"


def _fix_in_data(match: re.Match) -> str:
    """text_among_numbers_message's fixes in pandas as the command line's: the cells fixed in
    DATA, or the column left out."""
    column = shell_word(ast.literal_eval(match[2]))
    leave_out = f"or leave the column out with --ignore-column {column}."
    if match[1] == "Fix those cells, or":
        return f"Fix those cells in DATA (an empty cell is read as missing), {leave_out}"
    return f"; else fix those cells in DATA, {leave_out}"  # after the --na-values advice


# (pattern, replacement) pairs, part of :data:`aekit.cli.advice.ADVICE`
ADVICE: tuple[tuple[str, Any], ...] = (
    (  # aekit.data.column_checks.na_values_advice; csv_to_parquet's words for it
        r"\b(?:read the file with pd\.read_csv\(\.\.\., na_values=(\[.*?\])\)|"
        r"pass csv_options=\{'na_values': (\[.*?\])\})",
        _as_na_values_option,
    ),
    (  # aekit.data.whole_file_checks.text_among_numbers_refusal: markers read as missing
        re.escape(THEN_FILL),
        "(then fill those cells with 'aekit impute', or let 'aekit detect --handle-missing' "
        "encode them)",
    ),
    (  # aekit.data.column_checks.text_among_numbers_message: a detector's warning, the
        # imputer's refusal
        r"(, or|Fix those cells, or) make them missing values with X\[((['\"]).+?\3)\] = "
        r"pd\.to_numeric\(X\[.+?\], errors='coerce'\); if the column really is categories, "
        r"say so with X\[.+?\]\.astype\('category'\)\.$",
        _fix_in_data,
    ),
    (  # aekit.timeseries.inputs: a text column of numbers, left out of the channels
        r"; convert it with pd\.to_numeric, or name",
        "; write it as numbers in DATA, or name",
    ),
    (  # aekit.data.number_formats.decimal_comma_message: '0,5' cells quoted in a ',' file
        r"Read the file with decimal=',' \(pd\.read_csv\(\.\.\., decimal=','\)\), or convert the "
        r"column: X\[((['\"]).+?\2)\] = X\[.+?\]\.str\.replace\(',', '\.'\)\.astype\(float\)\.$",
        lambda m: (
            "Pass --decimal ',' if DATA is not separated by ',' (else write its numbers with a "
            "'.'), or leave the column out with --ignore-column "
            f"{shell_word(ast.literal_eval(m[1]))}."
        ),
    ),
    (  # aekit.data.number_formats: '65,654', thousands or a decimal comma
        r"If they are thousands, read the file with csv=\{'thousands': ','\} \(pandas: .*?\), or "
        r"convert the column: X\[((['\"]).+?\2)\] = .*?; if decimals, with csv=\{'decimal': ','\} "
        r"\(pandas: decimal=','\)\.$",
        lambda m: (
            "If they are thousands, pass --thousands ','; if decimals, --decimal ',' (DATA "
            "then separated by another mark than ','); or leave the column out with "
            f"--ignore-column {shell_word(ast.literal_eval(m[1]))}."
        ),
    ),
    (  # aekit.data.thousands_groups: '9.7' read with --thousands '.' (a mix of decimal styles)
        r"Clean the column \((.*?)\), or read it as text \(csv=\{'text_columns': \[((['\"]).+?\3)"
        r"\]\}\) and convert it yourself\.$",
        lambda m: (
            f"Clean the column in DATA ({m[1]}), or leave it out with --ignore-column "
            f"{shell_word(ast.literal_eval(m[2]))}."
        ),
    ),
    (  # aekit.data.constant_columns: more columns of one value than it names
        r"fit without them \(X\.loc\[:, X\.nunique\(\) > 1\] keeps the others\)\.$",
        "leave them out of DATA.",
    ),
    (  # aekit.data.constant_columns: the same of an array DATA (.npy, images): no names
        r"fit without (it|them) \((np\.delete\(X, .*?\)|X\[:, X\.min\(axis=0\) .*? the others)"
        r"\)\.$",
        lambda m: f"leave {m[1]} out of DATA.",
    ),
    (  # aekit.data.constant_columns: columns of one value in the training rows
        r"fit without (it|them) \(X\.drop\(columns=(\[.*?\])\)\)\.$",
        lambda m: "leave {} out with {}.".format(
            m[1],
            " ".join(f"--ignore-column {shell_word(n)}" for n in ast.literal_eval(m[2])),
        ),
    ),
    (  # aekit.data.column_checks.warn_many_categories (its options named by option_advice)
        # of a column declared with --category-column: no advice against the option
        r"^column (['\"])(.+?)\1 (has \d+ distinct values in \d+ rows, each encoded as its own "
        r"one-hot category): an identifier or free text\? .*, or group its values\.$",
        declared_many_categories,
    ),
    (  # aekit.data.validation: numbers with a text cell given to a model of numbers alone
        r"Fix them, or make them missing values with X\[.*?errors='coerce'\), then fill them "
        r"\(aekit\.AutoencoderImputer\): this model takes no missing values\.",
        "Fix those cells, or empty them and fill them with 'aekit impute' (this model takes no "
        "missing values).",
    ),
    (
        r", or make them missing values with X\[.*?errors='coerce'\), then fill them "
        r"\(aekit\.AutoencoderImputer\): this model takes no missing values\.",
        " (then fill those cells with 'aekit impute': this model takes no missing values); else "
        "fix those cells.",
    ),
    (
        r"(Fix them|, or make them) missing values with X\[.*?errors='coerce'\) \(NaN marks a "
        r"missing value\)\.",
        lambda m: (
            "Fix those cells, or empty them." if m[1] == "Fix them" else "; else fix those cells."
        ),
    ),
    (  # aekit.estimators.denoising: values of DATA outside the training range, clipped
        r"\bvalues of X \((.*?)\) to (.*?), as the model saw its noisy inputs; clip X "
        r"yourself \(np\.clip\(X, .*?\)\) to silence this\.",
        r"values of DATA (\1) to \2, as the model saw its noisy inputs; clip DATA's values to "
        r"that range yourself to silence this.",
    ),
)


def marker_advice(markers: list[str]) -> str:
    """'if '?' marks a missing value, pass --na-values '?''."""
    from aekit.data.column_checks import na_values_advice

    pattern, option = ADVICE[0]
    return re.sub(pattern, option, na_values_advice(markers))


def nothing_to_fill(data: str, X: Any) -> str:
    """``aekit impute``'s refusal of DATA without a missing value, naming a column whose
    missing-value markers ('?') --na-values would read as missing."""
    import pandas as pd

    from aekit.data.column_checks import missing_markers, shown

    said = f"{data} has no missing values (empty cells or NaN): nothing to fill"
    for name in X.columns if isinstance(X, pd.DataFrame) else ():
        if markers := missing_markers(X[name]):
            listed = " and ".join(shown(m) for m in markers)
            return (
                f"{said}; but column {str(name)!r} holds {listed} among numbers: "
                f"{marker_advice(markers)}."
            )
    # complete rows still train an imputer for later tables ('aekit impute NEW --model FILE')
    return f"{said}; to fit an imputer on it for other tables, add --save-model FILE."
