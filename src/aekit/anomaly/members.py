"""The detector's ensemble members: the default member, the rows they learn from, and how
members are trained, together (stacked) or one after another.

A file of its own so that :mod:`aekit.anomaly.detector` only asks for fitted members. Stacked
training (:func:`aekit.estimators.stacked.fit_stacked`) gives the members sequential training
gives, up to float rounding, as ordinary fitted estimators; it runs the members' small networks
as one batched network, so a GPU is kept busy and the CPU does fewer, larger operations
(``benchmarks/detector_training.py`` measures both).
"""

from __future__ import annotations

import difflib
import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import NearestNeighbors

from aekit.anomaly.ensemble import neighbor_count
from aekit.estimators.epochs import epochs_for_steps
from aekit.estimators.interrupted_fits import networks_of
from aekit.estimators.stacked import fit_stacked, stack_refusal
from aekit.warning_lines import caller_level, with_article

MEMBER_TRAINING = ("auto", "stacked", "sequential")


def fit_members(base: Any, datasets: Sequence[np.ndarray], seeds: Sequence[int], how: str) -> list:
    """``clone(base)`` seeded with ``seeds[m]`` and fitted on ``datasets[m]``, for each m.

    ``how="sequential"`` fits them one after another; ``"stacked"`` fits those with the same
    number of rows together (a ``ValueError`` when ``base`` cannot be stacked, naming why);
    ``"auto"`` stacks when ``base`` can be stacked and there are several members, else
    fits them one after another.
    """
    members = [clone(base).set_params(random_state=seed, verbose=False) for seed in seeds]
    why = stack_refusal(base)
    if how == "stacked" and why:
        raise ValueError(
            f"member_training='stacked': {why}. Use member_training='auto' (stacks what can "
            "be stacked) or 'sequential'."
        )
    if how == "sequential" or (how == "auto" and (why or len(members) < 2)):
        return [member.fit(rows) for member, rows in zip(members, datasets, strict=True)]
    # Stacked training needs one shape: members refitted on different numbers of kept rows
    # (trim_fraction with ties) train in one stack per row count.
    by_rows: dict[int, list[int]] = {}
    for m, rows in enumerate(datasets):
        by_rows.setdefault(len(rows), []).append(m)
    for group in by_rows.values():
        fit_stacked([members[m] for m in group], [datasets[m] for m in group])
    return members


MEMBER_BATCH = 128  # rows per gradient step of a default member (fewer rows: all of them)


def member_epochs(n_samples: int, batch: int, min_steps: int = 200) -> int:
    """Epochs of a default member: 30, but at least ``min_steps`` (200) and at most 1000
    gradient steps.

    The members' training is most of the detector's time, and PyOD's AutoEncoder (10 epochs of
    batch 32) is the yardstick: 30 epochs of batch 128 are about as many rows seen. Small sets
    get at least 200 steps (a network needs them whatever the rows), large ones at most 1000,
    enough for a 64-32 network on tabular rows (cross-validated: ``benchmarks/anomaly.py --cv``).
    """
    return epochs_for_steps(n_samples, batch, 30, min_steps=min_steps, max_steps=1000)


DEFAULT_NOISE = 0.5  # Gaussian noise (standardized units) of the default members; 0: plain


def default_member(
    n_samples: int, n_features: int, categorical_groups: tuple = (), noise_level: float = 0.0
):
    """The default member for ``n_samples`` rows of ``n_features`` encoded columns: a dense
    64-32 network, a code of ``clip(n_features // 2, 2, 8)``, Gaussian likelihood,
    :func:`member_epochs` of batch 128; with ``noise_level`` a denoising autoencoder (Gaussian
    corruption of that standard deviation), else a plain one."""
    from aekit.estimators import Autoencoder, DenoisingAutoencoder

    batch = min(MEMBER_BATCH, n_samples)
    params = dict(
        latent_dim=int(np.clip(n_features // 2, 2, 8)),
        hidden_layer_sizes=(64, 32),
        likelihood="gaussian",
        max_iter=member_epochs(n_samples, batch),
        batch_size=batch,
        categorical_groups=tuple(categorical_groups) or None,
    )
    if noise_level:
        return DenoisingAutoencoder(noise="gaussian", noise_level=noise_level, **params)
    return Autoencoder(**params)


# What the detector sets on every member itself (fit_members): each its own seed, drawn from
# the detector's random_state, and no progress bar of its own.
SET_BY_THE_DETECTOR = ("random_state", "verbose")


def tuned_member(member: Any, member_params: dict | None) -> Any:
    """The default ``member`` with ``member_params`` set over its data-sized values; a
    ``ValueError`` for a name it does not take, or one the detector sets on every member."""
    if not member_params:
        return member
    kind = type(member).__name__
    taken = member.get_params(deep=False)
    unknown = sorted(set(member_params) - set(taken), key=str)
    if unknown:
        # the detector's own are no parameters to set here (refused below): not listed
        settable = sorted(name for name in taken if name not in SET_BY_THE_DETECTOR)
        near = [difflib.get_close_matches(str(n), settable, n=1, cutoff=0.75) for n in unknown]
        meant = [found[0] for found in near if found]
        guess = f" (did you mean {', '.join(meant)}?)" if meant else ""
        raise ValueError(
            f"member_params names {unknown}, which the default member, {with_article(kind)}, "
            f"does not take{guess}; its parameters are {settable}."
        )
    fixed = [name for name in SET_BY_THE_DETECTOR if name in member_params]
    if fixed:
        raise ValueError(
            f"member_params sets {' and '.join(fixed)}, which the detector sets on each member "
            "(each seeded from AnomalyDetector(random_state=...), none showing a progress "
            f"bar): leave {' and '.join(fixed)} out of member_params."
        )
    tuned = member.set_params(**member_params)
    check_member(tuned)  # as a given estimator is checked: architecture="conv" needs its shape
    return member_for_new_rows(tuned)


def refuse_shared_checkpoint(
    base: Any, given: str, n_estimators: int, trim_fraction: float
) -> None:
    """A ``ValueError`` before any network trains when ``base`` has a ``checkpoint_dir`` and
    the detector trains more than one network from it (``given``: how the user set it, member
    params or estimator): the second found the first's checkpoint, "belongs to another run",
    mid-fit (member_training='stacked' advised 'sequential', which failed so)."""
    folder = base.get_params().get("checkpoint_dir")
    networks = []
    if n_estimators > 1:
        networks.append(f"n_estimators={n_estimators} members, each seeded apart")
    if trim_fraction > 0:
        networks.append(f"with trim_fraction={trim_fraction} each refitted on its kept rows")
    if folder is None or not networks:
        return
    raise ValueError(
        f"{given} sets checkpoint_dir={str(folder)!r}, and the detector trains several networks "
        f"from it ({'; '.join(networks)}): a checkpoint holds one network's run, so each would "
        "find another's. Leave checkpoint_dir out, or fit one member without a refit "
        "(n_estimators=1, trim_fraction=0)."
    )


def refuse_member_params_beside(estimator: Any, member_params: dict | None) -> None:
    """``member_params`` tunes the default member; a given ``estimator`` takes its own."""
    if estimator is not None and member_params:
        kind = type(estimator).__name__
        name, value = next(iter(member_params.items()))
        raise ValueError(
            f"member_params={member_params!r} sets the default member's parameters, and "
            f"estimator={kind}(...) is given: set them there (e.g. {kind}({name}={value!r})) "
            "and leave member_params=None."
        )


def member_for_new_rows(base: Any) -> Any:
    """``base`` with ``likelihood="auto"`` made Gaussian.

    "auto" picks Bernoulli when the training rows lie in [0, 1] (raw [0, 1] data, or
    standardized rows of constant columns, all 0), and a Bernoulli member refuses every later
    row outside [0, 1]: a detector exists to score rows that leave its training data, so its
    members must take any row. A member set to ``likelihood="bernoulli"`` keeps it."""
    if base.get_params().get("likelihood") != "auto":
        return base
    return clone(base).set_params(likelihood="gaussian")


def check_member(base: Any) -> None:
    """Refuse, before any training, a member the detector cannot feed: it gives every member
    flat rows ``(n_samples, n_features)`` and no labels (a convolutional member's own advice,
    "pass X as (n, channels, length)", sent users to a shape the detector refuses)."""
    from aekit.core.architectures import SEQUENCE_ARCHITECTURES
    from aekit.estimators import ConditionalVAE

    name = type(base).__name__
    if isinstance(base, ConditionalVAE):
        raise ValueError(
            "estimator=ConditionalVAE(...): the detector is unsupervised and passes its members "
            "no labels; use VAE(...), or score rows with ConditionalVAE.score_samples(X, y)."
        )
    params = base.get_params()
    architecture = params.get("architecture")
    if architecture in SEQUENCE_ARCHITECTURES and params.get("sequence_shape") is None:
        raise ValueError(
            f"estimator={name}(architecture={architecture!r}) needs sequence_shape: the "
            "detector gives its members flat rows (n_samples, n_features), so set "
            f"{name}(..., sequence_shape=(channels, length)) (one series' values: (1, "
            "n_features))."
        )
    if architecture == "conv" and params.get("image_shape") is None:
        raise ValueError(
            f"estimator={name}(architecture='conv') needs image_shape: the detector gives its "
            f"members flat rows (n_samples, n_features), so set {name}(..., "
            "image_shape=(C, H, W)) and pass the images flattened."
        )


def warn_rows_all_alike(A: np.ndarray) -> None:
    """Warn when every training row is the same: the detector then learns one point, and any
    row that differs at all, by 0.01 in one column, is flagged (200 copies of a row, or a
    constant table, were taken without a word)."""
    if len(A) > 1 and not np.ptp(A, axis=0).any():
        warnings.warn(
            f"every one of the {len(A)} training rows is the same: the detector learns that "
            "one row, and flags any row that differs from it at all; train on rows that vary "
            "as normal rows do.",
            UserWarning,
            stacklevel=caller_level(),
        )


def warn_member_draws_unread(base: Any, detector_draws: int) -> None:
    """Warn when a VAE given as ``estimator`` sets its own ``n_draws``: the detector scores its
    members with *its* ``n_draws`` (``AnomalyDetector(estimator=VAE(n_draws=64))`` averaged 16
    draws without a word), so the member's value is not read."""
    member_draws = base.get_params().get("n_draws")
    if member_draws is None or member_draws == detector_draws:
        return
    default = inspect.signature(type(base)).parameters["n_draws"].default
    if member_draws == default:  # left at its default: the detector's own choice is news to none
        return
    warnings.warn(
        f"the estimator's n_draws={member_draws} is not read: the detector averages its own "
        f"n_draws={detector_draws} draws in each member's score; pass "
        f"AnomalyDetector(n_draws={member_draws}) instead.",
        UserWarning,
        stacklevel=caller_level(),
    )


def member_params_advice(base: Any) -> str:
    """Where the detector built its members, how their warning's advice ("a larger max_iter")
    is given: through member_params, the detector having no max_iter of its own; the values
    go beyond the members' own (max_iter=500 given: 1000, not 200)."""
    given = base.get_params()
    more = {
        "max_iter": max(200, 2 * given["max_iter"]),
        "learning_rate_init": max(0.003, 3 * given["learning_rate_init"]),
    }
    return (
        " The detector's members take max_iter, learning_rate_init and batch_size through "
        f"member_params, e.g. AnomalyDetector(member_params={more!r})."
    )


def with_one_convergence_warning(
    owner: str, n_members: int, fit: Callable[[], list], advice: str = ""
) -> list:
    """``fit()``'s members, their ``ConvergenceWarning``s (one per member that has not
    learned, see :mod:`aekit.estimators._convergence`) said once, for the detector the user
    fitted, with how many members it concerns, then ``advice``; every other warning passes
    through once (each member gives the same ones: "latent_dim=8 is not smaller than ..."
    said three times)."""
    caught: list = []
    try:  # networks_of: an interrupt (aekit.estimators.interrupted_fits) is said of the detector
        with networks_of(owner), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            members = fit()
    except KeyboardInterrupt:  # what was said before it (its own warning too), then it goes on
        _pass_through(caught)
        raise
    unlearned = _pass_through(caught)
    if unlearned:
        count = len(unlearned)
        many = count > 1
        warnings.warn(
            f"{owner}: {count} of {n_members} ensemble members "
            f"{'have' if many else 'has'} not learned {'their' if many else 'its'} "
            f"training rows, so {'their' if many else 'its'} reconstruction errors say little "
            "about a row. "
            f"{'The first' if many else 'It'} says: {unlearned[0]}{advice}",
            ConvergenceWarning,
            stacklevel=caller_level(),
        )
    return members


def _pass_through(caught: list) -> list[str]:
    """Say each warning of ``caught`` once but the ConvergenceWarnings, whose messages it
    returns (said together by the caller)."""
    unlearned, said = [], set()
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            unlearned.append(str(warning.message))
        elif (str(warning.message), warning.category) not in said:
            said.add((str(warning.message), warning.category))
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return unlearned


class MemberTraining:
    """Mixin of :class:`AnomalyDetector`: fit its members on the training rows (the ensemble's
    ``estimators_``, ``error_scales_`` and codes, through ``EnsembleScores._add_member``)."""

    # Who the members' warning speaks for; None: the detector's class. A detector fitted inside
    # another estimator (SeriesAnomalyDetector's window detector) names the one the user fitted.
    _warning_owner: str | None = None

    def _fit_members(self, base: Any, A: np.ndarray, seeds: Sequence[int]) -> None:
        """A member of ``base`` per seed, fitted on the rows of A it learns from
        (:meth:`_dense_rows`); with ``trim_fraction``, each refitted without its
        worst-reconstructed rows; each then added to the ensemble with its scales."""
        members = with_one_convergence_warning(
            self._warning_owner or type(self).__name__,
            len(seeds),
            lambda: self._fitted_members(base, A, seeds),
            # the user's own estimator takes its max_iter; a series detector's are its own
            member_params_advice(base)
            if self.estimator is None and not self._warning_owner
            else "",
        )
        for member in members:
            self._add_member(member, A)

    def _fitted_members(self, base: Any, A: np.ndarray, seeds: Sequence[int]) -> list:
        rows = self._dense_rows(A)
        with warnings.catch_warnings():
            if self.trim_fraction > 0:  # the refit's members are the ones kept and checked
                warnings.simplefilter("ignore", ConvergenceWarning)
            members = fit_members(base, [rows] * len(seeds), seeds, self.member_training)
        if self.trim_fraction > 0:  # robust refit without the worst-reconstructed rows
            kept = []
            for member in members:
                errors = self._member_errors(member, A)
                keep = errors <= np.quantile(errors, 1 - self.trim_fraction)
                # at least the two best-reconstructed rows: a network learns from 2 or more
                kept.append(A[keep] if keep.sum() >= 2 else A[np.argsort(errors)[:2]])
            members = fit_members(base, kept, seeds, self.member_training)
        return members

    def _dense_rows(self, A: np.ndarray) -> np.ndarray:
        """The training rows the members learn from: with ``density_trim``, all but that
        fraction of rows farthest from their k-th nearest other row (k = 3% of the rows, at
        least 5, so a small cluster of anomalies is far from its k-th neighbour too). Anomalies
        in unlabelled data sit mostly in low-density places; a member that never learns to
        reconstruct them keeps their errors high (the training-side counterpart of the
        neighbour terms). The scales and neighbour terms still use every row."""
        if not self.density_trim:
            return A
        k = neighbor_count(0.03, len(A))
        far = NearestNeighbors(n_neighbors=min(k + 1, len(A))).fit(A).kneighbors(A)[0][:, -1]
        kept = far <= np.quantile(far, 1.0 - float(self.density_trim))
        return A[kept] if kept.sum() >= 2 else A
