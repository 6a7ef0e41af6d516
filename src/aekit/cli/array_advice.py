"""The command line's words for what the library says of an array DATA's values: complex
numbers, Python objects. The library's messages name numpy's fixes (``np.real(X)``,
``X.astype(np.float32)``); a command's user reads how to save the file instead; part of
:data:`aekit.cli.advice.ADVICE`."""

from __future__ import annotations

from typing import Any

# (pattern, replacement) pairs, part of :data:`aekit.cli.advice.ADVICE`
ADVICE: tuple[tuple[str, Any], ...] = (
    (  # aekit.data.validation.reject_complex, aekit.data.readers.ArrayReader
        r"\bpass (their|its) real part or magnitude \(np\.real\(X\) or np\.abs\(X\)\)\.",
        r"save \1 real part or magnitude in the file instead (real numbers).",
    ),
    (r"^Complex data not supported: X is complex;", "Complex data not supported: DATA is complex;"),
    (  # aekit.data.npy: an object array (np.load refuses to unpickle it)
        r"\bSave the data as a numeric array, e\.g\. X\.astype\(np\.float32\)\.",
        "Save it again as numbers (e.g. an array of float32), or as a table (.csv, .parquet) "
        "if it holds text.",
    ),
)
