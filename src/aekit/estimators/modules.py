"""A fitted autoencoder's networks as standalone torch modules that take raw rows.

:class:`ExportsModules` (a base of :class:`aekit.estimators.BaseAutoencoder`) gives every fitted
autoencoder ``encoder_module()``, ``decoder_module()`` and ``score_module()``: deep copies of its
networks (float32, on the CPU, in eval mode) wrapped with the estimator's input handling, so they
compute ``transform``, ``inverse_transform`` and ``score_samples`` on their own:

* the data's scale is built in: Gaussian data is standardized on the way in and un-standardized
  on the way out (the Bernoulli kinds' [0, 1] data passes as is, and their decoder returns
  probabilities); image models take ``(n, C, H, W)`` or flat ``(n, C*H*W)`` rows;
* a :class:`aekit.ConditionalVAE`'s modules take a second input, the label: class indices
  ``(n,)`` into ``classes_`` (int64; one outside ``0..n_classes-1`` is a ``ValueError``, and
  NaN outputs for its row in a traced or ONNX graph), or one-hot (or soft) rows
  ``(n, n_classes)`` (floats, or the integers or bools of ``torch.nn.functional.one_hot``);
* they are plain modules: they trace with ``torch.export.export``, train with any optimizer,
  and move with ``.to(device)``. Changing them leaves the estimator as it was.

They compute in float32 while the estimator's CPU inference uses a float64 copy, so they agree
to float32 rounding (about 1e-6 on codes). Only the forward computation is copied: training-time
noise (denoising corruption, dynamic binarization) and the classifier of a semi-supervised
ConditionalVAE are not part of them.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from aekit._version import __version__
from aekit.core.model import join_label
from aekit.data.float32 import warn_float32_statistics
from aekit.estimators.module_inputs import LabelledModule, Scaling, check_rows, tracing

# part -> (the module's method, its data input, its output); the label input is "label".
ONNX_PARTS = {
    "encoder": ("encoder_module", "x", "code"),
    "decoder": ("decoder_module", "z", "x_hat"),
    "score": ("score_module", "x", "score"),
}


def _float_copy(module: nn.Module) -> nn.Module:
    return copy.deepcopy(module).to(device="cpu", dtype=torch.float32)


class EncoderModule(LabelledModule):
    """Raw rows ``x`` (and labels ``y``) -> the code: the estimator's ``transform``.

    For a VAE the code is the posterior mean ``mu(x)``; ``forward`` returns it alone.
    """

    def __init__(self, scaling: Scaling, model: nn.Module) -> None:
        super().__init__()
        self.scaling = scaling
        self.encoder = _float_copy(model.encoder)
        self.latent = _float_copy(model.latent)
        # What the encoder reads (missing entries filled, for imputation models): a plain object.
        self.objective = copy.deepcopy(model.objective)
        self.n_classes = int(model.n_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Codes ``(n, latent_dim)`` of raw float32 rows ``x``: flat ``(n, n_features)`` or
        shaped as the network reads them; ``y``, a ConditionalVAE's labels: class indices
        ``(n,)`` into ``classes_`` or one-hot rows ``(n, n_classes)``."""
        rows = self.objective.encoder_input(self.scaling(x))
        return self.latent(self.encoder(join_label(rows, self._label(y, rows)))).mean


class DecoderModule(LabelledModule):
    """Codes ``z`` (and labels ``y``) -> the expected rows on the data's scale: the estimator's
    ``inverse_transform`` (probabilities for Bernoulli data, category probabilities for one-hot
    groups)."""

    def __init__(self, model: nn.Module, unscaling: Scaling, latent_dim: int) -> None:
        super().__init__()
        self.decoder = _float_copy(model.decoder)
        self.likelihood = _float_copy(model.likelihood)
        self.unscaling = unscaling
        self.n_classes = int(model.n_classes)
        self.latent_dim = int(latent_dim)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Expected rows ``(n, n_features)`` on the data's scale of float32 codes ``z``
        ``(n, latent_dim)``; ``y`` as :meth:`EncoderModule.forward`'s."""
        if not tracing():
            dtype = next(self.decoder.parameters()).dtype
            check_rows(z, ((self.latent_dim,),), dtype, "z", "codes")
        output = self.decoder(join_label(z, self._label(y, z)))
        return self.unscaling(self.likelihood.mean(output))


class ScoreModule(LabelledModule):
    """Raw rows ``x`` (and labels ``y``) -> the log-likelihood per row in nats: the estimator's
    ``score_samples`` (given the labels, for a ConditionalVAE), computed by the estimator's own
    per-row function, a VAE's ELBO with the same fixed draws (its ``n_draws``)."""

    def __init__(
        self,
        scaling: Scaling,
        model: nn.Module,
        row_log_likelihood: nn.Module,
        log_det_scale: float,
    ) -> None:
        super().__init__()
        self.scaling = scaling
        self.model = _float_copy(model)
        # fn(model, x, y) (aekit.estimators._inference.RowLogLikelihood): a VAE's fixed draws
        # of eps are its buffer
        self.row_log_likelihood = row_log_likelihood
        self.log_det_scale = float(log_det_scale)
        self.n_classes = int(model.n_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Each row's log-likelihood ``(n,)`` in nats (a VAE's ELBO) of raw float32 rows
        ``x``; ``x`` and ``y`` as :meth:`EncoderModule.forward`'s."""
        rows = self.scaling(x)
        label = self._label(y, rows)  # checked here, so a missing label fails with this message
        return self.row_log_likelihood(self.model, rows, label) + self.log_det_scale


class ExportsModules:
    """Mixin of :class:`aekit.estimators.BaseAutoencoder`: the fitted networks as standalone
    torch modules (see :mod:`aekit.estimators.modules`)."""

    def _scalings(self) -> tuple[Scaling, Scaling]:
        """``(raw rows -> network input, network output -> rows shaped like X)``."""
        n = int(self.n_features_in_)
        # float32, the networks' precision, whatever the statistics' (float64 after float64 rows)
        if self.data_mean_ is not None and self.data_mean_.dtype == np.float64:
            warn_float32_statistics(
                self.data_mean_, self.data_scale_, "Each torch module (and ONNX graph)"
            )
        as_float32 = functools.partial(torch.as_tensor, dtype=torch.float32)
        shift = torch.zeros(n) if self.data_mean_ is None else as_float32(self.data_mean_)
        scale = torch.ones(n) if self.data_scale_ is None else as_float32(self.data_scale_)
        network, data = self._network_shape(), self._data_shape()
        return (
            Scaling(shift, scale, network, data_shape=data),
            Scaling(shift, scale, data, inverse=True),
        )

    def input_shape(self) -> tuple[int, ...]:
        """The shape of one row as ``fit`` saw it: ``(n_features,)``, ``(C, H, W)`` or
        ``(C, L)``.

        Returns
        -------
        shape : tuple of int
        """
        check_is_fitted(self)
        return self._data_shape()

    def encoder_module(self) -> EncoderModule:
        """The encoder as a standalone torch module: raw rows -> codes, as ``transform``.

        A deep copy in float32, on the CPU, in eval mode, with the input's standardization
        (Gaussian data) and reshaping (images) built in. ``module(x)`` takes a float tensor
        shaped like X's rows; a ConditionalVAE's module also takes the labels,
        ``module(x, y)`` with class indices into ``classes_`` or one-hot rows. It traces with
        ``torch.export.export`` and trains like any module; the estimator is not changed.
        It checks the rows' width and dtype but not their values: rows a model of [0, 1]
        data would refuse (pixels 0..255, NaN) go through as given.

        Returns
        -------
        module : EncoderModule

        Examples
        --------
        Fine-tune the encoder in plain PyTorch, here to predict the digit from the code with a
        linear head (a VAE's module returns the posterior mean):

        >>> import torch
        >>> from aekit import VAE
        >>> from aekit.data import load_digits
        >>> X, y = load_digits()
        >>> vae = VAE(latent_dim=8, max_iter=40, random_state=0).fit(X)
        >>> encoder = vae.encoder_module().train()
        >>> head = torch.nn.Linear(8, 10)
        >>> params = [*encoder.parameters(), *head.parameters()]
        >>> optimizer = torch.optim.Adam(params, lr=1e-3)
        >>> x, target = torch.from_numpy(X), torch.from_numpy(y).long()
        >>> for _ in range(5):
        ...     optimizer.zero_grad()
        ...     loss = torch.nn.functional.cross_entropy(head(encoder(x)), target)
        ...     loss.backward()
        ...     optimizer.step()
        >>> encoder(x[:3]).shape
        torch.Size([3, 8])
        """
        check_is_fitted(self)
        return EncoderModule(self._scalings()[0], self.model_).eval()

    def decoder_module(self) -> DecoderModule:
        """The decoder as a standalone torch module: codes -> rows, as ``inverse_transform``.

        A deep copy in float32, on the CPU, in eval mode: ``module(z)`` (``module(z, y)`` for a
        ConditionalVAE) returns the likelihood's expected value on the data's scale
        (standardization undone; probabilities for Bernoulli data), shaped like X's rows.

        Returns
        -------
        module : DecoderModule
        """
        check_is_fitted(self)
        return DecoderModule(self.model_, self._scalings()[1], self.latent_dim_).eval()

    def score_module(self) -> ScoreModule:
        """Each row's log-likelihood as a standalone torch module, as ``score_samples``.

        ``module(x)`` (``module(x, y)`` for a ConditionalVAE: the ELBO given the label) returns
        ``log p(x | h(x))`` for deterministic kinds and the ELBO for VAEs, with the same fixed
        draws of eps as ``score_samples`` (the model's ``n_draws``), in nats, as a density of
        the raw data. As :meth:`encoder_module`, it does not check the values: a Bernoulli
        model's score of rows outside [0, 1] (``score_samples`` refuses them) is no
        log-likelihood at all.

        Returns
        -------
        module : ScoreModule
        """
        check_is_fitted(self)
        scaling = self._scalings()[0]
        fn = self._row_log_likelihood()
        return ScoreModule(scaling, self.model_, fn, self._log_det_scale()).eval()

    def to_onnx(self, path: str | os.PathLike, part: str = "encoder") -> Path:
        """Write one of the fitted networks as an ONNX file that takes raw rows.

        The graph is the module of :meth:`encoder_module`, :meth:`decoder_module` or
        :meth:`score_module` (input scaling included) with a dynamic batch axis; onnxruntime
        reproduces ``transform``, ``inverse_transform`` and ``score_samples`` to float32
        rounding (within 1e-4 on the test models).

        Inputs: ``x`` (float32, ``(batch, *input_shape())``) for ``"encoder"`` and ``"score"``,
        ``z`` (float32, ``(batch, latent_dim)``) for ``"decoder"``; a ConditionalVAE's graphs
        also take ``label`` (int64, ``(batch,)``), the index of each row's label in
        ``classes_``; a graph cannot raise, so an index outside ``0..n_classes-1`` gives that
        row NaN outputs. Outputs: ``code``, ``x_hat`` (shaped like X's rows) or ``score``. The
        model's ``metadata_props`` hold the class, the part, the labels (``classes``, JSON), the
        feature names and the input shape.

        Parameters
        ----------
        path : str or path
            The ``.onnx`` file to write.
        part : {"encoder", "decoder", "score"}, default="encoder"
            Which network: the encoder (rows -> codes), the decoder (codes -> rows) or the
            scoring graph (rows -> ``score_samples``).

        Returns
        -------
        path : Path
            The file written (``~`` expanded).

        Raises
        ------
        ImportError
            Without the optional dependencies (``pip install 'aekit[export]'``).
        RuntimeError
            If torch's ONNX exporter cannot translate an operation of the network.
        """
        if part not in ONNX_PARTS:
            raise ValueError(f"part={part!r} is not supported; use one of {sorted(ONNX_PARTS)}.")
        check_is_fitted(self)
        return write_part(self, getattr(self, ONNX_PARTS[part][0])(), path, part)

    def _onnx_metadata(self, part: str) -> dict[str, str]:
        """What a reader of the ONNX file needs besides the graph, as JSON strings."""
        from aekit.estimators.persistence import to_json

        names = getattr(self, "feature_names_in_", None)
        classes = getattr(self, "classes_", None)
        return {
            "aekit_version": __version__,
            "class": type(self).__name__,
            "part": part,
            "input_shape": json.dumps(list(self.input_shape())),
            "latent_dim": str(self.latent_dim_),
            "feature_names": json.dumps(None if names is None else [str(n) for n in names]),
            "classes": json.dumps(None if classes is None else to_json(classes)),
        }


def write_part(
    estimator: ExportsModules, module: nn.Module, path: str | os.PathLike, part: str
) -> Path:
    """``module`` as the ONNX file of the fitted ``estimator``'s ``part``, with that part's
    example inputs, input and output names and metadata (see
    :meth:`ExportsModules.to_onnx`). ``module`` is the part's own module, or one wrapped around
    it that takes and gives tensors of the same shapes (:mod:`aekit.export`'s table layout)."""
    from aekit.core.onnx import export_onnx

    _, data_name, output = ONNX_PARTS[part]
    rows = (2, estimator.latent_dim_) if part == "decoder" else (2, *estimator.input_shape())
    inputs, names = [torch.zeros(rows)], [data_name]
    if module.n_classes:
        inputs.append(torch.zeros(2, dtype=torch.int64))
        names.append("label")
    metadata = estimator._onnx_metadata(part)
    return export_onnx(module, inputs, path, names, [output], metadata)
