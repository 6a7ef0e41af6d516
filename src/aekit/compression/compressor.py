"""Learned lossy compression: quantized autoencoder codes, entropy-coded against an empirical
prior, in a self-describing container (see :mod:`aekit.compression.container`)."""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from aekit.compression import container, entropy
from aekit.compression._docs import COMPRESSOR_ATTRIBUTES, COMPRESSOR_PARAMETERS
from aekit.compression.distortion import (
    SAMPLE_ROWS,
    MeasuresDistortion,
    mean_squared_error,
    sample_ids,
    warn_if_far_from_training,
)
from aekit.compression.files import CompressorFiles
from aekit.compression.prior import (
    check_step,
    codes_at,
    fit_quantiles,
    prior_ids,
    symbol_tables,
)
from aekit.compression.quality_warnings import (
    warn_if_larger_than_rows,
    warn_if_no_better_than_mean,
    warn_of_clipped_codes,
)
from aekit.compression.quantized import QuantizingAutoencoder
from aekit.compression.step import MAX_ROWS, choose_step, positive_step
from aekit.core.distributed import warns_on_rank_zero
from aekit.data.intervals import Interval
from aekit.data.lazy import lazy_reader, rows_at
from aekit.data.validation import (
    as_numeric_array,
    reject_sparse,
    reject_unshaped,
)
from aekit.estimators.composite import NetworkComposite, network_constraints
from aekit.estimators.epochs import batch_rows, epochs_for_steps
from aekit.estimators.interrupted_fits import whole_or_unfitted
from aekit.estimators.persistence import (
    SavesToFile,
    remember_fitted_params,
)
from aekit.estimators.streaming import chunks_of

# max_iter="auto": 30 epochs (the setting of benchmarks/compress.py on 60,000 rows, 9,000 steps),
# but at least MIN_STEPS gradient steps. 30 epochs of 300 digits (60 steps) left the network near
# its initial weights (decompressed MSE 0.074, the mean row's 0.073); 1,000 steps give 0.003.
DEFAULT_EPOCHS = 30
MIN_STEPS = 1000


class Compressor(NetworkComposite, MeasuresDistortion, CompressorFiles, SavesToFile, BaseEstimator):
    __doc__ = (
        """Lossy compression with an autoencoder: ``compress(X) -> bytes``, ``decompress(bytes)``.

    The encoder's code is rounded to multiples of ``step`` and the symbols are entropy-coded
    (ANS, via ``constriction``) under each code dimension's empirical distribution on the
    training data. The bytes carry a header (magic, version, the model's fingerprint, the shape,
    the step, a CRC-32), so they decode with this model alone and any other model refuses them.

    The rate has two knobs: ``rate_weight`` (lambda in ``distortion + lambda * rate``, set at
    training) and ``step`` (the quantization step, changeable per call of :meth:`compress`:
    larger steps give fewer bits and more distortion). By default the step is chosen at fit:
    the largest whose rounding adds at most 10% to the network's own squared error on the
    training rows (:mod:`aekit.compression.step`).

"""
        + COMPRESSOR_PARAMETERS
        + COMPRESSOR_ATTRIBUTES
        + """    Examples
    --------
    >>> from aekit import Compressor
    >>> from aekit.data.datasets import load_digits
    >>> X, _ = load_digits()
    >>> compressor = Compressor(latent_dim=8, max_iter=20, random_state=0).fit(X)
    >>> data = compressor.compress(X[:10])
    >>> compressor.decompress(data).shape
    (10, 64)
    """
    )

    _passed_on = (
        *(name for name in NetworkComposite._passed_on if name != "max_iter"),  # resolved in fit
        "latent_dim",
        "rate_weight",
        "architecture",
        "image_shape",
        "sequence_shape",
        "random_state",
    )
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "step": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        **network_constraints(QuantizingAutoencoder, _passed_on),
    }

    def __init__(
        self,
        latent_dim: int = 128,
        *,
        rate_weight: float = 0.001,
        step: float | str = "auto",
        hidden_layer_sizes: tuple[int, ...] | None = None,
        architecture: str = "mlp",
        image_shape: tuple[int, int, int] | None = None,
        sequence_shape: tuple[int, int] | None = None,
        max_iter: int | str = "auto",
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        random_state: Any = None,
        device: str = "auto",
        verbose: bool = False,
    ) -> None:
        self.latent_dim = latent_dim
        self.rate_weight = rate_weight
        self.step = step
        self.hidden_layer_sizes = hidden_layer_sizes
        self.architecture = architecture
        self.image_shape = image_shape
        self.sequence_shape = sequence_shape
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    @warns_on_rank_zero
    @whole_or_unfitted  # no autoencoder_ without its step_
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> Compressor:
        """Train the network on X, then fit the prior to its codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Training rows; a dataset on disk (:func:`aekit.open_dataset`, a large memmap) is
            read a batch at a time.
        y : None, default=None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reject_unshaped(X)  # before len(X), which None and numbers refuse
        reject_sparse(X)  # before len(X), which scipy refuses
        network = QuantizingAutoencoder(**self._network_kwargs(max_iter=self._epochs(len(X))))
        network.fit(X)  # data on disk: lazy
        ids = prior_ids(len(X))  # the rows of the prior: all, or PRIOR_ROWS of a larger X
        codes = network.transform(X) if ids is None else codes_at(network, X, ids)
        self.quantiles_ = fit_quantiles(codes)
        self._take_shape_of(network)
        self.autoencoder_ = network
        self.__dict__.pop("_fingerprint", None)
        rows, codes = self._checked_rows(X, ids, codes)
        auto = self.step == "auto"
        step = self._auto_step(rows, codes) if auto else float(self.step)
        self.step_ = check_step(self.quantiles_, step)
        decoded = self._decode(self._rounded(codes, self.step_))
        self.training_error_ = mean_squared_error(rows, decoded)  # new rows are measured by it
        warn_if_no_better_than_mean(rows, decoded)
        warn_if_larger_than_rows(rows, self._payload(codes, self.step_), int(self.latent_dim))
        remember_fitted_params(self)  # what save keeps (persistence)
        return self

    @property
    def latent_dim_(self) -> int:
        """The width of the fitted network's codes (set_params after fit sets the next fit's)."""
        return self.autoencoder_.latent_dim_

    def _take_shape_of(self, network: QuantizingAutoencoder) -> None:
        """``n_features_in_`` and, for a table, ``feature_names_in_``: the network's, as
        scikit-learn's estimators record them."""
        self.n_features_in_ = network.n_features_in_
        names = getattr(network, "feature_names_in_", None)
        if names is None:
            self.__dict__.pop("feature_names_in_", None)
        else:
            self.feature_names_in_ = names

    def _epochs(self, n_samples: int) -> int:
        """``max_iter``, or for "auto" :data:`DEFAULT_EPOCHS` with at least :data:`MIN_STEPS`
        gradient steps of the network's batch (``batch_size``; "auto" as the network takes it,
        :func:`aekit.estimators.epochs.batch_rows`)."""
        if self.max_iter != "auto":
            return int(self.max_iter)
        batch = batch_rows(self.batch_size, n_samples)
        return epochs_for_steps(n_samples, max(1, batch), DEFAULT_EPOCHS, MIN_STEPS)

    def _checked_rows(
        self, X: Any, ids: np.ndarray | None, codes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Up to MAX_ROWS of the prior's rows (``ids`` of X, or all of X) and their codes (float64),
        read alone when X is on disk: the rows the step is chosen and the fit checked on."""
        keep = None
        if len(codes) > MAX_ROWS:
            keep = np.random.default_rng(0).choice(len(codes), MAX_ROWS, replace=False)
            codes = codes[keep]
        at = keep if ids is None else ids if keep is None else ids[keep]
        # float64 where float32 would round a column away, as the network standardizes it
        rows = as_numeric_array(X if at is None else rows_at(X, at), precision="as_needed")
        return rows, codes.astype(np.float64)

    def _symbols(self, codes: np.ndarray, step: float) -> tuple[Any, np.ndarray, np.ndarray]:
        """The prior's symbol tables at ``step``, the codes rounded to multiples of it (as
        integers) and those clipped to the prior's range, as offsets into its tables."""
        tables = symbol_tables(self.quantiles_, step)
        # bounded before the cast: a row far outside the data (a cell of 1e30) has codes past
        # int64, which the cast wrapped round (numpy's "invalid value"): it decoded at the
        # prior's other end; 2**52 is far past any table and a float exactly
        rounded = np.clip(np.floor(codes / step + 0.5), -(2.0**52), 2.0**52)
        symbols = rounded.astype(np.int64)
        return tables, symbols, tables.clip(symbols)

    def _rounded(self, values: np.ndarray, step: float) -> np.ndarray:
        """Codes rounded to ``step`` and clipped to the prior, as :meth:`decompress` decodes."""
        tables, _, offsets = self._symbols(values, step)
        return ((offsets + tables.low) * step).astype(np.float32)

    def _payload(self, codes: np.ndarray, step: float) -> bytes:
        """The entropy-coded symbols of ``codes`` at ``step``, as :meth:`compress` writes them."""
        tables, _, offsets = self._symbols(codes, step)
        return entropy.encode(offsets, tables)

    def _decode(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(self.autoencoder_.inverse_transform(values.astype(np.float32)))

    def _auto_step(self, rows: np.ndarray, codes: np.ndarray) -> float:
        """The step of :func:`aekit.compression.step.choose_step` on ``rows``."""
        return choose_step(rows, codes, self._decode, self._rounded)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "autoencoder_")

    def fingerprint(self) -> bytes:
        """16 bytes identifying this fitted model (its weights and prior).

        Returns
        -------
        fingerprint : bytes
        """
        check_is_fitted(self)
        if "_fingerprint" not in self.__dict__:
            self._fingerprint = container.fingerprint_of(self.autoencoder_.model_, self.quantiles_)
        return self._fingerprint

    def compress(
        self,
        X: Any,
        step: float | str | None = None,
        ids: Any = None,
        return_distortion: bool = False,
    ) -> Any:
        """Compress the rows of X into self-describing bytes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            A dataset on disk (:func:`aekit.datasets.open_dataset`, a large memmap) is read and
            encoded a chunk at a time: memory holds its codes, not its rows.
        step : float, "auto" or None, default=None
            Quantization step; None (or ``"auto"``, as the parameter's default is spelt) uses
            ``step_`` (the ``step`` parameter, or the one fit chose).
            A step below the smallest the model supports (its code's span split into
            :data:`aekit.compression.prior.MAX_SYMBOLS` symbols) is a ``ValueError``.
        ids : array-like of shape (n_samples,), default=None
            Each row's identifier, stored with the rows as text (a pandas Series keeps its
            name): ``decompress(data, return_ids=True)`` gives them back.
        return_distortion : bool, default=False
            Also return ``distortion(X, step, max_rows=SAMPLE_ROWS)`` (the mean squared error a
            value of up to :data:`aekit.compression.distortion.SAMPLE_ROWS` rows, drawn with
            seed 0, compressed and decompressed), measured on the codes just computed: no
            second pass over the rows.

        Returns
        -------
        data : bytes
        distortion : float
            Only when ``return_distortion``.
        """
        check_is_fitted(self)
        reject_unshaped(X)  # before len(X), which None, numbers and sparse matrices refuse
        reject_sparse(X)
        texts, id_column = (None, None) if ids is None else container.ids_as_text(ids, len(X))
        step = self._step_of(step)
        held, parts = None, []  # in memory, X as converted once: its sampled rows read there
        for part in self._parts(X):  # on disk: codes held, not rows
            held = part if lazy_reader(X) is None else None
            parts.append(self._codes(part))
        codes = np.concatenate(parts) if parts else np.empty((0, self.latent_dim_))
        n_rows, row_shape = len(codes), X.shape[1:] if hasattr(X, "shape") else np.shape(X)[1:]
        tables, symbols, offsets = self._symbols(codes, step)
        warn_of_clipped_codes(offsets + tables.low != symbols)
        error, said = None, step == self.step_ and n_rows > 0  # far from training's: said
        if return_distortion or said:
            at = sample_ids(n_rows, SAMPLE_ROWS)
            error = self._error_at(X if held is None else held, at, step, codes, held is not None)
            if said:
                warn_if_far_from_training(error, self.training_error_, len(at))
        data = container.pack(
            container.Container(
                fingerprint=self.fingerprint(),
                n_rows=n_rows,
                row_shape=tuple(int(v) for v in row_shape),
                step=step,
                latent_dim=self.latent_dim_,
                payload=entropy.encode(offsets, tables),
                ids=texts,
                id_column=id_column,
            )
        )
        return (data, error) if return_distortion else data

    def _step_of(self, step: float | str | None) -> float:
        """A call's step: ``step_`` for None or "auto" (the parameter's default's spelling),
        else ``step``, refused unless a positive number the prior's tables can hold."""
        fitted = step is None or (isinstance(step, str) and step == "auto")
        return check_step(self.quantiles_, positive_step(self.step_ if fitted else step))

    def _parts(self, X: Any) -> Iterator[np.ndarray | pd.DataFrame]:
        """X as the network takes it: a DataFrame whole (its column names checked by the
        network), other rows as one array (float64 where float32 would round them), a dataset
        on disk a chunk at a time."""
        if isinstance(X, pd.DataFrame):
            yield X
        elif lazy_reader(X) is None:
            yield as_numeric_array(X, precision="as_needed")
        else:
            for part, _ in chunks_of(X):
                yield as_numeric_array(part, "X", precision="as_needed")

    def _codes(self, array: np.ndarray | pd.DataFrame) -> np.ndarray:
        """The network's codes of rows (images as images, a table as it is, anything else
        flattened), float64."""
        flat = self.autoencoder_.image_shape_ is None and not isinstance(array, pd.DataFrame)
        rows = array.reshape(len(array), -1) if flat else array
        return self.autoencoder_.transform(rows).astype(np.float64)

    def decompress(self, data: bytes, return_ids: bool = False) -> Any:
        """Rows from bytes made by :meth:`compress` of this model.

        Parameters
        ----------
        data : bytes, bytearray or memoryview
            What :meth:`compress` returned.
        return_ids : bool, default=False
            Also return the rows' ids stored by ``compress(X, ids=...)``.

        Returns
        -------
        X : ndarray of float32 (float64 for a model fitted on columns float32 would round)
        ids : pandas.Series of str or None
            With ``return_ids``: the stored ids (named as given), None where none were stored.

        Raises
        ------
        ValueError
            For bytes that are truncated, corrupted, not aekit's, or made by another model.
        """
        check_is_fitted(self)
        box = container.unpack(container.checked_bytes(data))
        if box.fingerprint != self.fingerprint():
            raise ValueError(
                "these bytes were compressed by another model (fingerprint mismatch); decompress "
                "them with the model that compressed them."
            )
        if box.latent_dim != self.latent_dim_ or int(np.prod(box.row_shape)) != self.n_features_in_:
            raise ValueError("the header's shape does not fit this model.")
        tables = symbol_tables(self.quantiles_, positive_step(box.step))
        symbols = entropy.decode(box.payload, box.n_rows, tables)
        rows = self.autoencoder_.inverse_transform((symbols * box.step).astype(np.float32))
        rows = np.asarray(rows).reshape(box.n_rows, *box.row_shape)  # float64 where fit needed it
        ids = None if box.ids is None else pd.Series(box.ids, name=box.id_column)
        return (rows, ids) if return_ids else rows
