"""Input checks of the autoencoders: X as the float rows the networks take, and the shape of
its images or sequences, with errors that say what is wrong and how to fix it."""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from aekit.core.architectures import SEQUENCE_ARCHITECTURES
from aekit.data.float32 import warn_float32_statistics
from aekit.data.image_shapes import square_image_shape
from aekit.data.validation import as_numeric_array
from aekit.estimators._disk import DiskRows, disk_rows
from aekit.warning_lines import caller_level

# parameter -> (the ndim of an X made of such rows, the row's shape in words, what it is,
# the architectures that need it)
_SHAPES = {
    "image_shape": (4, "(C, H, W)", "images", {"conv"}),
    "sequence_shape": (3, "(channels, length)", "sequences", set(SEQUENCE_ARCHITECTURES)),
}
_HINTS = {"sequence_shape": " Rows of one series' values: sequence_shape=(1, n_features)."}


class InputChecks:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`."""

    _masks_missing: ClassVar[bool] = False  # X may hold NaN (missing entries): see imputation

    def _validate_X(self, X: Any, reset: bool) -> np.ndarray | DiskRows:
        """Checked rows, flattened to (n, n_features); records the shapes on reset. They are
        float32, or float64 where float32 would round a column's variation away
        (``_precision``): standardized before the network's float32 (``_to_model``), they keep
        it. Data on disk (a dataset, a large memmap) come back as :class:`DiskRows`, unread:
        each batch is checked as it is read."""
        on_disk = disk_rows(X, self._masks_missing)
        if on_disk is not None:
            return self._validate_disk(on_disk, reset)
        if not reset and isinstance(X, pd.DataFrame):
            self._check_frame_columns(X)  # before its cells: another table is said as one
        array = as_numeric_array(
            X,
            allow_nan=self._masks_missing,
            precision=self._precision(reset),
            min_rows=2 if reset else 1,  # fit: one row has no scale (refused in _start_fit)
            fitting=reset,
        )
        flat = array.reshape(len(array), -1)
        if not reset and array.ndim in (3, 4):  # images or sequences of another shape: said
            self._check_shape(array)  # so, not that their feature count differs
        # as_numeric_array already said where values are not finite; after fit, X is already
        # the checked float rows scikit-learn's check_array would make again (a fifth of a
        # one-row transform's time): its checks of the feature count and names alone
        checks = {"ensure_all_finite": False} if reset else {"skip_check_array": True}
        self._sklearn_checks(X if isinstance(X, pd.DataFrame) else flat, reset=reset, **checks)
        if reset:
            self.input_ndim_ = array.ndim
            self.image_shape_ = self._resolve_shape(array, "image_shape")
            self.sequence_shape_ = self._resolve_shape(array, "sequence_shape")
        else:
            self._check_shape(array)
        return flat

    def _precision(self, reset: bool) -> str:
        """How X's float64 values are read (:func:`aekit.data.validation.as_numeric_array`):
        ``fit`` keeps them float64 where float32 would round a column's variation away; a model
        fitted so (float64 statistics) reads every X in float64, a single row too."""
        if reset:
            return "as_needed"
        mean = getattr(self, "data_mean_", None)
        return "float64" if mean is not None and mean.dtype == np.float64 else "float32"

    def _sklearn_checks(self, X: Any, reset: bool, **options: Any) -> None:
        """scikit-learn's ``validate_data`` (feature count and names), its errors naming the
        public estimator a network serves (``_shown_name``: "Compressor is expecting 64
        features", not the internal "QuantizingAutoencoder"), and so do its warnings."""
        internal, shown = type(self).__name__, self._shown_name
        if shown == internal:
            try:
                validate_data(self, X, reset=reset, **options)
            except ValueError as err:
                if not (hint := self._shape_hint(X)):
                    raise
                raise ValueError(f"{err}{hint}") from None
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                validate_data(self, X, reset=reset, **options)
            except ValueError as err:
                if internal not in str(err):
                    raise
                raise ValueError(str(err).replace(internal, shown)) from None
        for warning in caught:  # e.g. "X does not have valid feature names, but ..."
            message = str(warning.message).replace(internal, shown)
            warnings.warn(message, warning.category, stacklevel=caller_level())

    def _check_frame_columns(self, X: pd.DataFrame) -> None:
        """A fitted model's DataFrame: fit's columns by name (scikit-learn's "The feature names
        should match those that were passed during fit. ..." lists them without the fix; the
        detector's words name both), or by count for a model fitted on an array, said before
        any cell is read (a table of another kind was refused for its text columns, and the
        fix offered, leaving them out, led to this refusal next)."""
        expected = getattr(self, "feature_names_in_", None)
        names = list(X.columns)
        if expected is not None:
            if all(isinstance(n, str) for n in names) and names != list(expected):
                from aekit.data.fit_columns import column_mismatch

                raise ValueError(column_mismatch(names, list(expected)))
        elif len(names) != self.n_features_in_:  # scikit-learn's words for it
            from aekit.data.non_numeric import non_numeric_columns

            text = non_numeric_columns(X)  # the raw table of rows fitted one-hot encoded
            encode = (
                f" X holds text columns ({', '.join(text)}): if the model was fitted on rows "
                "a TabularEncoder encoded, give it encoder.transform(X)."
                if text
                else ""
            )
            raise ValueError(
                f"X has {len(names)} features, but {self._shown_name} is expecting "
                f"{self.n_features_in_} features as input.{encode}"
            )

    def _check_shape(self, array: np.ndarray) -> None:
        """Images or sequences of the shape the model was fitted on."""
        for name, (ndim, _, what, _) in _SHAPES.items():
            fitted = getattr(self, f"{name}_", None)
            found = tuple(array.shape[1:])
            if array.ndim == ndim and fitted is not None and found != fitted:
                # a sequence's two axes swapped: name the transpose (images: the command line
                # rewrites their message with its size options)
                swapped = name == "sequence_shape" and found == fitted[::-1]
                swap = ": pass X.transpose(0, 2, 1)" if swapped else ""
                if name == "image_shape" and found == (*fitted[1:], fitted[0]):  # (H, W, C)
                    swap = ": pass X.transpose(0, 3, 1, 2) (X's images are channels-last)"
                elif name == "sequence_shape" and not swapped and found[0] == fitted[0]:
                    swap = f": crop, pad or resample each to {fitted[1]} steps"  # other lengths
                raise ValueError(
                    f"X has {what} of shape {found} but the model was fitted on {fitted}{swap}."
                )
        if array.ndim == 4 and self.sequence_shape_ is not None and self.input_ndim_ != 4:
            # (n, 1, 1, L) flattens to a sequence model's rows, and so does any other (n, a, b, c)
            # of as many values: no layout of four axes is a sequence's (a model fitted on four
            # axes, images read as sequences by sequence_shape, takes what it was fitted on)
            channels, length = self.sequence_shape_
            raise ValueError(
                f"X has 4 axes, rows of shape {tuple(array.shape[1:])}, but the model was fitted "
                f"on sequences of shape {self.sequence_shape_}: pass them as (n, {channels}, "
                f"{length}) or as flat rows (n, {channels * length})."
            )
        one_channel_rows = array.shape[1] == 1 and array[0].size == self.n_features_in_
        if array.ndim == 4 and self.image_shape_ is None and not one_channel_rows:
            # one channel of the rows' width flattens to them in any layout ((n, 1, 8, 8) of a
            # model of the 64 digit pixels: the command line's 'digits'); more channels do not
            width = self.n_features_in_
            raise ValueError(
                f"X has images of shape {tuple(array.shape[1:])} but the model was fitted on "
                f"rows of {width} features, not images: pass flat rows, X.reshape(len(X), -1), "
                "their values in the order of the training rows'."
            )
        if array.ndim == 3 and self.sequence_shape_ is None and not self._single_channel(array):
            # flattening would take any (n, a, b) with a * b values a row: (n, H, W, C) images
            # in another layout were scored as if they were the model's (user review)
            width = self.n_features_in_
            fitted = (
                f"images of shape {self.image_shape_}: pass (n, C, H, W) images or their flat "
                f"rows (n, {width})"
                if self.image_shape_ is not None
                else f"rows of {width} features: pass them as (n, {width})"
            )
            raise ValueError(
                f"X has 3 axes, rows of shape {tuple(array.shape[1:])}, but the model was fitted "
                f"on {fitted}."
            )

    def _shape_hint(self, X: Any) -> str:
        """A hint for one grey image given alone, ``(H, W)``, to a model of ``(1, H, W)``
        images (read as H rows of W features: "X has 28 features, but ... 784"), or for rows
        of another length to a sequence model (beats of 139 samples for 140); else ""."""
        sequences = getattr(self, "sequence_shape_", None)
        if sequences is not None and getattr(X, "ndim", 0) == 2:
            channels, steps = (int(v) for v in sequences)
            said = f" The model reads sequences of shape {tuple(sequences)}"
            if X.shape[1] % channels:  # a channel missing, not steps: no resampling mends it
                return f"{said}, {channels * steps} values a row (each channel's steps in turn)."
            return f"{said}: crop, pad or resample each to {steps} steps."
        shape = getattr(self, "image_shape_", None)
        if shape is None or shape[0] != 1 or getattr(X, "shape", None) != tuple(shape[1:]):
            return ""
        return f" X looks like one image of shape {tuple(shape[1:])}: pass X[None, None]."

    def _single_channel(self, array: np.ndarray) -> bool:
        """``(n, H, W)``: images of one channel without its axis, for a model of (1, H, W)."""
        shape = self.image_shape_
        return shape is not None and shape[0] == 1 and tuple(array.shape[1:]) == tuple(shape[1:])

    def _validate_disk(self, rows: DiskRows, reset: bool) -> DiskRows:
        """What ``validate_data`` checks of an array, from the reader's header."""
        reader = rows.reader
        reader.fitting = reset  # a fit's rows: a column with no value is told to be left out
        one_row = np.zeros((1, *reader.row_shape), np.float32)  # the shape without the data
        if reset:
            self.n_features_in_ = reader.n_features
            if reader.named_columns:  # a table's columns, as validate_data keeps a DataFrame's
                self.feature_names_in_ = np.asarray(reader.columns, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
            self.input_ndim_ = one_row.ndim
            self.image_shape_ = self._resolve_shape(one_row, "image_shape")
            self.sequence_shape_ = self._resolve_shape(one_row, "sequence_shape")
            return rows
        mean = getattr(self, "data_mean_", None)
        if mean is not None and mean.dtype == np.float64:  # readers hand out float32 rows
            warn_float32_statistics(mean, self.data_scale_, "A dataset on disk")
        # scikit-learn's own checks of the feature count and names (those of a fitted
        # DataFrame against a table's columns), on one row of zeros shaped as the file's rows.
        flat_row = one_row.reshape(1, -1)
        header = (
            pd.DataFrame(flat_row, columns=reader.columns) if reader.named_columns else flat_row
        )
        if reader.named_columns:
            self._check_frame_columns(header)
        self._sklearn_checks(header, reset=False)
        self._check_shape(one_row)  # as an array in memory is checked ("fitted on None" once)
        return rows

    def _resolve_shape(self, array: np.ndarray, name: str) -> tuple[int, ...] | None:
        """The images' or sequences' shape: X's own when X is shaped so, else the parameter's
        (checked against X's number of features); an error if the architecture needs one."""
        ndim, form, what, needed_by = _SHAPES[name]
        value = getattr(self, name)
        given = tuple(int(v) for v in value) if value is not None else None
        if array.ndim == ndim:
            found = tuple(int(v) for v in array.shape[1:])
            if given is not None and given != found:
                raise ValueError(f"{name}={given} does not match X's {what} {found}.")
            if name == "image_shape" and given is None:
                _refuse_channels_last(found)
            if name == "sequence_shape" and given is None:  # the dense network warned: its
                # rows may be no windows at all (200 point clouds of 64 xyz triples)
                _check_time_first(found, warn=self.architecture not in needed_by)
            if name == "sequence_shape" and given is None and self.architecture == "mlp":
                _warn_of_grey_images(found)
            return found
        n_features = int(np.prod(array.shape[1:]))
        if given is not None and (len(given) != ndim - 1 or int(np.prod(given)) != n_features):
            product = "*".join(form.strip("()").split(", "))
            raise ValueError(
                f"{name}={given} must be {form} with {product} equal to X's {n_features} features."
            )
        if self.architecture in needed_by and given is None:
            # (n, H, W) grey images, Keras' layout: one channel axis short
            short = name == "image_shape" and array.ndim == ndim - 1
            hint = " Grey images (n, H, W): X[:, None] adds the channel axis." if short else ""
            if name == "image_shape" and array.ndim == 2:  # flat rows: the shape they may hold
                hint = _square_hint(n_features)
            raise ValueError(
                f"architecture={self.architecture!r} needs {what}: pass X as (n, "
                f"{form.strip('()')}) or set {name}={form}.{_HINTS.get(name, hint)}"
            )
        return given


def _square_hint(n_features: int) -> str:
    """The image shape that rows of ``n_features`` values fit when square (a conv model fitted
    on digits' 64 columns was told of (C, H, W) alone), else nothing."""
    shape = square_image_shape(n_features)
    if shape is None:
        return ""
    kind = "grey" if shape[0] == 1 else "colour"
    return (
        f" X's {n_features} columns fit {shape[1]}x{shape[2]} {kind} images: image_shape={shape}."
    )


def _warn_of_grey_images(shape: tuple[int, ...]) -> None:
    """(n, H, W) grey images, Keras' layout, given to a dense network are read as sequences of
    H channels (its figures drew 28 overlaid lines a panel, and PNG output was refused):
    said when the two axes are equal, as images' are and a sequence's channels and steps
    seldom are; ``sequence_shape`` equal to X's own says the layout is meant."""
    channels, length = shape
    if channels == length >= 8:
        warnings.warn(
            f"X of shape (n, {channels}, {length}) is read as sequences (n, channels, length) "
            f"of {channels} channels; if these are grey images (n, H, W), pass X[:, None] "
            f"(n, 1, H, W), or sequence_shape={shape} if they are sequences.",
            UserWarning,
            stacklevel=caller_level(),
        )


def _refuse_channels_last(shape: tuple[int, ...]) -> None:
    """(n, H, W, C) images (Keras' and PIL's layout) were taken as (n, C, H, W): 28 channels of
    28x1 images. Refused when read so they are square images of 1, 3 or 4 channels and the first
    axis is no channel count ((64, 4, 4) or (2, 8, 3) are channels-first data); an
    ``image_shape`` equal to the array's own says the layout is meant."""
    channels, last = shape[0], shape[-1]
    if last in (1, 3, 4) and channels not in (1, 3, 4) and shape[0] == shape[1]:
        raise ValueError(
            f"X's images have shape {shape}, which looks channels-last (height, width, "
            f"channels); aekit takes (n, C, H, W): pass X.transpose(0, 3, 1, 2), or "
            f"image_shape={shape} if it really has {channels} channels of {shape[1]}x{last}."
        )


# Sequences of at most this many steps with more channels than that are refused as time-first:
# (length, channels) windows read the wrong way round, with nothing for a network to run along.
_MOST_STEPS_REFUSED = 4


def _check_time_first(shape: tuple[int, ...], warn: bool = False) -> None:
    """(n, length, channels) windows (``aekit.timeseries.sliding_windows``' and Keras'
    layout) were taken as (n, channels, length): 64 channels of 2 steps, for which a 1-D
    convolution or a recurrent network has nothing to run along, and which a dense network
    standardizes step by step, losing the signal's shape. Refused when read so they have
    at most ``_MOST_STEPS_REFUSED`` steps and more channels than that (``warn``: said, for a
    dense network, which fits any rows); a ``sequence_shape`` equal to the array's own says the
    layout is meant."""
    channels, length = shape
    if length <= _MOST_STEPS_REFUSED < channels:
        message = (
            f"X's sequences have shape {shape}, which looks time-first (length, channels), "
            f"as sliding_windows gives them; aekit takes (n, channels, length): pass "
            f"X.transpose(0, 2, 1), or sequence_shape={shape} if it really has {channels} "
            f"channels of {length} step{'s' if length > 1 else ''}."
        )
        if not warn:
            raise ValueError(message)
        warnings.warn(message, UserWarning, stacklevel=caller_level())
