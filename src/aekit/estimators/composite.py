"""What the estimators built around an inner autoencoder share: its network parameters.

:class:`aekit.SemanticHasher`, :class:`aekit.Compressor` and :class:`aekit.AutoencoderImputer`
each train an autoencoder and take some of its parameters (``hidden_layer_sizes``, ``max_iter``,
``batch_size``, ``learning_rate_init``, ``device``, ...) themselves. Each still writes out its
``__init__``, since its defaults are its own; a composite lists in ``_passed_on`` the parameters
it hands to its network unchanged (those they all have are named once here), takes their
constraints from the network's table (:func:`network_constraints`, so they are written once, in
:class:`aekit.estimators.BaseAutoencoder`) and their values from
:meth:`NetworkComposite._network_kwargs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from sklearn.utils.validation import check_is_fitted

from aekit.estimators._base import BaseAutoencoder


def network_constraints(network: type[BaseAutoencoder], names: Iterable[str]) -> dict[str, list]:
    """The constraints ``network`` puts on the parameters ``names``: a composite checks what it
    passes on as its network would, before training starts, under its own name."""
    return {name: network._parameter_constraints[name] for name in names}


class NetworkComposite:
    """Mixin of an estimator that trains an inner autoencoder."""

    # The parameters a composite hands to its network unchanged, under the same names: these for
    # every composite, each extending the tuple with its others.
    _passed_on: ClassVar[tuple[str, ...]] = (
        "hidden_layer_sizes",
        "max_iter",
        "batch_size",
        "learning_rate_init",
        "device",
        "verbose",
    )

    def _network_kwargs(self, **settings: Any) -> dict[str, Any]:
        """Keyword arguments of the inner autoencoder: the parameters passed on, plus
        ``settings``, those this estimator derives itself (never one passed on)."""
        passed_on = {name: getattr(self, name) for name in self._passed_on}
        return dict(**passed_on, **settings)  # a name in both is a TypeError

    @property
    def n_iter_(self) -> int:
        """Training epochs its network ran (scikit-learn's ``n_iter_``; its loss per epoch is
        ``autoencoder_.loss_curve_``)."""
        check_is_fitted(self)
        return self.autoencoder_.n_iter_
