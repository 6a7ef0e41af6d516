"""The data's scale and its one-hot groups: what ``fit`` learns about X before training, and
the way between the data and the model's space (:class:`DataScale`).

Gaussian data is standardized per feature (:func:`aekit.data.scaling.standardization`, which
leaves out NaN, the missing entries of masked data), or per channel when the rows are sequences;
the columns of a one-hot group keep their 0/1 values, since a softmax likelihood models them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from aekit.core.objectives.likelihoods import check_fitted_range
from aekit.core.rows import LazyRows
from aekit.data.scaling import standardization
from aekit.estimators._disk import DiskRows, model_rows


def categorical_groups(estimator: Any) -> tuple[tuple[int, int], ...] | None:
    """The estimator's ``categorical_groups`` as int pairs, or None."""
    groups = estimator.categorical_groups
    return None if not groups else tuple((int(a), int(b)) for a, b in groups)


def check_categorical_groups(
    flat: np.ndarray,
    groups: tuple[tuple[int, int], ...] | None,
    architecture: str,
    first_row: int = 0,
) -> None:
    """One-hot groups lie inside X, do not overlap, and hold one-hot rows (or missing ones);
    ``flat`` may be a chunk of rows on disk beginning at row ``first_row``."""
    groups = sorted(groups or ())
    if groups and architecture != "mlp":
        raise ValueError("categorical_groups needs architecture='mlp'.")
    for (a, b), (c, _) in zip(groups, groups[1:] + [(flat.shape[1], None)]):
        if b > c:
            raise ValueError(
                f"categorical_groups: group ({a}, {b}) overlaps the next group or runs past "
                f"X's {flat.shape[1]} columns."
            )
        block = flat[:, a:b]
        rows = block[~np.isnan(block).any(axis=1)]
        zeros_and_ones, ones = np.isin(rows, (0.0, 1.0)).all(), rows.sum(axis=1)
        if not (zeros_and_ones and (ones == 1).all()):
            empty = np.flatnonzero((block == 0).all(axis=1))
            if zeros_and_ones and (ones <= 1).all() and len(empty):  # no category: TabularEncoder
                # (handle_missing="mask"), whose own advice led here, was said "not one-hot"
                shown = ", ".join(map(str, first_row + empty[:5]))
                shown += " ..." if len(empty) > 5 else ""
                raise ValueError(
                    f"categorical_groups: columns {a}:{b} of X are all 0 in row"
                    f"{'s' if len(empty) > 1 else ''} {shown}: no category set (a missing one, "
                    "as TabularEncoder(handle_missing='mask') encodes it, or a dropped "
                    "reference category, as get_dummies(drop_first=True) makes); each row needs "
                    "one 1: fill a table's missing cells first (aekit.AutoencoderImputer, "
                    "'aekit impute'), or encode every category."
                )
            raise ValueError(
                f"categorical_groups: columns {a}:{b} of X are not one-hot (each row one 1, "
                "the rest 0). Encode categorical columns with aekit.data.tabular.TabularEncoder."
            )


def fit_scale(
    estimator: Any, flat: np.ndarray | DiskRows
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Check the one-hot groups; ``(mean, scale)`` per feature for Gaussian data (the groups
    keep mean 0 and scale 1), ``(None, None)`` for [0, 1] data. Rows on disk were checked, and
    their statistics found, by ``fit``'s streaming pass (``flat.stats``)."""
    groups = categorical_groups(estimator)
    if not isinstance(flat, DiskRows):
        check_categorical_groups(flat, groups, estimator.architecture)
    if estimator.likelihood_ != "gaussian":
        return None, None
    # NaN (a missing entry, only where the estimator masks them) is left out of the statistics.
    sequences = estimator.sequence_shape_
    if isinstance(flat, DiskRows):  # found by fit's streaming pass
        stats = flat.stats
        center, scale = (
            (stats.mean.copy(), stats.scale)
            if sequences is None
            else _pooled_per_channel(stats.n, stats.mean, stats.m2, sequences)
        )
    elif sequences is not None:  # rows are sequences, whatever the network
        center, scale = _per_channel(flat, sequences)
    else:
        center, scale = standardization(flat)
    for a, b in groups or ():
        center[a:b], scale[a:b] = 0.0, 1.0
    # float64 rows (values float32 would round) keep float64 statistics: a mean of 1e6 in
    # float32 is off by up to 0.03, a shift of 3 standard deviations for a column varying by 0.01
    precision = np.float64 if getattr(flat, "dtype", None) == np.float64 else np.float32
    return center.astype(precision), scale.astype(precision)


_STANDARDIZED_ROWS = 8192  # rows standardized at a time in float64: no float64 copy of X


def standardized(flat: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``(flat - mean) / scale`` as float32, the network's precision, computed in the precision
    of the statistics, as ``fit`` computed them. After float64 rows that is float64, a block of
    rows at a time and cast after: the differences from the mean are small numbers float32
    holds well, the raw values may not be."""
    if mean.dtype == np.float32:  # one new array, divided in place: X's size, not twice it
        out = np.subtract(flat.astype(np.float32, copy=False), mean)
        out /= scale
        return out
    out = np.empty(flat.shape, np.float32)
    for start in range(0, len(flat), _STANDARDIZED_ROWS):
        block = slice(start, start + _STANDARDIZED_ROWS)
        out[block] = (flat[block] - mean) / scale
    return out


def _per_channel(flat: np.ndarray, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """One mean and scale per channel, over every row and step, repeated along the steps. A
    sequence network shares its weights over time (a convolution's kernel, a recurrent cell), so
    a value must mean the same at every step: standardizing each step on its own would rescale
    each position of the signal differently and distort its shape."""
    channels, length = shape
    steps = flat.reshape(len(flat), channels, length).transpose(0, 2, 1).reshape(-1, channels)
    center, scale = standardization(steps)
    return np.repeat(center, length), np.repeat(scale, length)


def _pooled_per_channel(
    n: np.ndarray, mean: np.ndarray, m2: np.ndarray, shape: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_per_channel` from per-column counts, means and sums of squared deviations (rows
    on disk): each channel's steps pooled by Chan et al.'s rule,
    ``M2 = sum M2_i + sum n_i (mean_i - mean)^2``."""
    channels, length = shape
    n, mean, m2 = (v.reshape(channels, length).astype(np.float64) for v in (n, mean, m2))
    total = np.maximum(n.sum(axis=1), 1)
    center = (n * mean).sum(axis=1) / total
    pooled = m2.sum(axis=1) + (n * (mean - center[:, None]) ** 2).sum(axis=1)
    std = np.sqrt(pooled / total)
    # StandardScaler's rule for a constant channel: a scale this small is taken as 1.
    std = np.where(std < 10 * np.finfo(np.float64).eps * np.maximum(np.abs(center), 1.0), 1.0, std)
    return np.repeat(center, length), np.repeat(std, length)


def value_range(
    model_space: np.ndarray, nan_aware: bool, likelihood: str
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of Gaussian and salt-and-pepper noise: [0, 1] for every feature of [0, 1] data
    (the Bernoulli likelihood's support; an image's always-black border pixels must still see
    noise in training, as they will in noisy test images), else each feature's min and max."""
    if likelihood == "bernoulli":
        width = model_space.shape[1:]
        return np.zeros(width, np.float32), np.ones(width, np.float32)
    if nan_aware:
        return np.nanmin(model_space, axis=0), np.nanmax(model_space, axis=0)
    return model_space.min(axis=0), model_space.max(axis=0)


class DataScale:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`: rows to and from the model's space,
    where Gaussian data is standardized and [0, 1] data is used as is."""

    def _network_shape(self) -> tuple[int, ...]:
        """One row as the network takes it: ``(D,)``, ``(C, H, W)`` or ``(C, L)``."""
        if self.architecture == "mlp":
            return (int(self.n_features_in_),)
        shape = self.image_shape_ if self.architecture == "conv" else self.sequence_shape_
        return tuple(int(v) for v in shape)

    def _data_shape(self) -> tuple[int, ...]:
        """One row as ``fit`` saw it: images and sequences come back shaped as they went in."""
        shape = {4: self.image_shape_, 3: getattr(self, "sequence_shape_", None)}.get(
            self.input_ndim_
        )
        return (int(self.n_features_in_),) if shape is None else tuple(int(v) for v in shape)

    def _to_model(self, flat: np.ndarray | DiskRows) -> torch.Tensor | LazyRows:
        """Rows in the model's space: every X a fitted model takes, at ``fit`` and after (rows
        on disk are checked a batch at a time as they are read)."""
        shape = self._network_shape()
        if isinstance(flat, DiskRows):  # read and standardized a batch at a time
            return model_rows(flat, shape, self.data_mean_, self.data_scale_, self._check_range)
        self._check_range(flat)
        if self.data_mean_ is not None:
            flat = standardized(flat, self.data_mean_, self.data_scale_)
        return torch.from_numpy(np.ascontiguousarray(flat, dtype=np.float32)).view(-1, *shape)

    def _check_range(self, flat: np.ndarray) -> None:
        """The rows of a Bernoulli model must lie in [0, 1], as ``fit`` requires of its X: the
        same check for every X that reaches the network (``transform``, ``reconstruct``,
        ``score_samples``, ``elbo``, ``reconstruction_error``, ...)."""
        # a network inside another estimator (_shown_as) has a likelihood its user cannot set
        check_fitted_range(self.likelihood_, flat, getattr(self, "_shown_as", None) is None)

    def _to_data(self, x: torch.Tensor) -> np.ndarray:
        flat = x.detach().cpu().numpy().reshape(len(x), -1)
        if self.data_mean_ is not None:
            flat = flat * self.data_scale_ + self.data_mean_
        return flat.reshape(len(flat), *self._data_shape())

    def _log_det_scale(self) -> float:
        """``-sum log scale``: turns a density of standardized x into one of the data x."""
        return 0.0 if self.data_scale_ is None else -float(np.log(self.data_scale_).sum())


def holds_uint8(X: Any) -> bool:
    """Whether X's values are uint8, however it holds them: an array (or memmap), a torch
    tensor, a DataFrame whose columns all are, or a dataset on disk whose columns all are
    (read from its header). (Reading an array's ``dtype`` alone missed all but arrays.)"""
    dtype = getattr(X, "dtype", None)
    if dtype is not None:  # numpy's, or torch's
        return dtype == (torch.uint8 if isinstance(dtype, torch.dtype) else np.uint8)
    dtypes = getattr(X, "dtypes", None)  # a pandas Series, or a dataset's dict
    values = (
        list(dtypes.values()) if isinstance(dtypes, dict) else list(getattr(dtypes, "values", []))
    )
    return bool(values) and all(str(d) == "uint8" for d in values)


def holds_whole_pixel_values(rows: np.ndarray) -> bool:
    """Whether the rows hold whole numbers from 0 up to a largest value in (127, 255]: pixel
    values kept as floats (``x.astype("float32")`` without ``/ 255``, a CSV's numbers), judged
    on at most 1,000 evenly spaced rows, whole (every k-th value of the flat data could all
    fall in one column). Smaller ranges (scikit-learn's digits, 0..16; class masks) are other
    scales than 255's."""
    rows = np.asarray(rows)
    sample = rows[:: max(1, len(rows) // pixel_sample_rows(rows[0].size if len(rows) else 1))]
    if not sample.size or not np.issubdtype(sample.dtype, np.number):
        return False
    return bool(sample.min() >= 0 and 127 < sample.max() <= 255 and (sample % 1 == 0).all())


def pixel_sample_rows(width: int) -> int:
    """How many whole rows the pixel check reads: 1,000, or fewer so that they hold at most
    a million values (1,000 colour images of 224x224 were 150M)."""
    return max(1, min(1000, 1_000_000 // max(1, width)))


KEEP_THE_GAUSSIAN = "or pass likelihood='gaussian' to keep this model and silence this"


def warn_of_pixel_values(
    X: Any,
    likelihood: str,
    chosen: str,
    images: bool = False,
    rows: Any = None,
    keep: str = KEEP_THE_GAUSSIAN,
) -> None:
    """Said when ``likelihood="auto"`` chose the Gaussian for uint8 data (:func:`holds_uint8`),
    or for ``images`` (image-shaped data) whose ``rows`` (all of them, or the first 1,000 of
    rows on disk) hold whole numbers up to 255: images' pixel values (Keras' tutorials divide
    them by 255 first). The model is then a Gaussian on standardized values, whose samples and
    reconstructions leave 0..255 (-95 to 341 on digits), where X / 255 would get the
    Bernoulli likelihood of [0, 1] pixels. Whole numbers up to 255 in a table (ages, counts)
    are no pixels: only images are judged by value. ``keep``: how to keep the model (a
    Compressor's network takes no likelihood its user can pass)."""
    if likelihood != "auto" or chosen != "gaussian":
        return
    if holds_uint8(X):
        what = "X is uint8 (pixel values 0..255?)"
    elif images and rows is not None and holds_whole_pixel_values(rows):
        what = "X's images hold whole numbers 0..255 (pixel values?)"
    else:
        return
    import warnings

    from aekit.warning_lines import caller_level

    warnings.warn(
        f"{what}, so likelihood='auto' chose a Gaussian on "
        "standardized values; for images divide X by 255 to get the Bernoulli likelihood of "
        f"[0, 1] pixels, {keep}.",
        UserWarning,
        stacklevel=caller_level(),
    )
