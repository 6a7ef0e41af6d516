"""What every fitted autoencoder saves: :class:`BaseAutoencoder`'s share of its model file.

Kept beside ``_base.py`` (which inherits it) rather than in it, so that file stays about
building and fitting. Kinds with more fitted state extend both methods with ``super()``: the
variational kinds add their sampler, the conditional VAE its labels and classifier flag.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from aekit.core.recurrent import add_position_inputs
from aekit.estimators.persistence import SavesToFile
from aekit.estimators.resolved_settings import resolved_state, restore_resolved


def _statistics(array: np.ndarray | None) -> torch.Tensor | None:
    """The data's mean or scale as stored: float64 when fitted on float64 rows (see
    :func:`aekit.estimators._data_scale.fit_scale`), else float32."""
    if array is None:
        return None
    precision = np.float64 if np.asarray(array).dtype == np.float64 else np.float32
    return torch.from_numpy(np.asarray(array, dtype=precision))


def check_shapes(skeleton: torch.nn.Module, state: dict[str, Any]) -> None:
    """``ValueError`` unless ``state`` holds exactly the tensors of ``skeleton``, shape for
    shape (the corruption bounds excepted: their size comes from the data)."""
    if not isinstance(state, dict):
        raise ValueError("the weights are not a tree of named tensors")
    expected = {k: tuple(v.shape) for k, v in skeleton.state_dict().items()}
    for key in sorted(set(expected) | set(state)):
        if key.startswith("corruption."):
            continue
        if key not in state or key not in expected:
            raise ValueError(f"weight {key} is missing or unexpected for the saved parameters")
        found = tuple(getattr(state[key], "shape", ()))
        if found != expected[key]:
            raise ValueError(
                f"weight {key} has shape {list(found)}; the saved parameters need "
                f"{list(expected[key])}"
            )


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def check_input_shapes(
    n_features: Any, image_shape: tuple | None, sequence_shape: tuple | None
) -> None:
    """``ValueError`` unless the fitted input shapes describe rows of ``n_features`` values, as
    fit records them: an image_shape_ of [1, 100000, 100000] on a model of 64 features loaded,
    to allocate 10**10 values per row where a row is shaped as an image."""
    if not _is_count(n_features):
        raise ValueError(f"n_features_in_ is {n_features!r}; it must be a positive whole number")
    for name, shape, axes in (
        ("image_shape_", image_shape, 3),
        ("sequence_shape_", sequence_shape, 2),
    ):
        if shape is None:
            continue
        if len(shape) != axes or not all(_is_count(v) for v in shape):
            raise ValueError(f"{name} is {list(shape)}; it must be {axes} positive whole numbers")
        if math.prod(shape) != n_features:
            raise ValueError(
                f"{name} {list(shape)} holds {math.prod(shape):,} values, but the model reads "
                f"rows of {n_features} features (n_features_in_)"
            )


def check_fitted_values(fitted: dict[str, Any], image_shape: Any, sequence_shape: Any) -> None:
    """``ValueError`` naming a fitted value no fit gives (a file edited and signed again): a
    likelihood 'poisson' was scored as a Gaussian, a history of text broke ``aekit info``."""
    likelihood = fitted["likelihood_"]
    if likelihood not in ("bernoulli", "gaussian"):
        raise ValueError(f"likelihood_ is {likelihood!r}; a fit gives 'bernoulli' or 'gaussian'")
    ndim = fitted["input_ndim_"]
    shaped = {2: True, 3: sequence_shape is not None, 4: image_shape is not None}
    if type(ndim) is not int or not shaped.get(ndim, False):
        raise ValueError(
            f"input_ndim_ is {ndim!r}; a fit gives 2 (rows), 3 with a sequence_shape_ or 4 with "
            "an image_shape_"
        )
    n_iter = fitted["n_iter_"]
    if type(n_iter) is not int or n_iter < 0:
        raise ValueError(f"n_iter_ is {n_iter!r}; it must be a whole number of epochs, 0 or more")
    history = fitted["history_"]
    numbers = (int, float)
    if not isinstance(history, dict) or not all(
        isinstance(v, list) and all(isinstance(x, numbers) and not isinstance(x, bool) for x in v)
        for v in history.values()
    ):
        raise ValueError("history_ is not a record of lists of numbers, one per epoch")


def check_positive_scale(scale: np.ndarray | None) -> None:
    """The data's scale divides every row: 0 or less (a file edited and signed again) gave
    NaN scores with numpy's warnings of a division by zero."""
    if scale is not None and not (np.asarray(scale) > 0).all():
        raise ValueError(f"data_scale holds {np.asarray(scale).min()}; a scale must be positive")


def stored_weights(state: Any, count: int = 3) -> str:
    """The first ``count`` weight matrices of ``state`` with their shapes, for a message:
    they show which network the file holds (an MLP's are 2-D, a convolution's 3-D or 4-D)."""
    if not isinstance(state, dict):
        return "no tree of named tensors"
    weights = [(k, v) for k, v in state.items() if k.endswith("weight")][:count]
    shown = ", ".join(f"{k} {list(getattr(v, 'shape', ()))}" for k, v in weights)
    return f"the stored weights begin {shown}" if weights else "no weights are stored"


class AutoencoderState(SavesToFile):
    """``_get_fitted_state`` / ``_set_fitted_state`` of :class:`BaseAutoencoder`."""

    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        # Model format 1 lists the conditional and variational keys for every autoencoder, as
        # None where a kind has no such state; the kinds that have it fill them in.
        fitted = {
            "n_features_in_": self.n_features_in_,
            "feature_names_in_": getattr(self, "feature_names_in_", None),
            "input_ndim_": self.input_ndim_,
            "image_shape_": self.image_shape_,
            "sequence_shape_": self.sequence_shape_,
            "likelihood_": self.likelihood_,
            "n_iter_": self.n_iter_,
            "history_": self.history_,
            "best_loss_": self.best_loss_,
            "classes_": None,
            "classes_dtype": None,
            "semi_supervised_": None,
            **resolved_state(self),
        }
        tree = {
            "model": self.model_.state_dict(),
            "data_mean": _statistics(self.data_mean_),
            "sampler": None,
            "data_scale": _statistics(self.data_scale_),
        }
        return fitted, tree

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        self.n_features_in_ = fitted["n_features_in_"]
        if fitted["feature_names_in_"] is not None:
            self.feature_names_in_ = np.asarray(fitted["feature_names_in_"], dtype=object)
        self.input_ndim_ = fitted["input_ndim_"]
        shape = fitted["image_shape_"]
        self.image_shape_ = None if shape is None else tuple(shape)
        shape = fitted.get("sequence_shape_")  # absent from files written before sequences
        self.sequence_shape_ = None if shape is None else tuple(shape)
        check_input_shapes(self.n_features_in_, self.image_shape_, self.sequence_shape_)
        check_fitted_values(fitted, self.image_shape_, self.sequence_shape_)
        self.likelihood_ = fitted["likelihood_"]
        self.n_iter_ = fitted["n_iter_"]
        self.history_ = fitted["history_"]
        self.best_loss_ = fitted["best_loss_"]
        restore_resolved(self, fitted)
        for name in ("data_mean", "data_scale"):
            value = tree[name]
            stored = None if value is None else _statistics(value.numpy()).numpy()
            setattr(self, f"{name}_", stored)
        check_positive_scale(self.data_scale_)
        state = tree["model"]
        n_classes = len(getattr(self, "classes_", ()))  # set first by a conditional kind
        placeholder = torch.zeros(0)  # corruption bounds come back with the state dict
        # The header's sizes are checked against the stored tensors on the meta device first,
        # which allocates nothing: a header cannot make loading build a network larger than
        # the file's own weights.
        with torch.device("meta"):
            try:
                skeleton = self._build_model(n_classes, placeholder, placeholder)
            except (TypeError, ValueError, IndexError, KeyError, RuntimeError) as err:
                raise ValueError(f"{self._unbuildable(err)}; {stored_weights(state)}") from None
            state = add_position_inputs(skeleton, state)  # files of before the positions
            try:
                check_shapes(skeleton, state)
            except ValueError as err:
                raise ValueError(
                    f"the saved parameters ({self._network_params()}) do not match the stored "
                    f"weights: {err}"
                ) from None
        # Building draws default weights from the global RNG: fork it, keep the user's stream.
        with torch.random.fork_rng(devices=[]):
            model = self._build_model(n_classes, placeholder, placeholder)
        if model.corruption is not None:
            model.corruption.low = torch.empty_like(state["corruption.low"])
            model.corruption.high = torch.empty_like(state["corruption.high"])
        model.load_state_dict(state, strict=True)
        self.model_ = model.to(device).eval()

    def _network_params(self) -> str:
        """The saved parameters that shape the network, as a message names them."""
        names = ("architecture", "hidden_layer_sizes", "latent_dim")
        shown = [f"{n}={getattr(self, n)!r}" for n in names if hasattr(self, n)]
        return ", ".join([*shown, f"n_features_in_={self.n_features_in_}"])

    def _unbuildable(self, err: Exception) -> str:
        """Why the saved parameters build no network: mostly an architecture that needs an input
        shape (images, sequences) the fitted state does not record."""
        arch = getattr(self, "architecture", None)
        needs = "image_shape_" if arch == "conv" else "sequence_shape_"
        if arch not in (None, "mlp") and getattr(self, needs, None) is None:
            kind = "images" if arch == "conv" else "sequences"
            return (
                f"params.architecture={arch!r} needs {kind}, but the fitted model reads rows of "
                f"{self.n_features_in_} features ({needs} is null)"
            )
        return f"the saved parameters ({self._network_params()}) build no network ({err})"
