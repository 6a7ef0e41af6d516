"""After ``fit``: a ``ConvergenceWarning`` when the network reconstructs its training rows no
better, or barely better (:data:`NEAR_MEAN`), than their mean row does.

A network stopped before it learned (too few epochs for the data, a too small learning rate)
decodes every code to about the mean row: a ConditionalVAE on 500 images for 15 epochs sampled
the same grey blob for every label, and nothing said so. The mean row is the best constant
reconstruction (it minimises the squared error over constants), so a model that does not beat
it has learned nothing about any row; for a network that decodes with the label (a
ConditionalVAE) the best constant is each label's mean row, which one grey blob per label is
(a CVAE of 300 digit images after 15 epochs: 0.0584 against 0.0668 for the mean row, 0.0505
for each label's). The check reads a few rows, spread over the training set
(the first ones of rows on disk),
in the model's space (standardized data, or [0, 1] data as is: one scale for every feature),
as :class:`aekit.Compressor` does for its decompressed rows, through the trained network in its
own float32 (no float64 copy of it: see :func:`_reconstruction_and_mean_errors`).
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from aekit.core.rows import LazyRows
from aekit.estimators.epochs import batch_rows
from aekit.warning_lines import caller_level

CHECK_ROWS = 1000  # rows reconstructed for the check: a fraction of an epoch's cost


class ConvergenceCheck:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`: the check, run by ``fit``."""

    # False for networks inside an application that checks its own result (the Compressor's
    # decompressed rows) or whose reconstruction is not its purpose.
    _checks_convergence = True
    # What else may have kept such a network from learning, said after the advice to train
    # longer (the variational kinds: their KL term)
    _unlearned_advice = ""
    _collapsed = False

    def _warn_if_no_better_than_mean(self, X_model, y_index: torch.Tensor | None) -> bool:
        """Warn as the module says; whether it did."""
        if not self._checks_convergence:
            return False
        errors = _reconstruction_and_mean_errors(self, X_model, y_index)
        if errors is None:
            return False
        error, baseline, mean_row = errors
        if not (baseline > 0 and error >= NEAR_MEAN * baseline):  # constant rows: no check
            return False
        epochs = f"{self._shown_name}: after {self.n_iter_} epoch{'s' * (self.n_iter_ != 1)}"
        squared = f"the network reconstructs its training rows with a squared error of {error:.4g}"
        if error > DIVERGED * max(baseline, 1.0):  # a larger step would be worse still
            said = (
                f"{epochs} {squared}, far worse than {mean_row} ({baseline:.4g}): the "
                "training diverged, and its codes, samples and scores say nothing. Fit again "
                f"with a smaller learning_rate_init (it is {self.learning_rate_init:g})."
            )
        else:
            fits = " a fit, over several fits (warm_start)" if self.n_iter_ > self.max_iter else ""
            than = (
                "no better than"
                if error >= baseline
                else f"only {1 - error / baseline:.1%} below that of"
            )
            head = (
                f"{epochs} (max_iter={self.max_iter}{fits}) {squared}, {than} {mean_row} "
                f"({baseline:.4g}); it has not learned, and its codes, samples and scores say "
                "little."
            )
            rest = (
                f" {_longer(self)} or with a larger learning_rate_init."
                f"{_few_steps(self, len(X_model))}{_bernoulli_by_default(self)}"
            )
            advice = self._unlearned_advice
            # a KL term near 0 is the cause, not the budget: said first (beta=20 collapsed
            # every code, and the advice to train longer came first)
            said = head + (advice + rest if self._collapsed else rest + advice)
        warnings.warn(said, ConvergenceWarning, stacklevel=caller_level())
        return True


# A squared error in the model's space this many times that of the training rows' mean row
# (and of 1: standardized columns have variance 1, and a Bernoulli model's probabilities lie in
# [0, 1], so a network just started is within a few units) is no slow start but a diverged fit
# (a VAE at learning_rate_init=10: 3e29). Data of small spread in [0, 1] have a mean row's error
# far below 1, which an untrained Bernoulli decoder's 0.5 exceeds a hundredfold: not diverged.
DIVERGED = 100

# A network whose training rows' squared error is within 5% of their mean row's has learned
# next to nothing: a ConditionalVAE of 500 MNIST images after 15 epochs (0.0650 against 0.0651)
# sampled one grey blob for every label, and a conv1d autoencoder of 300 heartbeats flattened
# every R-peak (0.0344 against 0.0348), and neither was said while the check asked for no gain
# at all. Networks of the defaults fitted on the 25 ADBench sets' normal rows stay well below
# it, but for the VAEs that learned nothing at all (benchmarks/convergence_margin.py: the
# largest ratio below 1 is 0.38 for a detector's member, 0.32 for an Autoencoder, 0.54 for a
# VAE; three VAEs, 1.01, collapsed to the mean and were warned of before this margin).
NEAR_MEAN = 0.95


def _few_steps(estimator, n_rows: int) -> str:
    """Where the fit took few gradient steps in all (a few hundred rows in large batches, or a
    few thousand for a few epochs), the advice that takes more per epoch: a network of many
    epochs may still have taken few steps."""
    batch = batch_rows(estimator.batch_size, n_rows)
    steps = -(-n_rows // max(batch, 1))
    if steps * estimator.n_iter_ >= FEW_STEPS or batch <= 32:  # more steps from more epochs
        return ""
    return (
        f" An epoch of its {n_rows} rows in batches of {batch} is {steps} gradient "
        f"step{'s' * (steps != 1)} ({steps * estimator.n_iter_} in all): a smaller batch_size "
        "(e.g. 32) takes more."
    )


# Gradient steps in all below which a smaller batch is advised beside more epochs (a conv
# autoencoder of 3,000 MNIST images: 5 epochs of 15 steps learned 2% below the mean row, and
# batch_size=32, 470 steps, an error 27% below PCA's with 16 components).
FEW_STEPS = 500


def _bernoulli_by_default(estimator) -> str:
    """Where ``likelihood="auto"`` took Bernoulli (X in [0, 1]), the likelihood to try: on
    tables scaled to [0, 1] a Gaussian fits far better (benchmarks/unit_range_likelihood.py: a
    default VAE on the 8 such ADBench sets reconstructs at 0.35-1.01 of the mean row's error
    with Bernoulli, three of them collapsed to it, against 0.005-0.21 with a Gaussian), and the
    advice to train longer or loosen the KL term changed nothing there."""
    if estimator.likelihood != "auto" or estimator.likelihood_ != "bernoulli":
        return ""
    if getattr(estimator, "image_shape_", None) is not None:
        return ""  # images: Bernoulli is what "auto" is for, and right for them
    return (
        " X lies in [0, 1], so likelihood='auto' took Bernoulli, a model of pixels and 0/1 "
        "values; if X holds table columns scaled to [0, 1] rather than pixels, a Gaussian "
        "(likelihood='gaussian') fits them far better."
    )


def _longer(estimator) -> str:
    """How to train longer: a larger max_iter, or, where the stopping rule ended the fit before
    max_iter (a larger max_iter then changes nothing), a looser rule."""
    if estimator.n_iter_ >= estimator.max_iter:
        return "Train longer (a larger max_iter)"
    watched = "validation loss" if getattr(estimator, "early_stopping", False) else "loss"
    return (
        f"It stopped before max_iter, its {watched} improving by less than "
        f"tol={estimator.tol:g} for n_iter_no_change={estimator.n_iter_no_change} epochs: train "
        "longer (a smaller tol or a larger n_iter_no_change)"
    )


def _reconstruction_and_mean_errors(
    estimator, X_model: torch.Tensor, y_index: torch.Tensor | None
) -> tuple[float, float, str] | None:
    """Mean squared error, over up to ``CHECK_ROWS`` evenly spaced training rows in the model's
    space, of their reconstructions and of the best constant a network could have learned
    (missing entries left out), and what that constant is; None when no labelled row is left
    (a ConditionalVAE's unlabelled rows have no label to decode with)."""
    n = len(X_model)
    if isinstance(X_model, LazyRows):  # on disk: the first rows, one read (spread rows would
        rows = torch.arange(min(n, CHECK_ROWS))  # read a row group each, the whole file again)
    else:
        rows = np.unique(np.linspace(0, n - 1, min(n, CHECK_ROWS)).astype(np.int64))
        rows = torch.from_numpy(rows)
    x = X_model[rows.to(X_model.device)]
    labels = None if y_index is None else y_index[rows.to(y_index.device)]
    if labels is not None:
        labelled = labels >= 0
        x, labels = x[labelled.to(x.device)], labels[labelled]
    if len(x) == 0:
        return None
    network = estimator.model_
    was_training = network.training
    network.eval()  # as fit leaves it; the float64 copy was in eval mode too
    try:
        # The trained network itself, in float32, not the float64 copy inference computes with
        # (which keeps a row's output independent of its batch, no concern here: the figures
        # are compared at 5% and printed to 4 digits; they moved by about 1e-10 on the CPU,
        # more on CUDA's TF32 convolutions, still far inside 5%). float64 convolutions have no
        # fast CPU kernels: on 1,000 MNIST rows the copy took 0.63 s of CPU against 0.18 s, a
        # quarter of a 1-epoch conv fit of 4,000 rows.
        reconstructed = estimator._batched(
            lambda model, xb, yb: model.likelihood.mean(
                model.decode(model.encode_code(xb, yb), yb)
            ),
            x,
            labels,
            network=network,
        )
    finally:
        network.train(was_training)
    given = x.detach().cpu().double().numpy().reshape(len(x), -1)
    out = reconstructed.double().numpy().reshape(len(x), -1)
    groups = None if labels is None else labels.cpu().numpy()
    with warnings.catch_warnings():  # a column missing in every checked row: left out
        warnings.simplefilter("ignore", RuntimeWarning)
        error = float(np.nanmean((out - given) ** 2))
        baseline = float(np.nanmean((given - np.nanmean(given, axis=0)) ** 2))
        if groups is not None and _enough_per_label(groups):
            # a network decoding with the label has each label's mean row for free: one grey
            # blob per label (a ConditionalVAE after a few epochs) beats the overall mean row
            means = {g: np.nanmean(given[groups == g], axis=0) for g in np.unique(groups)}
            centred = given - np.stack([means[g] for g in groups])
            per_label = float(np.nanmean(centred**2))
            if per_label >= LABEL_SHARE * baseline:
                return error, per_label, "the mean row of their label"
    return error, baseline, "their mean row"


# The share of the rows' variance left within their labels below which each label's mean row is
# no baseline: the label then says nearly all there is (rows that are their label's blob plus
# noise), and a network that learned the blobs has learned what could be learned.
LABEL_SHARE = 0.05


# Checked rows of every label it takes for a label's mean row to stand as a baseline (a few
# rows of a label are their own mean's near neighbours, which no network need beat).
ROWS_PER_LABEL = 20


def _enough_per_label(groups: np.ndarray) -> bool:
    counts = np.bincount(groups)
    return bool(counts[counts > 0].min() >= ROWS_PER_LABEL)
