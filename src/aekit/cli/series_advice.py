"""The command line's words for what the library says of a time series: pandas' fixes of
repeated or interleaved timestamps (``X.sort_values``, ``X.groupby``) as changes to DATA, and
``value_columns``, ``handle_missing='interpolate'``, ``window`` as the options of 'aekit
detect-series'; part of :data:`aekit.cli.advice.ADVICE`."""

from __future__ import annotations

import re
from typing import Any


def comma_list(text: str) -> str:
    """A Python list of names as written in a message (``['a', 'b']``) as an option takes it
    (``a,b``)."""
    return ",".join(re.findall(r"'([^']*)'", text))


# (pattern, replacement) pairs, part of :data:`aekit.cli.advice.ADVICE`
ADVICE: tuple[tuple[str, Any], ...] = (
    (r"\bhandle_missing='interpolate'", "--handle-missing interpolate"),  # detect-series
    (  # aekit.timeseries.grid: a command fits one series per DATA, never a list
        r"; cut the series at its long gaps and fit the pieces as a list\.",
        "; cut DATA at its long gaps into files of their own, and run the command on each.",
    ),
    (  # aekit.timeseries.repeats: the pandas fixes, as a file's
        r"\bsort them: X\.sort_values\('([^']*)'\)\.",
        r"sort the file by its \1 column.",
    ),
    (r", or beforehand: X\.groupby\('([^']*)'\)\.mean\(\)\.", r", or average them in the file."),
    (  # aekit.timeseries.repeats: daylight saving's end in local times, fixed in the file
        r"\bgive the timestamps their zone, e\.g\. X(?:\[.*?\]\.dt|\.index)\.tz_localize\("
        r"'Europe/Berlin', "
        r"ambiguous='infer'\), or record them in UTC\.",
        "write the timestamps with their UTC offset (2024-10-27 02:00:00+01:00), or in UTC.",
    ),
    (  # aekit.timeseries.repeats.check_long_format: a command fits one series per DATA
        r"\bFit them as a list of series, \[s for _, s in X\.groupby\('([^']*)'\)\]"
        r"(?:, or as the channels of one series: (X\.pivot\(.*\)\.reset_index\(\)))?\.",
        lambda m: (
            f"Write each {m[1]}'s rows to a file of its own and run the command on each"
            + (f", or give each {m[1]} a column of its own (in pandas: {m[2]})" if m[2] else "")
            + "."
        ),
    ),
    (r"\bvalue_columns=(\[[^\]]*\])", lambda m: "--value-columns " + comma_list(m[1])),
    (r"\btime_column='([^']*)' is its only numeric\b", r"--time-column \1 is its only numeric"),
    (  # aekit.timeseries.series_input.warn_time_index_channels: a counter read as a channel
        r"\bpass time_column='([^']*)' \(the time axis\)",
        r"pass --time-column \1 (the time axis) or --ignore-column \1",
    ),
    (  # the same, a second counter beside the time column
        r"\bleave column '([^']*)' out: name the channels with value_columns\b",
        r"leave it out with --ignore-column \1",
    ),
    (  # aekit.timeseries.series_threshold.warn_of_lifted_points_unflagged
        r"^contamination='auto' flags none\b(.*), a smaller window, or a longer training",
        r"--contamination auto flags none\1, a smaller --window, or a longer training",
    ),
    (r"\bname (them|the channels) with value_columns\b", r"name \1 with --value-columns"),
    (r"^value_columns (\[[^\]]*\])", lambda m: "--value-columns " + comma_list(m[1])),
    (r"^value_columns names\b", "--value-columns names"),
    (r"\bare not columns of X; it has\b", "are not columns of DATA; it has"),
    (  # aekit.timeseries.series_input._warn_few_windows: fewer windows than a window's points
        r"\bthreshold are rough; use a smaller window( or stride)? or a longer series\.",
        lambda m: (
            "threshold are rough; use a smaller --window"
            + (" or --stride" if m[1] else "")
            + " or a longer series."
        ),
    ),
    (  # aekit.timeseries.series_input: a series shorter than one window
        r"\bfewer than window=(\d+); use a smaller window\b",
        r"fewer than --window \1; use a smaller --window",
    ),
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
)
