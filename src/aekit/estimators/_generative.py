"""Evaluation tools for the variational kinds: bounds on ``log p(x)``, the use of the latent
units, and walks through latent space.

:class:`GenerativeMixin` joins :class:`aekit.estimators.variational.VariationalAutoencoder` and
:class:`aekit.estimators.conditional.ConditionalVAE` through their common base; it relies on
:class:`aekit.estimators._base.BaseAutoencoder` for input checks, the data's scale and batched
inference (a float64 copy of the network on its device, so a row's value never depends on the
other rows of its call).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import torch
from sklearn.utils.validation import check_is_fitted

from aekit.core.latent import manifold_values
from aekit.core.row_draws import draws_per_row, rows_at_once
from aekit.data.tensor_input import from_tensor
from aekit.data.validation import check_count, is_number
from aekit.estimators._inference import _INFERENCE_BATCH
from aekit.estimators._random_states import random_state_of

INTERPOLATIONS = ("linear", "slerp")


class GenerativeMixin:
    """``elbo``, ``log_likelihood``, ``kl_divergence``, ``kl_per_unit``, ``active_units`` and the
    walks (``interpolate``, ``traverse``, ``manifold_grid``) for estimators with a Gaussian
    latent. Each takes labels ``y``, ignored by models without labels."""

    # ---- bounds on log p(x) ----------------------------------------------------------------------
    def elbo(self, X: Any, y: Any = None) -> np.ndarray:
        """Evidence lower bound per row, in nats: the same values as ``score_samples``.

        ``ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || N(0, I))`` (Kingma & Welling 2014, eq. 3),
        the expectation averaged over the estimator's ``n_draws`` draws of eps (16 by default)
        common to every row, as a density of the data (standardization undone).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to score.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels; without them,
            the bound ``logsumexp_y [ELBO(x, y) + log p(y)]`` on ``log p(x)`` under its label
            prior ``class_prior_``.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
        """
        return self.score_samples(X, y)

    def log_likelihood(
        self, X: Any, y: Any = None, n_samples: int = 100, random_state: Any = 0
    ) -> np.ndarray:
        """Importance-weighted estimate of ``log p(x)`` per row, in nats (Burda et al. 2015).

        ``L_k(x) = log (1/k) sum_i p(x, z_i) / q(z_i|x)``, ``z_i ~ q(z|x)`` (Burda et al. 2015,
        eq. 8), computed with logsumexp. ``E[L_k]`` is a lower bound on ``log p(x)`` that never
        decreases with k and tends to ``log p(x)``; ``L_1`` is a one-draw ELBO. Each row has k draws
        of eps of its own, seeded by ``random_state`` and the row's values
        (:mod:`aekit.core.row_draws`): a row's value does not depend on the rows passed with it, up
        to float rounding (about 1e-14), and repeats for the same ``random_state``, and the mean
        over a test set errs less the more rows it has. Like ``score_samples`` it is a density of
        the data (standardization undone); for grey levels in [0, 1] under the Bernoulli likelihood
        the numbers are comparable, not normalised.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to score.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels: then
            ``log p(x | y)``.
            Without them, ``log p(x) = logsumexp_y [log p(x | y) + log p(y)]`` under its
            label prior ``class_prior_``, one estimate per class.
        n_samples : int, default=100
            Importance samples k per row (Burda et al. report k=5000 for test log-likelihoods).
        random_state : int, RandomState instance, numpy Generator or None, default=0
            Seeds the draws.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
        """
        return self._importance_bound(X, y, n_samples, random_state, average=False)

    def elbo_estimate(
        self, X: Any, y: Any = None, n_samples: int = 100, random_state: Any = 0
    ) -> np.ndarray:
        """The ELBO per row estimated from the very draws :meth:`log_likelihood` uses with the
        same ``n_samples`` and ``random_state``: the mean of the k log importance weights
        ``log p(x, z_i) - log q(z_i|x)``, so it never exceeds that ``L_k`` (Jensen's
        inequality, row by row). :meth:`elbo` (``score_samples``) uses ``n_draws`` draws (16 by
        default) common to every row instead: a deterministic score, whose mean over a dataset
        keeps those draws' error however many rows it has, and can land above an ``L_k``
        estimated apart.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to score.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels; without them
            the labels are summed out as in :meth:`log_likelihood`.
        n_samples : int, default=100
            Draws k of the code per row (each row's own, as in :meth:`log_likelihood`).
        random_state : int, RandomState instance, numpy Generator or None, default=0
            Seeds the draws.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
        """
        return self._importance_bound(X, y, n_samples, random_state, average=True)

    def _importance_bound(
        self, X: Any, y: Any, n_samples: int, random_state: Any, average: bool
    ) -> np.ndarray:
        """``L_k`` per row for k = ``n_samples`` draws of eps of each row's own
        (:func:`aekit.core.row_draws.draws_per_row`), as a density of the data; with ``average``
        the mean log weight instead (the ELBO from the same draws)."""
        check_is_fitted(self)
        n_draws = check_count(n_samples, "n_samples")
        flat = self._validate_X(X, reset=False)
        X_model = self._to_model(flat)
        seed = int(random_state_of(random_state).randint(0, 2**31 - 1))
        at_once = rows_at_once(n_draws, self.latent_dim_)

        def bound(model: torch.nn.Module, x: torch.Tensor, yb: torch.Tensor | None):
            parts = []
            for start in range(0, len(x), at_once):
                rows = x[start : start + at_once]
                labels = None if yb is None else yb[start : start + at_once]
                eps = draws_per_row(rows, n_draws, self.latent_dim_, seed)  # (k, rows, latent)
                log_w = model.log_importance_weights(rows, labels, eps, max_rows=_INFERENCE_BATCH)
                # Burda et al. 2015, eq. 8
                parts.append(
                    log_w.mean(0) if average else torch.logsumexp(log_w, 0) - math.log(n_draws)
                )
            return torch.cat(parts)

        def per_label(labels: torch.Tensor | None) -> np.ndarray:
            scores = self._batched(bound, X_model, labels).numpy().astype(np.float64)
            # + log |d x_std / d x|: a density of standardized x becomes one of the data x.
            return scores + self._log_det_scale()

        return self._over_labels(per_label, y, len(flat))

    # ---- use of the latent units -------------------------------------------------------------
    def kl_divergence(self, X: Any, y: Any = None) -> np.ndarray:
        """``KL(q(z|x) || N(0, I))`` of each row, in nats: the ELBO's KL term.

        ``KL = -1/2 sum_j (1 + log sigma_j^2 - mu_j^2 - sigma_j^2)`` in closed form (Kingma &
        Welling 2014, App. B), so no draws are involved; the part of a row's negative ELBO that
        belongs to no feature. ``reconstruction_error(X, metric="nll")`` (with its default
        draws, the estimator's ``n_draws``) plus this is ``-elbo(X)`` up to the constant
        ``sum_j log(s_j)`` of standardization, and its mean over the rows is the sum of
        :meth:`kl_per_unit`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, predicted when
            None (as in ``transform``).

        Returns
        -------
        kl : ndarray of shape (n_samples,)
        """
        X_model, labels = self._model_inputs(X, y)
        kl = self._batched(
            lambda model, x, yb: model.latent.kl(model.encode(x, yb)), X_model, labels
        )
        return kl.numpy().astype(np.float64)

    def kl_per_unit(self, X: Any, y: Any = None) -> np.ndarray:
        """Mean ``KL(q(z_j|x) || N(0, 1))`` over the rows of X for each latent unit j, in nats.

        Per row ``KL_j = -1/2 (1 + log sigma_j^2 - mu_j^2 - sigma_j^2)`` (Kingma & Welling 2014,
        App. B); the units' values sum to the mean KL term of the ELBO. A unit near 0 carries no
        information about x (its posterior is the prior).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, predicted when
            None (as in ``transform``).

        Returns
        -------
        kl : ndarray of shape (latent_dim,)
        """
        X_model, labels = self._model_inputs(X, y)
        kl = self._batched(lambda model, x, yb: model.kl_per_unit(x, yb), X_model, labels)
        return kl.numpy().astype(np.float64).mean(axis=0)

    def active_units(self, X: Any, y: Any = None, threshold: float = 0.01) -> int:
        """Number of active latent units (Burda et al. 2015, sec. 5.2).

        Unit j is active when ``A_j = Cov_x(E_{q(z|x)}[z_j]) > threshold``: its posterior mean
        varies across the rows of X (population variance), so it tells the rows apart.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode.
        y : label or array-like of shape (n_samples,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels, predicted when
            None (as in ``transform``).
        threshold : float, default=0.01
            The activity above which a unit counts (Burda et al. use 0.01).

        Returns
        -------
        n_active : int
        """
        if not is_number(threshold) or threshold < 0:
            raise ValueError(f"threshold={threshold!r} must be a number >= 0.")
        X_model, labels = self._model_inputs(X, y)
        means = self._batched(lambda model, x, yb: model.encode_code(x, yb), X_model, labels)
        activity = means.numpy().astype(np.float64).var(axis=0)  # A_j, sec. 5.2
        return int((activity > threshold).sum())

    # ---- walks through latent space -----------------------------------------------------------
    def interpolate(
        self,
        x_a: Any,
        x_b: Any,
        steps: int = 8,
        method: str = "linear",
        y: Any = None,
    ) -> np.ndarray:
        """Decode ``steps`` points on a path between the posterior means of two rows.

        With ``t`` evenly spaced in [0, 1] (endpoints included) and codes ``a = mu(x_a)``,
        ``b = mu(x_b)`` (those of ``transform``), ``"linear"`` decodes ``(1 - t) a + t b`` and
        ``"slerp"`` the spherical interpolation ``sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b``
        with ``cos w = a.b / (|a| |b|)`` (Shoemake 1985; White 2016), which keeps the path at
        the norms typical of the prior instead of cutting through its low-density centre. Slerp
        falls back to linear when a and b are (anti)parallel. The first and last rows equal the
        reconstructions ``inverse_transform(transform(x))`` of x_a and x_b.

        Parameters
        ----------
        x_a, x_b : array-like
            One row each: shape (n_features,), (1, n_features), (C, H, W) or (1, C, H, W), or
            one-row DataFrames.
        steps : int, default=8
            Number of points, at least 2.
        method : {"linear", "slerp"}, default="linear"
            The path: the straight line or the spherical interpolation (above).
        y : label, default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s one label (required),
            used to encode both rows and to decode every point.

        Returns
        -------
        X_path : ndarray of shape (steps, ...) shaped like the training X's rows
            Expected values of ``p(x|z)`` along the path (probabilities for Bernoulli data).
        """
        check_is_fitted(self)
        if method not in INTERPOLATIONS:
            raise ValueError(f"method={method!r} is not supported; use 'linear' or 'slerp'.")
        check_count(steps, "steps", 2, "(the endpoints)")
        pair_labels = self._broadcast_labels(y, 2, one=True)
        a, b = self._encode(_single_rows(self, x_a=x_a, x_b=x_b), pair_labels).astype(np.float64)
        t = np.linspace(0.0, 1.0, int(steps))[:, None]
        path = _slerp(a, b, t) if method == "slerp" else _lerp(a, b, t)
        # float32 codes like transform's: t = 0 and t = 1 give a and b exactly.
        return self._decode(path.astype(np.float32), y)

    def traverse(self, x: Any, values: Any = (-2, -1, 0, 1, 2), y: Any = None) -> np.ndarray:
        """Latent traversals: vary one code unit at a time around ``mu(x)``, the others fixed.

        Parameters
        ----------
        x : array-like
            One row: shape (n_features,), (1, n_features), (C, H, W) or (1, C, H, W), or a
            one-row DataFrame.
        values : array-like of float, default=(-2, -1, 0, 1, 2)
            The values each unit takes (the prior's standard deviations, for a VAE).
        y : label, default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s label (required): one
            label, used to encode x and to decode every point.

        Returns
        -------
        X_grid : ndarray of shape (latent_dim, len(values), ...)
            Row ``j`` decodes ``mu(x)`` with unit ``j`` replaced by each of ``values``.
        """
        check_is_fitted(self)
        values = np.asarray(values, dtype=np.float64).ravel()
        if not len(values):  # was "Z is empty", a Z the caller never gave
            raise ValueError("values is empty; give the values each unit takes, e.g. (-2, 0, 2).")
        if not np.isfinite(values).all():  # was "Z has 8 values that are not finite ..."
            raise ValueError(
                f"values holds {values[~np.isfinite(values)][0]}; give finite values each unit "
                "takes, e.g. (-2, 0, 2)."
            )
        label = self._broadcast_labels(y, 1)  # a ConditionalVAE's one label; None: y ignored
        code = self._encode(_single_rows(self, x=x), label)[0]
        d = self.latent_dim_
        grid = np.repeat(code[None, None, :], d, axis=0).repeat(len(values), axis=1)
        grid[np.arange(d), :, np.arange(d)] = values  # unit j of row j takes each value
        decoded = self._decode(
            grid.reshape(-1, d).astype(np.float32), None if label is None else label[0]
        )
        return decoded.reshape(d, len(values), *decoded.shape[1:])

    def manifold_grid(self, n: int = 10, y: Any = None) -> np.ndarray:
        """For ``latent_dim == 2``: decode an n x n grid of codes at the prior's quantiles
        5%..95% in each unit (Kingma & Welling 2014, fig. 4).

        Parameters
        ----------
        n : int, default=10
            Codes per side of the grid, at least 2.
        y : label or array-like of shape (n * n,), default=None
            Ignored by models without labels. A :class:`ConditionalVAE`'s labels (required): one
            for the whole grid, or one per code.

        Returns
        -------
        X_grid : ndarray of shape (n, n, ...)
            Row 0 holds the largest value of the second unit, column 0 the smallest of the first.

        Notes
        -----
        It spans the prior, where KL pulls a VAE's codes; README: when codes fill less of it.
        """
        check_is_fitted(self)
        if self.latent_dim_ != 2:
            raise ValueError(
                f"manifold_grid needs latent_dim=2; this model has {self.latent_dim_}."
            )
        check_count(n, "n", 2)
        q = manifold_values(int(n))
        codes = np.stack(np.meshgrid(q, q[::-1], indexing="xy"), axis=-1).reshape(-1, 2)
        decoded = self._decode(codes.astype(np.float32), y)
        return decoded.reshape(int(n), int(n), *decoded.shape[1:])


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``(1 - t) a + t b`` for each t (steps, 1): exactly a at t = 0 and b at t = 1."""
    return (1.0 - t) * a + t * b


def _slerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Spherical linear interpolation (Shoemake 1985) of unnormalised vectors (White 2016):
    ``sin((1 - t) w) / sin(w) a + sin(t w) / sin(w) b``, ``w`` the angle between a and b."""
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        return _lerp(a, b, t)
    omega = np.arccos(np.clip(a @ b / norms, -1.0, 1.0))
    sin_omega = np.sin(omega)
    if sin_omega < 1e-6:  # (anti)parallel: the great circle is undefined
        return _lerp(a, b, t)
    return np.sin((1.0 - t) * omega) / sin_omega * a + np.sin(t * omega) / sin_omega * b


def _single_rows(model: Any, **rows: Any) -> Any:
    """Stack single rows (given by name, for the error messages) into one (k, ...) input;
    one-row DataFrames stay a DataFrame so feature names are checked as in ``transform``. A
    sequence model's row may be one sequence, ``(C, L)`` or ``(1, C, L)`` (a two-channel
    beat was "several rows")."""
    sequence = tuple(int(v) for v in getattr(model, "sequence_shape_", None) or ())
    shapes = f"{sequence} or {(1, *sequence)}" if sequence else "(C, H, W) or (1, C, H, W)"
    names = ", ".join(rows)
    if all(isinstance(x, pd.DataFrame) for x in rows.values()):
        stacked = pd.concat(list(rows.values()), ignore_index=True)
        if len(stacked) != len(rows):
            raise ValueError(f"{names} must be one row each.")
        return stacked
    arrays = []
    for name, x in rows.items():
        x = from_tensor(x, name)
        if isinstance(x, (pd.Series, pd.DataFrame)):
            x = x.to_numpy()
        array = np.asarray(x)
        one = sequence and array.shape[-2:] == sequence and array.shape[:-2] in ((), (1,))
        if one or array.ndim == 1 or array.ndim == 3 and not sequence:  # bare row, image, ...
            array = array.reshape(1, *array.shape[-2:]) if one else array[None]
        if (array.ndim not in (2, 4) and not one) or len(array) != 1:
            shown = f"(n_features,), (1, n_features), {shapes}"
            raise ValueError(f"{name} must be one row: shape {shown}; got {array.shape}.")
        arrays.append(array)
    if len({a.shape for a in arrays}) > 1:
        raise ValueError(f"{names} must have the same shape; got {[a.shape for a in arrays]}.")
    return np.concatenate(arrays)
