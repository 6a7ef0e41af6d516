"""The fitted network's methods of every autoencoder: ``transform``, ``inverse_transform``,
``reconstruct``, ``score_samples``, ``score``, computed a batch at a time in float64.

A mixin of :class:`aekit.estimators._base.BaseAutoencoder` (which fits the network): what a
fitted estimator does with ``model_``. Each public method takes labels ``y`` and hands them to
the label hooks of :mod:`aekit.estimators._labels`, which ignore them unless the kind conditions
on labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted
from torch import nn

from aekit.core.inference_copies import float64_copy
from aekit.core.model import fixed_draws
from aekit.data.validation import as_numeric_array, check_count
from aekit.estimators.streaming import writes_to_file

_INFERENCE_BATCH = 2048


def _row_shape(X: Any) -> tuple[int, ...]:
    """The shape of one row of X (an array, tensor, DataFrame, dataset or nested lists), which
    the checks have already accepted as the model's rows."""
    shape = X.shape if hasattr(X, "shape") else np.shape(X)
    return tuple(int(v) for v in shape[1:])


class RowLogLikelihood(nn.Module):
    """``fn(model, x, y)``: each row's log-likelihood in the model's space, ``-NLL`` for the
    deterministic kinds, the ELBO with the fixed draws ``eps`` for VAEs. A module, not a
    lambda: a :class:`~aekit.estimators.modules.ScoreModule` holding it pickles, and carries
    the draws in its ``state_dict``."""

    def __init__(self, eps: torch.Tensor | None) -> None:
        super().__init__()
        self.register_buffer("eps", eps)

    def forward(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if self.eps is None:
            return -model.reconstruction_nll(x, y)
        return model.elbo(x, y, self.eps.to(x.device, x.dtype))


class FittedInference(TransformerMixin):
    """Mixin: the fitted-model methods (``model_`` set by ``fit``). A ``TransformerMixin`` so
    that scikit-learn wraps the ``transform`` defined here for ``set_output`` (it wraps only
    methods a class defines itself)."""

    # ---- fitted-model methods ------------------------------------------------------------------
    @property
    def latent_dim_(self) -> int:
        """The width of the fitted network's codes: ``set_params(latent_dim=...)`` after fit sets
        the next fit's, not this network's (scikit-learn's rule, as ``PCA.n_components_``)."""
        latent = self.model_.latent
        if hasattr(latent, "latent_dim"):
            return int(latent.latent_dim)
        # a network pickled before latents kept their width: its head's outputs (a Gaussian
        # latent's are the means and the log-variances)
        return int(latent.head.out_features) // (2 if latent.stochastic else 1)

    def _inference_model(self) -> nn.Module:
        """The fitted network for inference: a float64 copy, on the device it trained on.
        float32 matrix products differ in the last bits with the number of rows they are given
        (on a GPU the library even picks other kernels by shape), and a row's code or score
        should not depend on which other rows share its call. In float64 those differences stay
        far below float32's resolution, so results agree across batchings and devices.

        The copy is kept for the next call while the network is unchanged
        (:mod:`aekit.core.inference_copies`)."""
        return float64_copy(self.model_)

    @torch.no_grad()
    def _batched(
        self,
        fn,
        X_model: torch.Tensor,
        y_index: torch.Tensor | None,
        network: nn.Module | None = None,
    ) -> torch.Tensor:
        """``fn(model, x, y)`` over inference-sized batches, written into one output on the
        CPU allocated at the first batch (rows on disk are read a batch at a time). ``model``
        is :meth:`_inference_model`'s float64 copy, or ``network`` where given (in eval mode,
        rows in its own dtype)."""
        model = self._inference_model() if network is None else network
        parameter = next(model.parameters())
        out = None
        for start in range(0, len(X_model), _INFERENCE_BATCH):
            x = X_model[start : start + _INFERENCE_BATCH].to(parameter.device, parameter.dtype)
            yb = None if y_index is None else y_index[start : start + _INFERENCE_BATCH]
            result = fn(model, x, None if yb is None else yb.to(parameter.device)).cpu()
            if out is None:
                out = torch.empty((len(X_model), *result.shape[1:]), dtype=result.dtype)
            out[start : start + len(result)] = result
        return out

    def _model_inputs(self, X: Any, y: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
        """X checked and in the model's space, and the class indices of its labels: y, or the
        predicted ones when y is None (as in ``transform``); None for a model without labels."""
        check_is_fitted(self)
        flat = self._validate_X(X, reset=False)
        return self._to_model(flat), self._labels(self._labels_or_predicted(X, y), len(flat))

    def _encode(self, X: Any, y: Any = None) -> np.ndarray:
        codes = self._batched(
            lambda model, x, yb: model.encode_code(x, yb), *self._model_inputs(X, y)
        )
        return codes.numpy().astype(np.float32)

    def _decode(self, Z: Any, y: Any = None, draw_seed: int | None = None) -> np.ndarray:
        """The expected values of p(x | z) of the codes Z; with ``draw_seed``, an x drawn from
        p(x | z) instead (:meth:`Likelihood.draw`), seeded by it."""
        check_is_fitted(self)
        Z = as_numeric_array(Z, name="Z", tables_only=True)  # codes: never images or sequences
        # The labels before Z's width: an error for missing labels names them whatever Z holds.
        labels = self._labels(
            self._broadcast_labels(y, len(Z), rows=f"Z has {len(Z)} rows"), len(Z)
        )
        if Z.ndim != 2 or Z.shape[1] != self.latent_dim_:
            raise ValueError(
                f"Z must have shape (n, {self.latent_dim_}) (the latent_dim); got {Z.shape}."
            )
        generators: list[torch.Generator] = []  # one, made on the model's device

        def decoded(model: Any, z: torch.Tensor, yb: torch.Tensor | None) -> torch.Tensor:
            output = model.decode(z, yb)
            if draw_seed is None:
                return model.likelihood.mean(output)
            if not generators:
                generators.append(torch.Generator(device=z.device).manual_seed(draw_seed))
            return model.likelihood.draw(output, generators[0])

        # torch warns of a read-only array (pandas' to_numpy, np.load(mmap_mode="r")), though
        # nothing writes to it; a code is small, so a copy costs nothing
        codes = torch.from_numpy(Z if Z.flags.writeable else Z.copy())
        return self._to_data(self._batched(decoded, codes, labels).float())

    def _score_samples(self, X: Any, y: Any = None) -> np.ndarray:
        check_is_fitted(self)
        flat = self._validate_X(X, reset=False)
        X_model = self._to_model(flat)
        return self._over_labels(lambda labels: self._log_likelihood(X_model, labels), y, len(flat))

    def _log_likelihood(self, X_model: torch.Tensor, y_index: torch.Tensor | None) -> np.ndarray:
        """Per row, in nats, as a density of the data (not of the standardized data):
        ``log p(x | h(x))`` for deterministic models, the ELBO for VAEs."""
        scores = self._batched(self._row_log_likelihood(), X_model, y_index)
        return scores.numpy().astype(np.float64) + self._log_det_scale()

    def _row_log_likelihood(self) -> RowLogLikelihood:
        """``fn(model, x, y)`` giving each row's log-likelihood in the model's space. A VAE's
        ELBO averages its ``n_draws`` draws of eps (16 by default), common to every row, so no
        row depends on its batch (but for float rounding, about 1e-14)."""
        if not self.model_.latent.stochastic:
            return RowLogLikelihood(None)
        # checked here too: set_params after fit is not validated until the next fit
        return RowLogLikelihood(fixed_draws(check_count(self.n_draws, "n_draws"), self.latent_dim_))

    # ---- the public methods: y is passed through to the label hooks (ignored without labels) --
    @writes_to_file
    def transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Encode X: the latent code (for VAEs the posterior mean, never a random draw).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode, taken as ``fit`` takes them.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, one for all
            rows or one per row; predicted (:meth:`ConditionalVAE.predict`) when None.

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim)
            (the path ``out`` when given)
        """
        return self._encode(X, y)

    @writes_to_file
    def inverse_transform(self, Z: Any, y: Any = None) -> np.ndarray:
        """Decode codes to data: probabilities for Bernoulli data, values on X's scale otherwise.

        Parameters
        ----------
        Z : array-like of shape (n_samples, latent_dim)
            Codes, as ``transform`` gives them.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels (required):
            one for every code, or one per code.

        Returns
        -------
        X_hat : ndarray shaped like the training X
            Rows shaped as fit's X rows were: flat, ``(n, C, H, W)`` or ``(n, C, L)`` (Z
            carries no shape; :meth:`reconstruct` gives back X's own). (The path ``out`` when
            given.)
        """
        return self._decode(Z, y)

    @writes_to_file
    def reconstruct(self, X: Any, y: Any = None) -> np.ndarray:
        """``inverse_transform(transform(X, y), y)``: X passed through the bottleneck.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to reconstruct.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, one for all
            rows or one per row, used to encode and to decode; predicted when None, as in
            ``transform``.

        Returns
        -------
        X_hat : ndarray shaped like X
            Rows shaped as X's rows, whatever shape ``fit`` saw: flat rows give flat rows,
            images ``(n, C, H, W)`` give images, sequences ``(n, C, L)`` give sequences
            (:meth:`inverse_transform`, which sees only codes, gives rows shaped like fit's X).
            (The path ``out`` when given.)
        """
        labels = self._labels_or_predicted(X, y)  # predicted once, for both halves
        X_hat = self.inverse_transform(self.transform(X, labels), labels)
        return X_hat.reshape(len(X_hat), *_row_shape(X))

    @writes_to_file
    def score_samples(self, X: Any, y: Any = None) -> np.ndarray:
        """Log-likelihood per row, higher = more normal: minus the reconstruction error
        (``-log p(x | h(x))``) for deterministic models, the ELBO for VAEs, in nats, as a
        density of the data: standardized features add ``-sum_j log s_j`` (the change of
        variables from the standardized space, s_j the training scale of feature j): on
        standardized data a deterministic model's is
        ``-reconstruction_error(X, metric="nll") - sum_j log s_j``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to score.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels: then the
            ELBO given them; when None, ``logsumexp_y [ELBO(x, y) + log p(y)]``, a bound on
            ``log p(x)`` under its label prior ``class_prior_``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            (the path ``out`` when given)
        """
        return self._score_samples(X, y)

    def score(self, X: Any, y: Any = None) -> float:
        """Mean of :meth:`score_samples`, in nats per row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to score.
        y : label or array-like of shape (n_samples,), default=None
            As for :meth:`score_samples`: ignored by models without labels.

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X, y)))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the code's columns: ``z0, z1, ...``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked only, a ValueError otherwise: if given, ``n_features_in_`` names, equal to
            ``feature_names_in_`` when fit saw named columns.

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (latent_dim_,)
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray([f"z{i}" for i in range(self.latent_dim_)], dtype=object)
