"""Reconstruction likelihoods ``p(x | z)``: the decoder's output parametrises one per feature.

Both report the negative log-likelihood summed over features, per row, in nats, so regularizer
weights mean the same thing for every kind. For binary data the Bernoulli NLL is exact and a VAE's
ELBO a true bound; for grey levels in [0, 1] binary cross-entropy is the customary objective but
not a normalised density (the continuous Bernoulli would need a normaliser), so scores there are
comparable between rows and models, not absolute log-likelihoods.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Likelihood(nn.Module):
    """Interface: ``nll`` per row, ``nll_per_feature``, ``mean`` (the expected value of x) and
    ``draw`` (an x drawn from p(x | z))."""

    name = ""

    def nll_per_feature(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def nll(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``-log p(x | z)`` per row: the per-feature terms summed over every non-batch axis."""
        return self.nll_per_feature(output, x).flatten(1).sum(dim=1)

    def mean(self, output: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def draw(self, output: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        raise NotImplementedError


class BernoulliLikelihood(Likelihood):
    """``x_i ~ Bernoulli(sigmoid(logit_i))`` for data in [0, 1]; the output is logits.

    ``-log p = BCE(logit, x) = softplus(logit) - x * logit``, computed stably by PyTorch.
    """

    name = "bernoulli"

    def nll_per_feature(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return F.binary_cross_entropy_with_logits(output, x, reduction="none")

    def mean(self, output: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(output)

    def draw(self, output: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        return torch.bernoulli(self.mean(output), generator=generator)


class GaussianLikelihood(Likelihood):
    """``x_i ~ N(mu_i, sigma^2)`` on standardized data; the output is ``mu`` (never squashed).

    ``-log p = (x - mu)^2 / (2 sigma^2) + log sigma + log(2 pi) / 2``. Deterministic
    autoencoders fix ``sigma = 1`` (the loss is then half the squared error plus a constant);
    VAEs learn one shared ``log sigma`` so the balance between reconstruction and KL is fitted
    rather than guessed (Rybkin et al. 2021, "Simple and Effective VAE Training with
    Calibrated Decoders"). ``sigma`` is floored at 1e-3 so constant features cannot drive the
    likelihood to infinity.
    """

    name = "gaussian"
    _MIN_LOG_SCALE = math.log(1e-3)

    def __init__(self, learn_scale: bool = False) -> None:
        super().__init__()
        if learn_scale:
            self.log_scale = nn.Parameter(torch.zeros(()))
        else:  # a buffer, not a frozen parameter: module.requires_grad_(True) trained it
            self.register_buffer("log_scale", torch.zeros(()))

    def nll_per_feature(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        if output.shape != x.shape:  # as binary_cross_entropy_with_logits refuses: a (n, 1)
            # target broadcast against (n, d) outputs into a loss of other rows, silently
            raise ValueError(
                f"Target size ({x.shape}) must be the same as input size ({output.shape})"
            )
        log_scale = self.log_scale.clamp(min=self._MIN_LOG_SCALE)
        z = (x - output) * torch.exp(-log_scale)
        return 0.5 * z.pow(2) + log_scale + 0.5 * math.log(2 * math.pi)

    def mean(self, output: torch.Tensor) -> torch.Tensor:
        return output

    def draw(self, output: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """``mu + sigma * eps``, eps ~ N(0, I): sigma the scale fitted (1 where it is fixed)."""
        noise = torch.randn(
            output.shape, generator=generator, device=output.device, dtype=output.dtype
        )
        return output + torch.exp(self.log_scale.clamp(min=self._MIN_LOG_SCALE)) * noise


LIKELIHOODS = {"bernoulli": BernoulliLikelihood, "gaussian": GaussianLikelihood}


def data_range(X: np.ndarray) -> tuple[float, float]:
    """The smallest and largest value of X, leaving out NaN (a missing entry, in imputation)."""
    with warnings.catch_warnings():  # a read-only array (a memmap) is only read here
        warnings.simplefilter("ignore", UserWarning)
        low, high = (float(v) for v in torch.aminmax(torch.from_numpy(X)))  # one pass, not two
    if math.isnan(low) or math.isnan(high):
        with warnings.catch_warnings():  # all NaN: (nan, nan), which no check refuses
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = float(np.nanmin(X)), float(np.nanmax(X))
    return low, high


def choose_likelihood(X: np.ndarray, likelihood: str) -> str:
    """Resolve ``likelihood="auto"``: Bernoulli when every value lies in [0, 1], else Gaussian."""
    return likelihood_for_range(*data_range(X), likelihood)


def check_fitted_range(likelihood: str, flat: np.ndarray, has_likelihood: bool) -> None:
    """The rows ``flat`` given to a model fitted with ``likelihood`` lie in [0, 1] when it is
    Bernoulli, as its fit's X had to (:func:`check_bernoulli_range`); ``has_likelihood``: the
    user can refit with another (a network inside another estimator has one they cannot set)."""
    if likelihood == "bernoulli" and flat.size:
        check_bernoulli_range(*data_range(flat), fitted=True, has_likelihood=has_likelihood)


def check_bernoulli_range(
    low: float, high: float, fitted: bool, has_likelihood: bool = True
) -> None:
    """``ValueError`` unless [low, high] lies in [0, 1], the support of the Bernoulli likelihood.

    Both at ``fit`` and for a fitted model's new X: outside [0, 1] the "log-likelihood"
    ``x log p + (1 - x) log(1 - p)`` is none at all and grows without bound as ``x`` leaves the
    interval (at x = -5 it is ``-5 log p + 6 log(1 - p)``, large and positive for p near 0), so
    such rows would score as the most normal ones. ``has_likelihood``: the estimator the user
    holds takes ``likelihood=`` (a Compressor's network does, the Compressor does not)."""
    if low >= 0 and high <= 1:
        return
    denoise, refit = (
        ("; a DenoisingAutoencoder's denoise does", ", or refit with likelihood='gaussian', "
         "which takes any value")
        if has_likelihood
        else ("", "")
    )  # fmt: skip
    fix = (
        "The model was fitted on data in [0, 1]; scale X as its training data was scaled "
        f"(noisy data: clip it, np.clip(X, 0, 1){denoise}). Rows scaled by a scaler fitted on "
        "other rows (MinMaxScaler) fall outside, far where a column was constant in those rows: "
        "clip them too (MinMaxScaler(clip=True) "
        f"does, in a pipeline as well){refit}."
        if fitted
        else "Scale X to [0, 1] or use likelihood='gaussian'."
    )
    raise ValueError(
        f"likelihood='bernoulli' needs data in [0, 1], but X ranges over "
        f"[{_bound(low)}, {_bound(high)}]. {fix}"
    )


def _bound(value: float) -> str:
    """An end of X's range in as few digits as show it on its side of 0 or 1: 1.0001 was
    written 1 ("X ranges over [1, 1]"), which reads as inside [0, 1]."""
    for digits in (4, 8, 17):
        text = f"{value:.{digits}g}"
        if (float(text) < 0) == (value < 0) and (float(text) > 1) == (value > 1):
            return text
    return repr(value)


def likelihood_for_range(low: float, high: float, likelihood: str) -> str:
    """:func:`choose_likelihood` from the data's smallest and largest value (data on disk give
    them from a streaming pass)."""
    if likelihood == "auto":
        return "bernoulli" if low >= 0 and high <= 1 else "gaussian"
    if likelihood not in LIKELIHOODS:
        raise ValueError(
            f"likelihood={likelihood!r} is not supported; use 'auto', 'bernoulli' or 'gaussian'."
        )
    if likelihood == "bernoulli":
        check_bernoulli_range(low, high, fitted=False)
    return likelihood


def make_likelihood(
    name: str, learn_scale: bool, categorical_groups: tuple[tuple[int, int], ...] | None = None
) -> Likelihood:
    base = BernoulliLikelihood() if name == "bernoulli" else GaussianLikelihood(learn_scale)
    return CategoricalGroups(base, categorical_groups) if categorical_groups else base


class CategoricalGroups(Likelihood):
    """A base likelihood for most features, and a categorical one per one-hot group.

    For a group of columns ``a:b`` holding the one-hot ``x`` of a categorical feature and the
    logits ``o``, ``-log p = -sum_k x_k log softmax(o)_k`` (``F.cross_entropy``). The group's NLL
    sits in its first column and its other columns hold 0, so summing over features still gives
    ``-log p(x | z)`` per row, and masking a missing feature's columns drops its whole term.
    ``mean`` is the softmax over each group: the probabilities of its categories.
    """

    def __init__(self, base: Likelihood, groups: tuple[tuple[int, int], ...]) -> None:
        super().__init__()
        self.base = base
        self.name = base.name
        self.groups = sorted((int(a), int(b)) for a, b in groups)

    def _by_segment(
        self,
        n_features: int,
        plain: Callable[[int, int], torch.Tensor],
        grouped: Callable[[int, int], torch.Tensor],
    ) -> torch.Tensor:
        """Concatenate ``plain(a, b)`` between groups and ``grouped(a, b)`` on each group."""
        pieces, at = [], 0
        for a, b in self.groups:
            if at < a:
                pieces.append(plain(at, a))
            pieces.append(grouped(a, b))
            at = b
        if at < n_features:
            pieces.append(plain(at, n_features))
        return torch.cat(pieces, dim=1)

    def nll_per_feature(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        base = self.base.nll_per_feature(output, x)

        def group_nll(a: int, b: int) -> torch.Tensor:
            nll = -(x[:, a:b] * F.log_softmax(output[:, a:b], dim=1)).sum(dim=1, keepdim=True)
            # zeros padded on, not new_zeros(len(nll), ...): len() would make the batch a
            # constant of a traced graph, and the ONNX export refuses such a graph
            return F.pad(nll, (0, b - a - 1))

        return self._by_segment(x.shape[1], lambda a, b: base[:, a:b], group_nll)

    def mean(self, output: torch.Tensor) -> torch.Tensor:
        base = self.base.mean(output)
        return self._by_segment(
            output.shape[1],
            lambda a, b: base[:, a:b],
            lambda a, b: torch.softmax(output[:, a:b], dim=1),
        )

    def draw(self, output: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """The base's draw between groups; one category of each group drawn from its
        probabilities, one-hot (``mean`` holds the probabilities, whose most likely category
        a table's decoding takes: the same category in every row whose probabilities are alike)."""
        base = self.base.draw(output, generator)

        def one_hot(a: int, b: int) -> torch.Tensor:
            probabilities = torch.softmax(output[:, a:b], dim=1)
            drawn = torch.multinomial(probabilities, 1, generator=generator).squeeze(1)
            return F.one_hot(drawn, b - a).to(output.dtype)

        return self._by_segment(output.shape[1], lambda a, b: base[:, a:b], one_hot)
