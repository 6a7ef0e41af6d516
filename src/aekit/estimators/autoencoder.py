"""Autoencoder: the plain kind, a bottleneck and nothing else."""

from __future__ import annotations

from typing import Any, ClassVar

from aekit.estimators._base import BaseAutoencoder


class Autoencoder(BaseAutoencoder):
    """Autoencoder trained to reconstruct its input through a bottleneck.

    Undercomplete when ``latent_dim`` is below the number of features (a nonlinear PCA);
    overcomplete otherwise, which warns because nothing stops it learning the identity.

    Parameters
    ----------
    {shared_parameters}
    Attributes
    ----------
    n_features_in_ : int
        Number of features seen in fit (C*H*W for images).
    feature_names_in_ : ndarray of str
        Column names, when X was a DataFrame with string column names.
    image_shape_ : tuple or None
        (C, H, W) of the images, when the data are images.
    likelihood_ : str
        The reconstruction likelihood used, ``"bernoulli"`` or ``"gaussian"``.
    model_ : torch.nn.Module
        The trained :class:`aekit.core.model.AutoencoderModel`.
    n_iter_ : int
        Epochs run.
    loss_curve_ : list of float
        Training loss per epoch (nats per row).
    validation_scores_ : list of float or None
        Minus the validation loss per epoch, when ``early_stopping``.
    history_ : dict of str to list of float
        Every objective term per epoch, training and (``val_`` prefix) validation.

    Examples
    --------
    >>> from aekit import Autoencoder
    >>> from aekit.data.datasets import load_digits
    >>> X, y = load_digits()
    >>> Z = Autoencoder(latent_dim=16, max_iter=5, random_state=0).fit(X).transform(X)
    >>> Z.shape
    (1797, 16)
    """

    _own_params: ClassVar[dict[str, Any]] = {}
