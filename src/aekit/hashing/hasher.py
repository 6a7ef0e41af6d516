"""Semantic hashing (Salakhutdinov & Hinton 2009): an autoencoder with a binary bottleneck maps
each row to ``n_bits`` bits, and rows whose codes are a small Hamming distance apart are similar.
"""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from aekit.core.distributed import warns_on_rank_zero
from aekit.data.intervals import Interval
from aekit.estimators.composite import NetworkComposite, network_constraints
from aekit.estimators.interrupted_fits import whole_or_unfitted
from aekit.estimators.persistence import (
    SavesToFile,
    export_estimator,
    import_estimator,
    remember_fitted_params,
)
from aekit.hashing.binary import BinaryAutoencoder
from aekit.hashing.index import HammingIndex


class SemanticHasher(NetworkComposite, SavesToFile, TransformerMixin, BaseEstimator):
    """Binary codes for fast similarity search, learned by an autoencoder.

    The encoder ends in ``n_bits`` sigmoid units whose hard 0/1 values the decoder must
    reconstruct the input from (straight-through gradients); a contrastive term pulls each row's
    code towards that of its nearest neighbour in the batch, so Hamming distance between codes
    follows distance in the data (see :mod:`aekit.hashing.binary`). Unsupervised: labels are
    never used.

    Parameters
    ----------
    n_bits : int, default=32
        Bits per code.
    similarity_weight : float, default=300.0
        Weight of the neighbour term against reconstruction; 0 gives a plain binary autoencoder.
    temperature : float, default=0.1
        Softmax temperature of the neighbour term.
    hidden_layer_sizes : int or array-like of int, default=None
        Encoder widths (decoder mirrored); None is aekit's default for the architecture.
    architecture : {"mlp", "conv", "conv1d", "lstm", "gru"}, default="mlp"
        Dense, convolutional (images, sequences) or recurrent networks.
    image_shape : tuple (C, H, W), default=None
        Image shape for ``architecture="conv"`` when X is 2-D.
    sequence_shape : tuple (channels, length), default=None
        Sequence shape for ``"conv1d"``, ``"lstm"`` and ``"gru"`` when X is 2-D.
    max_iter : int, default=30
        Training epochs.
    batch_size : int, default=500
        Rows per step; the neighbour term finds neighbours within a batch, so larger batches
        give closer neighbours.
    learning_rate_init : float, default=1e-3
        Adam's learning rate.
    random_state : int, RandomState or None, default=None
        Seeds the weights and the shuffling.
    device : {"auto", "cpu", "cuda", "cuda:N"} or torch.device, default="auto"
        Where to train.
    verbose : bool, default=False
        Show a progress bar.

    Attributes
    ----------
    autoencoder_ : BinaryAutoencoder
        The fitted network.
    n_features_in_ : int
        Features seen in fit.
    n_iter_ : int
        Training epochs run.

    Examples
    --------
    >>> from aekit import SemanticHasher
    >>> from aekit.data.datasets import load_digits
    >>> X, y = load_digits()
    >>> hasher = SemanticHasher(n_bits=16, max_iter=5, random_state=0).fit(X)
    >>> index = hasher.index(X)
    >>> neighbours, distances = index.query(X[:3], k=5)
    >>> neighbours.shape
    (3, 5)
    """

    _passed_on = (
        *NetworkComposite._passed_on,
        "similarity_weight",
        "temperature",
        "architecture",
        "image_shape",
        "sequence_shape",
        "random_state",
    )
    _parameter_constraints: ClassVar[dict[str, list]] = {
        "n_bits": [Interval(Integral, 1, None, closed="left")],
        **network_constraints(BinaryAutoencoder, _passed_on),
    }

    def __init__(
        self,
        n_bits: int = 32,
        *,
        similarity_weight: float = 300.0,
        temperature: float = 0.1,
        hidden_layer_sizes: tuple[int, ...] | None = None,
        architecture: str = "mlp",
        image_shape: tuple[int, int, int] | None = None,
        sequence_shape: tuple[int, int] | None = None,
        max_iter: int = 30,
        batch_size: int = 500,
        learning_rate_init: float = 1e-3,
        random_state: Any = None,
        device: str = "auto",
        verbose: bool = False,
    ) -> None:
        self.n_bits = n_bits
        self.similarity_weight = similarity_weight
        self.temperature = temperature
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
    @whole_or_unfitted
    def fit(self, X: Any, y: Any = None, **unsupported: Any) -> SemanticHasher:
        """Train the hashing autoencoder on X (hashing is unsupervised).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Training rows.
        y : None, default=None
            Ignored.

        Returns
        -------
        self : object
        """
        self._validate_params()
        network = BinaryAutoencoder(**self._network_kwargs(latent_dim=int(self.n_bits)))
        self.autoencoder_ = network.fit(X)
        self.n_features_in_ = network.n_features_in_
        remember_fitted_params(self)  # what save keeps (persistence)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "autoencoder_")

    def transform(self, X: Any, y: Any = None) -> np.ndarray:
        """Binary codes of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            Rows to hash, as ``fit`` takes them.
        y : None, default=None
            Not used; there so every aekit model is called alike (``transform(X, y)``).

        Returns
        -------
        codes : ndarray of uint8, shape (n_samples, n_bits)
            0/1 bits.
        """
        check_is_fitted(self)
        return (self.autoencoder_.transform(X) > 0.5).astype(np.uint8)

    def index(self, X: Any) -> HammingIndex:
        """A :class:`HammingIndex` over the codes of X; its ``query(Q, k)`` hashes Q with this
        hasher, and it saves with the hasher inside (``index.save(path)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n_samples, C, H, W) or (n_samples, C, L)
            The database rows, indexed in their order.

        Returns
        -------
        index : HammingIndex
        """
        return HammingIndex(self.transform(X), hasher=self)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``bit0, bit1, ...``: one name per bit of the code.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Checked only, a ValueError otherwise: if given, ``n_features_in_`` names, equal to
            ``feature_names_in_`` when fit saw named columns.

        Returns
        -------
        feature_names_out : ndarray of str objects, shape (n_bits,)
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        # the fitted network's bits: set_params(n_bits=...) after fit sets the next fit's
        return np.asarray([f"bit{i}" for i in range(self.autoencoder_.latent_dim_)], dtype=object)

    # ---- model files (aekit.estimators.persistence): the network as its own document ----------
    def _get_fitted_state(self) -> tuple[dict[str, Any], Any]:
        document, tree = export_estimator(self.autoencoder_)
        return {"autoencoder": document}, {"autoencoder": tree}

    def _set_fitted_state(self, fitted: dict[str, Any], tree: Any, device: str) -> None:
        network = import_estimator(fitted["autoencoder"], tree["autoencoder"], device)
        if not isinstance(network, BinaryAutoencoder) or network.latent_dim != self.n_bits:
            raise ValueError("the stored network is not this hasher's binary autoencoder")
        self.autoencoder_ = network
        self.n_features_in_ = network.n_features_in_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []  # codes are uint8 whatever X was
        return tags
