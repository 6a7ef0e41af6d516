"""The variational kinds' shared base: Gaussian latent, KL term, samplers, and their training
options (dynamic binarization, learning-rate schedule).

:class:`_VariationalBase` is the common parent of
:class:`aekit.estimators.variational.VariationalAutoencoder` and
:class:`aekit.estimators.conditional.ConditionalVAE`; the evaluation tools come from
:class:`aekit.estimators._generative.GenerativeMixin`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Options, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from aekit.core.latent import GaussianLatent
from aekit.core.objectives import (
    DynamicBinarization,
    ImportanceWeightedBound,
    KLDivergence,
    Objective,
    PenalizedReconstruction,
    Term,
)
from aekit.core.optimizers import LEARNING_RATE_SCHEDULES
from aekit.core.train import TrainConfig
from aekit.data.intervals import Interval
from aekit.data.memory_needed import refuse_beyond_memory
from aekit.data.validation import check_count
from aekit.estimators._base import BaseAutoencoder
from aekit.estimators._ex_post import check_mixture, draw, fit_mixture, fit_mixture_per_label
from aekit.estimators._generative import GenerativeMixin
from aekit.estimators._random_states import random_state_of
from aekit.warning_lines import caller_level

COLLAPSED_KL = 0.05  # nats a row: the digits at beta=20 settled at 4e-5


class _VariationalBase(GenerativeMixin, BaseAutoencoder):
    """Gaussian latent, KL term, ``sample``, and the evaluation tools of
    :class:`GenerativeMixin` (``elbo``, ``log_likelihood``, ``kl_divergence``, ``kl_per_unit``,
    ``active_units``, ``interpolate``, ...)."""

    @property
    def _unlearned_advice(self) -> str:
        """Posterior collapse: the KL term pulls every code to the prior and the decoder learns
        to ignore the code, so its reconstruction is the mean row's (Bowman et al. 2016). None
        without a KL term (beta=0)."""
        beta, warmup = float(self.beta), int(self.kl_warmup)
        if beta == 0:
            return ""
        # halved, a large beta still collapses (beta=20 -> 10 did; 0.5 kept 6 active units)
        fixes = [f"a smaller beta (beta={beta / 2 if beta <= 1 else 0.5:g})"]
        if warmup < 10:
            fixes.append("a KL warm-up (kl_warmup=10)")
        if self._collapsed:
            kl = self.history_["kl"][-1]
            return (
                f" Its KL term is {kl:.2g} nats a row: every code sits at the prior and the "
                f"decoder ignores it (posterior collapse); {' or '.join(fixes)} lets the "
                "codes carry the rows."
            )
        return (
            " A VAE's KL term can also pull every code to the prior, so that the decoder "
            f"ignores it (posterior collapse): {' or '.join(fixes)} lets the codes carry the rows."
        )

    @property
    def _collapsed(self) -> bool:
        """Whether the fit settled (stopped before max_iter) with its KL term near 0 (under
        COLLAPSED_KL nats a row): every code at the prior, which no longer training mends. A
        fit cut short by max_iter may sit there only for want of epochs (digits after 5
        epochs: 0.011)."""
        kl = getattr(self, "history_", {}).get("kl") or [np.inf]
        settled = getattr(self, "n_iter_", 0) < self.max_iter
        return float(self.beta) > 0 and settled and kl[-1] < COLLAPSED_KL

    # The variational parameters, which each variational kind stores in its own __init__.
    _parameter_constraints: ClassVar[dict[str, list]] = {
        **BaseAutoencoder._parameter_constraints,
        "beta": [Interval(Real, 0, None, closed="left")],
        "kl_warmup": [Interval(Integral, 0, None, closed="left")],
        "sampler": [StrOptions({"prior", "gmm"})],
        "binarize": [Options(bool, {False}), StrOptions({"dynamic"})],
        "learning_rate_schedule": [StrOptions(set(LEARNING_RATE_SCHEDULES))],
        "importance_samples": [Interval(Integral, 1, None, closed="left")],
        "n_draws": [Interval(Integral, 1, None, closed="left")],
    }
    # Read when scoring, never by fit: changed after fit it is no change of the fitted model
    # (persistence.changed_since_fit), and a file keeps it as it is now.
    _applied_when_scoring = frozenset({"n_draws", "sampler"})  # sample() reads sampler now
    # Fitted after training (_after_training): no part of the run a checkpoint resumes.
    _not_in_run_identity = frozenset({"sampler"})

    @staticmethod
    def _earlier_run_params(params: dict[str, Any]) -> list[dict[str, Any]]:
        """The run's parameters as checkpoints identified it before the sampler was left out
        (either value: it never changed the training)."""
        return [{**params, "sampler": sampler} for sampler in ("prior", "gmm")]

    def _make_objective(self) -> Objective:
        """The bound of :meth:`_make_bound`, on dynamically binarized rows with
        ``binarize="dynamic"``."""
        dynamic = self.binarize == "dynamic"
        if dynamic and self.likelihood_ != "bernoulli":
            raise ValueError(
                f"binarize='dynamic' needs the Bernoulli likelihood (data in [0, 1]), but "
                f"likelihood={self.likelihood_!r}. Scale X to [0, 1] or use binarize=False."
            )
        if self.importance_samples > 1 and (self.beta != 1 or self.kl_warmup != 0):
            raise ValueError(
                f"importance_samples={self.importance_samples} trains the importance-weighted "
                "bound, which has no separate KL term to weight or warm up: use beta=1 and "
                f"kl_warmup=0 (got beta={self.beta!r}, kl_warmup={self.kl_warmup!r}), or "
                "importance_samples=1."
            )
        bound = self._make_bound()
        return DynamicBinarization(bound) if dynamic else bound

    def _make_bound(self) -> Objective:
        """The negative bound on ``log p(x)`` trained on: ``-L_k`` for ``importance_samples=k``
        > 1, else the negative beta-ELBO (the reconstruction NLL plus the KL term)."""
        k = int(self.importance_samples)
        return ImportanceWeightedBound(k) if k > 1 else PenalizedReconstruction()

    def _train_config(self, flat: np.ndarray, y_index: torch.Tensor | None) -> TrainConfig:
        # The loss rises while the KL weight warms up: stalls count only after the warm-up.
        return replace(
            super()._train_config(flat, y_index),
            learning_rate_schedule=self.learning_rate_schedule,
            patience_start=int(self.kl_warmup),
        )

    def _after_training(self, X_model: torch.Tensor, y_index: torch.Tensor | None, seed: int):
        self.sampler_ = None
        if self.sampler == "gmm":
            codes = self._batched(lambda model, x, yb: model.encode_code(x, yb), X_model, y_index)
            codes = codes.numpy()
            self.sampler_ = (
                fit_mixture(codes, seed)
                if y_index is None
                else fit_mixture_per_label(codes, y_index.cpu().numpy(), len(self.classes_), seed)
            )

    def _warmup_reached(self) -> float | None:
        """The share of ``beta`` the KL term's weight reached at the last epoch trained
        (Bowman et al.'s linear warm-up, ``KLDivergence``: epoch n of kl_warmup weighs n /
        kl_warmup), or None once the warm-up has ended."""
        warmup, trained = int(self.kl_warmup), int(self.n_iter_)
        return trained / warmup if warmup > trained else None

    def _warn_of_unfinished_training(self) -> None:
        """A KL warm-up longer than the epochs trained never reached ``beta``: the code was
        barely held to the prior, silently."""
        reached = self._warmup_reached()
        if reached is None:
            return
        warmup, trained = int(self.kl_warmup), int(self.n_iter_)
        warnings.warn(
            f"{self._shown_name}: kl_warmup={warmup} is longer than the {trained} epochs "
            f"trained, so the KL term's weight reached {reached:.2g} of beta: the "
            "codes are barely held to the prior. Train at least kl_warmup epochs (max_iter >= "
            f"{warmup}), or go on with warm_start=True.",
            ConvergenceWarning,
            stacklevel=caller_level(),
        )

    @property
    def _interrupted_note(self) -> str:
        """What the warning of an interrupted fit (:mod:`aekit.estimators.interrupted_fits`)
        adds: a KL warm-up it stopped, whose model is no beta-VAE yet."""
        reached = self._warmup_reached()
        if reached is None:
            return ""
        return (
            f" Its KL warm-up had not ended: the KL term's weight was {reached:.2g} of "
            f"beta={float(self.beta):g} ({self.n_iter_} of kl_warmup={self.kl_warmup} epochs), "
            "so the model is not yet the beta-VAE asked for (its codes are held to the prior "
            "less); going on ends the warm-up."
        )

    def _make_latent(self, in_features: int) -> nn.Module:
        return GaussianLatent(in_features, self.latent_dim)

    def _make_terms(self) -> list[Term]:
        return [KLDivergence(self.beta, self.kl_warmup)]

    def posterior_std(self, X: Any, y: Any = None) -> np.ndarray:
        """The posterior's standard deviation ``sigma(x)`` of each code unit, beside its mean
        ``mu(x)`` (:meth:`transform`): ``q(z|x) = N(mu(x), diag(sigma(x)^2))``, which training
        draws from as ``z = mu + sigma * eps``. Near 1 (the prior's) on a collapsed unit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to encode, taken as ``fit`` takes them.
        y : label or array-like of shape (n_samples,), default=None
            A :class:`ConditionalVAE`'s labels, as :meth:`transform` takes them.

        Returns
        -------
        sigma : ndarray of shape (n_samples, latent_dim)
        """
        sigma = self._batched(
            lambda model, x, yb: torch.exp(0.5 * model.encode(x, yb).log_var),
            *self._model_inputs(X, y),
        )
        return sigma.numpy().astype(np.float32)

    def sample(
        self,
        n_samples: int = 1,
        y: Any = None,
        random_state: Any = None,
        return_y: bool = False,
        draw_x: bool = False,
        label_prior: str = "uniform",
    ) -> Any:
        """Draw ``n_samples`` rows from the model: decode codes ``z`` from ``sampler``'s
        distribution as fitted (the prior ``N(0, I)``, or the mixture fitted to the training
        codes; a ConditionalVAE's: each row's label's mixture).

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to generate.
        y : label or array-like of shape (n_samples,), default=None
            Ignored, with a warning, by models without labels. A :class:`ConditionalVAE`'s
            labels of the rows: one for all, one per row, or None for labels drawn from
            ``classes_`` as ``label_prior`` says.
        random_state : int, RandomState instance, numpy Generator or None, default=None
            Seeds the draws (of the labels first, then of the codes).
        return_y : bool, default=False
            For a :class:`ConditionalVAE` only (a model without labels refuses it): also
            return each row's label (the labels drawn when ``y`` is None), as ``(X, y)``.
        draw_x : bool, default=False
            False: each row is the expected value of ``p(x|z)``, smooth (an image's pixel
            probabilities), with less spread than the data, and a table's category columns
            hold their categories' probabilities, whose most likely one
            ``TabularEncoder.inverse_transform`` takes (a category of a third of the rows may
            then never come back). True: each row is drawn from ``p(x|z)``, ``mu + sigma *
            eps`` for Gaussian features (``sigma`` the scale fitted), 0 or 1 for Bernoulli
            ones, one category of each one-hot group drawn from its probabilities: synthetic
            table rows.
        label_prior : {"uniform", "fitted"}, default="uniform"
            How a :class:`ConditionalVAE` draws the labels when ``y`` is None: uniformly over
            ``classes_`` (as many rows of each class, in a random order; where the classes do
            not divide ``n_samples``, some have one row more), or drawn at the shares of
            fit's labelled rows (``class_counts_``): synthetic table rows then keep the
            classes' balance (a class of 3% of the rows is 3% of the samples, not a third).

        Returns
        -------
        X : ndarray of shape (n_samples, ...) shaped like the training X
            Expected values of ``p(x|z)`` (probabilities for Bernoulli data), or with
            ``draw_x=True`` draws from it.
        y : ndarray of shape (n_samples,)
            With ``return_y=True``: each row's label, one of ``classes_``.
        """
        check_is_fitted(self)
        n_samples = check_count(n_samples, "n_samples")
        refuse_beyond_memory(  # the rows and their codes, in float32
            4 * n_samples * (self.n_features_in_ + self.latent_dim_),
            f"n_samples={n_samples} rows of {self.n_features_in_} values",
            "draw fewer at a time (sample in a loop, each call with its own random_state).",
        )
        for name, flag in (("return_y", return_y), ("draw_x", draw_x)):
            if not isinstance(flag, (bool, np.bool_)):  # 'yes' and 1 were taken as True
                raise ValueError(f"{name}={flag!r} is no bool; give True or False.")
        if y is not None and not hasattr(self, "classes_"):
            warnings.warn(  # "generate a 7" from a model without labels gave any digit, unsaid
                f"y is ignored: a {type(self).__name__} has no labels, so its samples are of no "
                "class in particular; a ConditionalVAE generates the class asked for.",
                UserWarning,
                stacklevel=2,
            )
        if return_y and not hasattr(self, "classes_"):
            raise ValueError(
                f"return_y=True: a {type(self).__name__} has no labels; a ConditionalVAE's "
                "samples have one each."
            )
        if label_prior not in ("uniform", "fitted"):
            raise ValueError(f"label_prior={label_prior!r}: use 'uniform' or 'fitted'.")
        if label_prior == "fitted" and (y is not None or not hasattr(self, "classes_")):
            warnings.warn(  # the labels are y's, or there are none to draw
                "label_prior='fitted' is ignored: "
                + ("y gives the labels." if y is not None else "this model draws no labels."),
                UserWarning,
                stacklevel=2,
            )
        rng = random_state_of(random_state)
        labels = self._sampling_labels(y, n_samples, rng, label_prior)
        # each row's label as an index of classes_: an unknown label is refused before any draw
        index = None if labels is None else self._labels(labels, n_samples).numpy()
        seed = int(rng.randint(0, 2**31 - 1))
        # the parameters fit read: set_params after fit changes neither the KL term trained
        # nor the mixture fitted (sampler="prior" set after fit is honoured: the prior needs none)
        fitted = getattr(self, "_fitted_params", None) or {}
        if self.sampler == "gmm" and self.sampler_ is None:
            _warn_no_mixture_fitted()
        if self.sampler_ is None or self.sampler == "prior":  # the prior N(0, I)
            if fitted.get("beta", self.beta) == 0:
                _warn_no_prior_fitted()
            z = torch.randn(
                n_samples, self.latent_dim_, generator=torch.Generator().manual_seed(seed)
            ).numpy()
        else:  # the mixture (a conditional model's: each row's label's own)
            z = draw(self.sampler_, n_samples, index, seed)
        # drawn after the codes' seed, so the codes are the same with or without draw_x
        draw_seed = int(rng.randint(0, 2**31 - 1)) if draw_x else None
        X = self._decode(z.astype(np.float32), labels, draw_seed)
        return (X, self.classes_[index]) if return_y else X

    # ---- model files: the sampler is saved with the network ------------------------------------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        fitted, tree = super()._get_fitted_state()
        if self.sampler_ is not None:
            tree["sampler"] = {k: torch.from_numpy(np.asarray(v)) for k, v in self.sampler_.items()}
        return fitted, tree

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        super()._set_fitted_state(fitted, tree, device)
        mixture = tree["sampler"]
        self.sampler_ = None if mixture is None else {k: v.numpy() for k, v in mixture.items()}
        if self.sampler_ is not None:  # one mixture, or one per label of classes_
            classes = getattr(self, "classes_", None)  # set first by a conditional kind
            check_mixture(
                self.sampler_, self.latent_dim_, None if classes is None else len(classes)
            )


def _warn_no_prior_fitted() -> None:
    """beta=0 drops the KL term (Kingma & Welling's eq. 10 without KL(q(z|x) || p(z))): nothing
    pulls the codes towards N(0, I), so decoding draws of it need not look like the data."""
    import warnings

    warnings.warn(
        "beta=0 trained no KL term, so the codes need not follow the prior N(0, I) that "
        "sample() draws from, and its rows may look nothing like the data. Fit with "
        "sampler='gmm' (draws from a mixture fitted to the training codes) or beta > 0.",
        UserWarning,
        stacklevel=caller_level(),
    )


def _warn_no_mixture_fitted() -> None:
    """sampler="gmm" set after a fit with the prior: the mixture is fitted to the training
    codes by fit, which this model's fit did not do."""
    import warnings

    warnings.warn(
        "sampler='gmm' was set after fit, which fitted no mixture to the training codes: these "
        "rows are drawn from the prior N(0, I). Fit again with sampler='gmm' to draw from the "
        "mixture.",
        UserWarning,
        stacklevel=caller_level(),
    )
