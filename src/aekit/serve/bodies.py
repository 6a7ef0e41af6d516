"""Request and response bodies of the scoring server: what a client may send, read into the
arrays and DataFrames the Python API takes, and the errors that say what is wrong.

Request bodies, by ``Content-Type``:

* ``application/json``: an object with the rows under ``"rows"`` (a list of rows, each a list of
  numbers or, for images, nested lists ``(C, H, W)``; or a list of records, objects keyed by
  feature name) or under ``"columns"`` + ``"data"`` (pandas' "split" layout, for mixed
  numeric/categorical tables); optional ``"labels"`` (one per row) or ``"label"`` (one for all)
  for a ConditionalVAE. A bare JSON list is the rows.
* ``application/x-npy``: one ``.npy`` array of numbers (anything else, objects above all, is
  refused: nothing is ever unpickled).
* ``application/vnd.apache.arrow.stream`` or ``application/vnd.apache.arrow.file``: an Arrow
  IPC table; a column ``label`` holds a ConditionalVAE's labels.

For the binary formats a ``label`` query parameter gives one label for every row.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aekit.data.array_messages import ragged_message
from aekit.serve.json_numbers import TooLargeInteger, has_long_digits, json_int

JSON = "application/json"
NPY = "application/x-npy"
ARROW_STREAM = "application/vnd.apache.arrow.stream"
ARROW_FILE = "application/vnd.apache.arrow.file"
CONTENT_TYPES = (JSON, NPY, ARROW_STREAM, ARROW_FILE)
LABEL_COLUMN = "label"


class BodyError(ValueError):
    """A request the server refuses, with its HTTP status and one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Rows:
    """What a request carries: the rows X (array or DataFrame) and the labels (or None)."""

    X: Any
    labels: Any = None
    keyed: bool = False  # JSON records or "columns": names that an array's model cannot match

    def __len__(self) -> int:
        return len(self.X) if np.ndim(self.X) else 0  # a scalar: the API says what is wrong


def media_type(content_type: str | None) -> str:
    """The media type of a ``Content-Type`` header, without parameters; JSON when absent."""
    return (content_type or JSON).split(";")[0].strip().lower()


def parse(body: bytes, content_type: str | None, query_label: str | None) -> Rows:
    """Read a request body of one of :data:`CONTENT_TYPES` into rows and labels.

    Raises
    ------
    BodyError
        415 for another content type, 422 for a body that is not of its type.
    """
    kind = media_type(content_type)
    if kind == JSON:
        rows = _from_json(body)
    elif kind == NPY:
        rows = Rows(_from_npy(body))
    elif kind in (ARROW_STREAM, ARROW_FILE):
        rows = _from_arrow(body, stream=kind == ARROW_STREAM)
    else:
        raise BodyError(
            415, f"Content-Type {kind!r} is not supported; send one of {', '.join(CONTENT_TYPES)}."
        )
    if query_label is not None:
        if rows.labels is not None:  # the query's label was dropped without a word
            raise BodyError(
                422,
                "the labels are given twice, in the body and as ?label=; send one of them.",
            )
        rows.labels = query_label
    return rows


def answer_type(accept: str | None) -> str:
    """The media type of the answer an ``Accept`` header asks for, by HTTP's rule (RFC 9110,
    12.5.1: each type takes the quality of the most specific range that matches it; 0 refuses
    it): .npy where the header names ``application/x-npy`` at a quality at least JSON's (a bulk
    client's main array), else JSON, else .npy where only a wildcard allows it; 406 where it
    takes neither (``text/csv`` was answered in JSON, status 200). A malformed quality counts
    as 1."""
    if not accept or not accept.strip():
        return JSON
    quality: dict[str, float] = {}
    for part in accept.split(","):
        kind, *params = (p.strip().lower() for p in part.split(";"))
        given = next((p.split("=", 1)[1].strip() for p in params if p.startswith("q=")), "1")
        try:
            q = float(given)
        except ValueError:
            q = 1.0
        quality[kind] = max(quality.get(kind, 0.0), q if q == q else 0.0)  # q=nan: 0

    def of(kind: str) -> float:
        for match in (kind, "application/*", "*/*"):
            if match in quality:
                return quality[match]
        return 0.0

    json_q, npy_q = of(JSON), of(NPY)
    if NPY in quality and npy_q > 0 and npy_q >= json_q:
        return NPY
    if json_q > 0:
        return JSON
    if npy_q > 0:
        return NPY
    raise BodyError(
        406,
        f"the server answers {JSON} (or {NPY}, the main array), not {accept.strip()}; drop the "
        "Accept header or ask for one of those.",
    )


def refuse_encoded(encodings: list[str]) -> None:
    """415 for a compressed body (``Content-Encoding`` headers, each a list: gzip was "not valid
    JSON: 'utf-8' codec can't decode byte 0x8b", and a 400 with no reason on /v1/generate)."""
    for header in encodings:
        for encoding in header.split(","):
            if encoding.strip().lower() not in ("identity", ""):
                raise BodyError(
                    415,
                    f"Content-Encoding {encoding.strip()} is not supported; send the body as it "
                    "is.",
                )


def _from_json(body: bytes) -> Rows:
    try:
        # as UTF-8, which json.loads also reads as UTF-16 or 32: the digit scan reads bytes
        encoding = json.detect_encoding(body)
        body = body if encoding == "utf-8" else body.decode(encoding).encode("utf-8")
        document = json.loads(body, parse_int=json_int if has_long_digits(body) else None)
    except TooLargeInteger as err:
        raise BodyError(422, str(err)) from None
    except (ValueError, UnicodeDecodeError) as err:
        raise BodyError(422, f"the body is not valid JSON: {err}.") from None
    except RecursionError:  # a client's body, not the server's fault: it was a 500
        raise BodyError(422, "the JSON body nests too deeply to be rows.") from None
    if isinstance(document, list):
        document = {"rows": document}
    if not isinstance(document, dict):
        raise BodyError(422, 'the JSON body must be an object with "rows", or a list of rows.')
    _refuse_unknown_keys(document)
    if "labels" in document and "label" in document:  # one was dropped without a word
        raise BodyError(
            422, 'the body gives both "labels" (one per row) and "label" (one for all); send one.'
        )
    labels = document.get("labels", document.get("label"))
    if "columns" in document or "data" in document:
        if "columns" not in document or "data" not in document:  # {"data": [[1]]} was read
            # as a table of columns 0, 1, ...: "X has 1 features, but ... is expecting 64"
            raise BodyError(
                422,
                'a table needs both "columns" (its names) and "data" (its rows); or send '
                'the rows alone under "rows".',
            )
        try:
            frame = pd.DataFrame(document.get("data"), columns=document.get("columns"))
        except (ValueError, TypeError) as err:
            raise BodyError(422, f'"columns" and "data" do not make a table: {err}.') from None
        if len(frame) == 0:  # a table encoder said "cannot reshape array of size 0 ..."
            raise BodyError(422, '"data" must be a non-empty list of rows.')
        return Rows(frame, labels, keyed=True)
    if "rows" not in document:
        raise BodyError(422, 'the JSON body has no "rows" (or "columns" and "data").')
    rows = document["rows"]
    if not isinstance(rows, list) or not rows:
        raise BodyError(422, '"rows" must be a non-empty list of rows.')
    if all(isinstance(r, dict) for r in rows):
        return Rows(pd.DataFrame.from_records(rows), labels, keyed=True)
    records = [i for i, r in enumerate(rows) if isinstance(r, dict)]
    if records:  # numpy's words were of an "inhomogeneous shape after 1 dimensions"
        other = next(i for i, r in enumerate(rows) if not isinstance(r, dict))
        raise BodyError(
            422,
            f'"rows" mixes records and lists: row {records[0]} is a record (an object), row '
            f"{other} is not; send every row the same way.",
        )
    try:  # numbers, null read as NaN (named as a NaN is); anything else reaches the API,
        array = np.asarray(rows, dtype=np.float64)  # which names the problem
    except (TypeError, ValueError):
        try:
            array = np.asarray(rows)
        except ValueError as err:
            raise BodyError(422, ragged_message(rows, '"rows"', err)) from None
    if array.dtype == object and not any(isinstance(r, list) for r in rows):
        raise BodyError(422, '"rows" must be a list of rows (lists) or of records (objects).')
    if array.ndim == 1:  # scikit-learn's answer was Python advice: X.reshape(1, -1)
        raise BodyError(
            422,
            '"rows" holds values, not rows: send a list of rows, e.g. {"rows": [[1, 2, 3]]} '
            "for one row.",
        )
    return Rows(array, labels)


# pandas' "split" layout writes an "index" (df.to_json(orient="split")) and "tight" its names:
# no features, read past
_JSON_KEYS = ("rows", "columns", "data", "labels", "label", "index", "index_names", "column_names")


def _refuse_unknown_keys(document: dict) -> None:
    """422 for a key no rows request takes: a misspelt "lables" was dropped without a word,
    and a ConditionalVAE's rows were scored with their labels summed out."""
    import difflib

    unknown = [str(key) for key in document if key not in _JSON_KEYS]
    if not unknown:
        return
    close = difflib.get_close_matches(unknown[0], _JSON_KEYS, n=1)
    meant = f" (did you mean {close[0]!r}?)" if close else ""
    raise BodyError(
        422,
        f"the JSON body holds {unknown[0]!r}{meant}, which a rows request does not take; it "
        'takes "rows" (or "columns" and "data"), and "labels" or "label" for a ConditionalVAE.',
    )


NPY_MAGIC = b"\x93NUMPY"  # the first bytes of every .npy file (numpy.lib.format)
NPY_ACCEPTED = "send the bytes np.save writes for an array of numbers (float, int or bool)"


def _from_npy(body: bytes) -> np.ndarray:
    """The numeric array of a ``.npy`` body. Anything else is refused in the server's words:
    numpy's own messages advise ``allow_pickle=``, which a client cannot pass and a server
    must never do."""
    if not body.startswith(NPY_MAGIC):
        raise BodyError(
            422,
            f"the body is not a .npy file (it does not start with the .npy magic); {NPY_ACCEPTED}.",
        )
    try:
        array = np.load(io.BytesIO(body), allow_pickle=False)
    except ValueError as err:
        if "pickle" in str(err):  # dtype object: Python objects, never unpickled here
            raise BodyError(
                422,
                f"the body is a .npy array of Python objects (dtype object), which the server "
                f"never loads; {NPY_ACCEPTED}.",
            ) from None
        raise BodyError(
            422, f"the body is not a numeric .npy array ({err}); {NPY_ACCEPTED}."
        ) from None
    except (OSError, EOFError) as err:
        raise BodyError(
            422, f"the body is not a whole .npy file ({err}); {NPY_ACCEPTED}."
        ) from None
    if array.dtype.kind not in "biuf":  # text, bytes, dates, complex, structured rows
        raise BodyError(
            422, f"the body is a .npy array of dtype {array.dtype}, not of numbers; {NPY_ACCEPTED}."
        )
    return array


def _from_arrow(body: bytes, stream: bool) -> Rows:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    try:
        reader = ipc.open_stream(body) if stream else ipc.open_file(pa.BufferReader(body))
        frame = reader.read_all().to_pandas()
    except (pa.ArrowInvalid, OSError) as err:
        raise BodyError(422, f"the body is not an Arrow IPC table: {err}.") from None
    if len(frame) == 0:  # as an empty JSON table
        raise BodyError(422, "the Arrow table has no rows; send at least one row.")
    labels = None
    if LABEL_COLUMN in frame.columns:
        labels = frame.pop(LABEL_COLUMN).to_numpy()
    return Rows(frame, labels)


def split_columns(
    rows: Rows, id_column: str | None, ignore_columns: tuple[str, ...] = ()
) -> tuple[Rows, list | None]:
    """The rows of a table without the RUN's id and ignored columns (``aekit detect ...
    --id-column NAME --ignore-column NAME``, recorded in its config.toml), which are no
    features; and the ids, one per row, for the answer to echo (None when the rows carry
    none). Rows without those columns, or not a table, are returned as they are."""
    X = rows.X
    if not isinstance(X, pd.DataFrame):
        return rows, None
    present = [c for c in (id_column, *ignore_columns) if c is not None and c in X.columns]
    if not present:
        return rows, None
    ids = None
    if id_column in X.columns:  # JSON has no NaN: a missing id is null
        ids = [None if pd.isna(v) else v for v in X[id_column].tolist()]
    return Rows(X.drop(columns=present), rows.labels, rows.keyed), ids


def order_columns(X: Any, feature_names: Any, keyed: bool = False) -> Any:
    """A DataFrame whose columns are the model's feature names in another order, put in the
    model's order (records carry no order); plain rows of numbers for a model fitted on a
    DataFrame, as a DataFrame of its columns (rows are sent in the model's column order, and
    scikit-learn would warn of the missing names on every request); anything else as it is,
    for the API to judge. JSON's named rows (``keyed``) for a model fitted without column
    names are refused: their columns would be read in the order they came, and JSON writers
    that sort keys (f0, f1, f10, f11, f2, ...) would scramble every row without an error (an
    Arrow table's columns keep the order they were written in, and are read so)."""
    if feature_names is None:
        if keyed and isinstance(X, pd.DataFrame):
            raise BodyError(
                422,
                "this model was fitted without column names (on an array), so records and "
                '"columns" have no names to be matched by; send "rows" as lists of numbers in '
                "the order of its features.",
            )
        return _numbered_in_order(X)
    names = [str(n) for n in feature_names]
    if isinstance(X, pd.DataFrame):
        if sorted(map(str, X.columns)) == sorted(names) and list(map(str, X.columns)) != names:
            return X[names]
    elif isinstance(X, np.ndarray) and X.dtype.kind in "fiub" and X.shape[1:] == (len(names),):
        return pd.DataFrame(X, columns=names)
    return X


def _numbered_in_order(X: Any) -> Any:
    """An Arrow table for a model fitted on an array, its columns named as an array's columns
    are (x0, x1, ... as scikit-learn names them, or 0, 1, ... as pandas does) in another order,
    put in the order of those numbers: read by position, a table written x63 ... x0 was scored
    reversed without an error. Columns of other names are read in the order they came; numbers
    are passed on as an array, as the model was fitted."""
    if not isinstance(X, pd.DataFrame):
        return X
    place = {str(c): i for i, c in enumerate(X.columns)}
    for prefix in ("x", ""):
        numbered = [f"{prefix}{i}" for i in range(len(place))]
        if list(place) != numbered and sorted(place) == sorted(numbered):
            X = X.iloc[:, [place[n] for n in numbered]]
    if all(pd.api.types.is_numeric_dtype(t) for t in X.dtypes):
        return X.to_numpy()  # names the model has not: scikit-learn warned on every request
    return X


def as_labels(labels: Any, n_rows: int, classes: np.ndarray) -> np.ndarray | None:
    """One label for every row, or one per row; a label given as text (a query parameter)
    becomes the class whose text it is, so ``?label=3`` means the class 3."""
    if labels is None:
        return None
    array = np.asarray(labels)
    if array.ndim != 0:
        return array
    value = array.item()
    if isinstance(value, bool) and classes.dtype.kind in "iuf":  # True == 1: it was class 1
        raise BodyError(
            422, f"the label {value!r} is a boolean; known labels are {classes.tolist()[:20]}."
        )
    matches = [c for c in classes if c == value or str(c) == str(value)]
    if not matches:  # the Python API's message for an unseen label
        raise BodyError(
            422,
            f"y contains labels not seen in fit: [{value!r}]; known labels are "
            f"{classes.tolist()[:20]}.",
        )
    return np.full(n_rows, matches[0], dtype=classes.dtype)


def to_npy(array: np.ndarray) -> bytes:
    """An array as the bytes of a ``.npy`` file."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()
