"""Imputation of missing values with a denoising autoencoder trained on the observed entries.

:class:`AutoencoderImputer` encodes a table with :class:`aekit.data.tabular.TabularEncoder` (numeric
columns standardized, categorical ones one-hot), trains a denoising autoencoder whose likelihood
covers the observed entries only (the masked likelihood of MIWAE, Mattei & Frellsen 2019, eq. 4;
missing entries enter the encoder as 0, the column mean) while extra entries are dropped at
random in training (input dropout: the denoising imputer of Gondara & Wang 2018, "MIDA"), and
then fills the missing entries with the reconstruction (averaged over ``n_estimators`` networks
trained from different seeds), re-encoding the filled rows a few times so each pass starts from
better guesses. Observed entries are returned untouched.
"""

from __future__ import annotations

from numbers import Integral, Real
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from aekit.core.distributed import warns_on_rank_zero
from aekit.core.objectives import MaskedReconstruction, Objective
from aekit.data.column_values import as_frame
from aekit.data.intervals import Interval
from aekit.data.number_formats import check_numbers_not_text
from aekit.data.tabular import TabularEncoder
from aekit.data.validation import reject_complex, reject_sparse, reject_unshaped
from aekit.estimators import DenoisingAutoencoder
from aekit.estimators.composite import NetworkComposite, network_constraints
from aekit.estimators.interrupted_fits import whole_or_unfitted
from aekit.estimators.persistence import (
    SavesToFile,
    export_estimator,
    import_estimator,
    remember_fitted_params,
)
from aekit.estimators.streaming import write_outputs
from aekit.imputation._docs import IMPUTER_ATTRIBUTES_AND_EXAMPLES
from aekit.imputation.fills import put_fills, warn_of_sparse_columns
from aekit.imputation.on_disk import fit_on_disk, on_disk_reader
from aekit.imputation.own_cells import parquet_source, write_dataset_filled
from aekit.io.inputs import refuse_input_as_output

_MIN_ROWS = 2  # one row shows no relation between columns: every fill would be its value


class _ObservedEntriesAutoencoder(DenoisingAutoencoder):
    """A DenoisingAutoencoder whose X may hold NaN: missing entries, left out of the loss (the
    masked objective), in ``fit`` and in ``transform``/``reconstruct`` alike."""

    _shown_as = "AutoencoderImputer"  # in progress bars
    _checks_convergence = False  # n_estimators networks: one warning each would be noise

    _masks_missing = True

    def _make_objective(self) -> Objective:
        return MaskedReconstruction()


class AutoencoderImputer(NetworkComposite, SavesToFile, TransformerMixin, BaseEstimator):
    __doc__ = (
        """Fill missing values with a denoising autoencoder trained on the observed entries.

    Works on numeric arrays and on pandas DataFrames mixing numeric and categorical columns
    (``category``, ``object``, string or ``bool``), and in a scikit-learn Pipeline. ``transform``
    returns the type it is given (a DataFrame stays a DataFrame, with its index and dtypes) and
    changes only the missing entries.

    Parameters
    ----------
    latent_dim : int, default=None
        Size of the code; None means half the encoded width, between 2 and 32.
    hidden_layer_sizes : int or array-like of int, default=(256, 256)
        Widths of the encoder's hidden layers (the decoder mirrors them). On the imputation
        benchmark's 11 tables, 256 units gave a 1% lower error than 128 (and 0.3 masking or six
        refinements did not help): ``benchmarks/impute.py``.
    mask_probability : float, default=0.15
        Probability that an observed entry is hidden from the encoder in a training step, so
        the network learns to predict entries from the others: input dropout, as MIDA's (the
        entry set to 0, the column mean, and the kept ones scaled by 1 / (1 - p), dropout's
        rescaling, in training only).
    n_estimators : int, default=5
        Networks trained from different seeds; each fill is the mean of their reconstructions,
        which lowers the error of a single network's guess (at n_estimators times the cost).
    n_refinements : int, default=3
        Passes over the rows with missing values: each fills them with the reconstruction of
        the previous fill (the first starts from the column means).
    max_iter : int, default=200
        Maximum number of training epochs.
    batch_size : int or "auto", default="auto"
        Rows per gradient step; ``"auto"`` is ``min(200, n_samples)``, and below 1,000 rows
        ``n_samples**2 // 5000`` (at least 32): more steps an epoch on small data.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    early_stopping : bool, default=True
        Hold out 10% of the rows and keep the weights with the best held-out loss.
    n_iter_no_change : int, default=30
        Epochs without improvement before training stops.
    random_state : int, RandomState or None, default=None
        Seeds the weights, the shuffling and the masking.
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
        Where to train.
    verbose : bool, default=False
        Show a progress bar.
"""
        + IMPUTER_ATTRIBUTES_AND_EXAMPLES
    )

    _passed_on = (*NetworkComposite._passed_on, "n_iter_no_change")
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "latent_dim": [None, Interval(Integral, 1, None, closed="left")],
        "mask_probability": [Interval(Real, 0, 1, closed="left")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_refinements": [Interval(Integral, 1, None, closed="left")],
        **network_constraints(
            _ObservedEntriesAutoencoder, (*_passed_on, "early_stopping", "random_state")
        ),
    }

    def __init__(
        self,
        *,
        latent_dim: int | None = None,
        hidden_layer_sizes: tuple[int, ...] = (256, 256),
        mask_probability: float = 0.15,
        n_estimators: int = 5,
        n_refinements: int = 3,
        max_iter: int = 200,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        early_stopping: bool = True,
        n_iter_no_change: int = 30,
        random_state: Any = None,
        device: str = "auto",
        verbose: bool = False,
    ) -> None:
        self.latent_dim = latent_dim
        self.hidden_layer_sizes = hidden_layer_sizes
        self.mask_probability = mask_probability
        self.n_estimators = n_estimators
        self.n_refinements = n_refinements
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    @warns_on_rank_zero
    @whole_or_unfitted  # an interrupt leaves no encoder_ without its networks
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> AutoencoderImputer:
        """Learn the table's encoding and train the autoencoder on X's observed entries.

        Parameters
        ----------
        X : DataFrame, array-like of shape (n_samples, n_features), or a table on disk
            Data with missing values (NaN, None or pd.NA). A numeric dataset from
            :func:`aekit.open_dataset` or a memory-mapped array of 64 MiB or more stays on disk:
            the encoding comes from one streaming pass and the networks read a batch at a time
            (:mod:`aekit.imputation.on_disk`).
        y : None, default=None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        reject_sparse(X)  # before len(X), which scipy refuses
        X = _with_len(X)
        reject_complex(X)
        reader = on_disk_reader(X)
        if reader is not None:  # one streaming pass, then batches read from disk
            self.encoder_, observed_values, self.fill_range_ = fit_on_disk(reader)
        else:
            if len(X) < _MIN_ROWS:  # (an empty X too: one minimum, one message)
                raise ValueError(
                    f"X has n_samples={len(X)}; AutoencoderImputer learns how the columns "
                    f"relate from at least {_MIN_ROWS} rows (many more to fill well)."
                )
            # Refused, not warned of as TabularEncoder does: a column of numbers with a stray
            # text cell would be filled with its most frequent value, written as text.
            check_numbers_not_text(as_frame(X), "AutoencoderImputer fills numbers")
            self.encoder_ = TabularEncoder(handle_missing="mask").fit(X)
            Z, observed = self.encoder_.transform_with_mask(X)
            # Fills stay inside each encoded column's observed range, as IterativeImputer's
            # min_value/max_value allow: a near-constant column has huge standardized values,
            # and an extrapolating network must not turn one rare value into a wild guess.
            observed_values = np.where(observed, Z, np.nan)
            groups = self.encoder_.feature_groups_
            counts = observed[:, [g.start for g in groups]].sum(axis=0)
            warn_of_sparse_columns([g.name for g in groups], counts, len(Z))
            self.fill_range_ = np.stack(
                [np.nanmin(observed_values, axis=0), np.nanmax(observed_values, axis=0)]
            ).astype(np.float32)
        self.n_features_in_ = self.encoder_.n_features_in_
        if self.encoder_.input_is_frame_:
            self.feature_names_in_ = self.encoder_.feature_names_in_
        else:
            self.__dict__.pop("feature_names_in_", None)
        width = self.encoder_.n_features_out_
        latent_dim = self.latent_dim or int(np.clip(width // 2, 2, 32))
        early = bool(self.early_stopping) and len(observed_values) >= 20  # a validation split
        # One seed per network, drawn from random_state (None stays unseeded).
        seeds = check_random_state(self.random_state).randint(2**31 - 1, size=self.n_estimators)
        if self.random_state is None:
            seeds = [None] * self.n_estimators
        self.autoencoders_ = [
            self._autoencoder(latent_dim, early, seed).fit(observed_values) for seed in seeds
        ]
        remember_fitted_params(self)  # what save keeps (persistence)
        return self

    def _autoencoder(self, latent_dim: int, early: bool, seed: Any) -> DenoisingAutoencoder:
        return _ObservedEntriesAutoencoder(
            **self._network_kwargs(
                noise="dropout",
                noise_level=float(self.mask_probability),
                latent_dim=latent_dim,
                likelihood="gaussian",
                categorical_groups=self.encoder_.categorical_groups_ or None,
                early_stopping=early,
                random_state=None if seed is None else int(seed),
            )
        )

    def _fill(self, Z: np.ndarray, observed: np.ndarray) -> np.ndarray:
        """Replace the unobserved entries of Z by the mean reconstruction, ``n_refinements``
        times."""
        rows = np.flatnonzero(~observed.all(axis=1))
        current, missing = Z[rows].copy(), ~observed[rows]  # missing entries start at 0 (mean)
        # The first pass hands the rows with their holes (NaN), which the networks prepare as in
        # training (aekit.core.objectives.missing.observed_entries); later passes see complete
        # rows (the previous fill).
        inputs = np.where(missing, np.float32(np.nan), current)
        for _ in range(self.n_refinements if len(rows) else 0):
            reconstruction = np.mean([ae.reconstruct(inputs) for ae in self.autoencoders_], axis=0)
            reconstruction = np.clip(reconstruction, *self.fill_range_)
            current[missing] = reconstruction[missing]
            inputs = current
        filled = Z.copy()
        filled[rows] = current
        return filled

    def transform(self, X: Any, y: Any = None, *, out: Any = None) -> Any:
        """Fill the missing entries of X.

        Parameters
        ----------
        X : DataFrame, array-like of shape (n_samples, n_features), or a table on disk
            The columns seen in fit.
        y : None, default=None
            Not used; there so every aekit model is called alike (``transform(X, y)``).
        out : str or path-like, optional
            Write the filled rows to this ``.parquet``, ``.npy`` or ``.csv`` file a chunk at a
            time instead (:func:`aekit.write_outputs`: flat memory for a dataset on disk) and
            return the path.

        Returns
        -------
        X_filled : DataFrame or ndarray
            A DataFrame for a DataFrame (same index, columns and dtypes), else an array of X's
            dtype: a float32 array stays float32, an integer one integer (fills rounded); an
            object array (numbers beside None or pd.NA) comes back float64, or object where
            it holds text. Observed entries are returned exactly as given. From a table on
            disk every value is read as float32 (as by every estimator), so a float64 file's
            observed cells come back rounded to float32, except where a Parquet dataset is
            written to ``out`` as ``.parquet`` or ``.csv``: its feature columns are written
            with the file's own cells and types beside the fills
            (:mod:`aekit.imputation.own_cells`, as ``aekit impute`` writes). The path ``out``
            when given.
        """
        check_is_fitted(self)
        reject_sparse(X)
        X = _with_len(X)
        reject_complex(X)
        reader = on_disk_reader(X)
        if reader is not None:
            reader.allow_nan = True  # NaN marks the gaps to fill, not damage
        if out is not None:
            source = parquet_source(X)
            if source is None or Path(out).suffix.lower() not in (".parquet", ".csv"):
                return write_outputs(self, X, out, method="transform")
            # the file's own cells beside the fills (the reader's float32 rows would round them)
            refuse_input_as_output(out, source, f"out={str(out)!r}", "X")
            write_dataset_filled(self, X, str(source), Path(out), only_filled_columns=True)
            return Path(out)
        if len(X) == 0:
            raise ValueError("X has no rows; pass at least one row to fill.")
        named = X
        if reader is not None and reader.named_columns:  # a table's columns, checked by name
            named = pd.DataFrame(np.asarray(X), columns=reader.columns)
        Z, observed = self.encoder_.transform_with_mask(named, type(self).__name__)
        decoded = self.encoder_.inverse_transform(self._fill(Z, observed))
        missing = np.column_stack(
            [~observed[:, group.start] for group in self.encoder_.feature_groups_]
        )
        if isinstance(X, pd.DataFrame):
            out = X.copy()
            for j in range(out.shape[1]):
                rows = np.flatnonzero(missing[:, j])
                if len(rows):  # in the column's type (an Int64 with pd.NA gets integers)
                    fills = decoded.iloc[rows, j]  # in fit's type (Int64, category, ...)
                    out.isetitem(j, put_fills(out.iloc[:, j], rows, fills))
            return out
        return _filled_array(np.asarray(X), decoded, missing)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "autoencoders_")

    @property
    def n_iter_(self) -> int:
        """Epochs the longest-trained of the networks ran (scikit-learn's ``n_iter_``)."""
        if not hasattr(self, "autoencoders_"):
            raise AttributeError("n_iter_: AutoencoderImputer is not fitted yet.")
        return max(int(network.n_iter_) for network in self.autoencoders_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The input's column names (imputation keeps the columns).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked only, a ValueError otherwise: if given, ``n_features_in_`` names, equal to
            ``feature_names_in_`` when fit saw a DataFrame.

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (n_features_in_,)
            ``feature_names_in_``, or ``x0, x1, ...`` for an array.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray(self.encoder_.feature_names_in_, dtype=object)

    # ---- model files (aekit.estimators.persistence): each autoencoder as its own document -----
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        exported = [export_estimator(ae) for ae in self.autoencoders_]
        fitted = {"encoder": self.encoder_.get_state(), "autoencoders": [d for d, _ in exported]}
        trees = {str(i): tree for i, (_, tree) in enumerate(exported)}
        return fitted, {"autoencoders": trees, "fill_range": self.fill_range_}

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        self.encoder_ = TabularEncoder(handle_missing="mask").set_state(fitted["encoder"])
        self.n_features_in_ = self.encoder_.n_features_in_
        if self.encoder_.input_is_frame_:
            self.feature_names_in_ = self.encoder_.feature_names_in_
        self.autoencoders_ = [
            import_estimator(document, tree["autoencoders"][str(i)], device)
            for i, document in enumerate(fitted["autoencoders"])
        ]
        self.fill_range_ = np.asarray(tree["fill_range"], dtype=np.float32).reshape(2, -1)


def _filled_array(given: np.ndarray, decoded: pd.DataFrame, missing: np.ndarray) -> np.ndarray:
    """X (an array) with its ``missing`` entries taken from ``decoded``, in X's dtype: a float
    array keeps its precision, an integer array its integers (fills rounded, as for an integer
    column of a DataFrame), an object array becomes float64 where every entry is then a
    number (None and pd.NA were the holes), else stays object."""
    if given.dtype.kind in "fiu":
        out = given.astype(np.float64)  # a copy; exact for floats and integers below 2**53
        out[missing] = decoded.to_numpy(dtype=np.float64)[missing]
        if given.dtype.kind in "iu":
            out = np.rint(out)
        return out.astype(given.dtype)
    out = np.array(given, dtype=object)
    out[missing] = decoded.to_numpy(dtype=object)[missing]
    try:
        return out.astype(np.float64)
    except (TypeError, ValueError):  # text: categorical columns given as an array
        return out


def _with_len(X: Any) -> Any:
    """An array-like without ``len`` (one with ``__array__`` alone) as its array; the rest as
    given (a DataFrame keeps its columns and dtypes, a dataset stays on disk). None, a number
    or a string is refused, naming it."""
    reject_unshaped(X)
    return X if hasattr(X, "__len__") else np.asarray(X)
