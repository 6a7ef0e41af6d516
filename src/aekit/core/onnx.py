"""Layer 3: a torch module as an ONNX file with a dynamic batch axis (the optional ``export``
dependencies: ``onnx``, ``onnxscript``; ``onnxruntime`` to run the file).

The graph is captured by ``torch.export`` and translated by torch's ONNX exporter
(``torch.onnx.export(..., dynamo=True)``); the first axis of every input is the batch and may
have any size, the other axes are fixed to the example's. String metadata (the class, the
labels, the feature names) goes into the model's ``metadata_props``, which
``onnxruntime.InferenceSession(path).get_modelmeta().custom_metadata_map`` reads back.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import torch
from torch import nn

from aekit.io.atomic import atomic_write
from aekit.io.paths import user_path

EXPORT_EXTRA = "pip install 'aekit[export]'"  # what installs the exporter's dependencies
# the first torch whose graphs pass tests/test_export*.py (2.6-2.10 were tried and failed them)
MIN_TORCH = (2, 11)


def require(*modules: str) -> None:
    """Raise ``ImportError`` naming the install command when one of ``modules`` is missing."""
    from importlib.util import find_spec

    missing = [m for m in modules if find_spec(m) is None]
    if missing:
        raise ImportError(f"ONNX export needs {', '.join(missing)}: {EXPORT_EXTRA}.")
    found = re.match(r"(\d+)\.(\d+)", torch.__version__)
    assert found is not None  # every torch version starts with major.minor
    major, minor = (int(part) for part in found.groups())
    if (major, minor) < MIN_TORCH:  # the extra asks for it; onnx installed alone does not
        raise ImportError(
            f"ONNX export needs torch {'.'.join(map(str, MIN_TORCH))} or later, not "
            f"{torch.__version__}: earlier exporters write graphs that fail aekit's checks (a "
            "fixed batch size; a Bernoulli model's score -inf for logits below -17). "
            f"{EXPORT_EXTRA} installs one."
        )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter reports each stage, and warns about optional torchvision ops and axis
    names; none of it concerns the user, whose own warnings still show outside this block."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _translations() -> dict:
    """Ops whose default ONNX translation onnxruntime computes inaccurately, with accurate ones.

    ``log_sigmoid`` (in the Bernoulli likelihood: binary cross-entropy with logits decomposes
    into it) becomes ``Log(Sigmoid(x))``, and onnxruntime's Sigmoid loses the small values' digits:
    off by 2e-4 at x = -10, by 0.16 at -15, and -inf below about -17 (onnxruntime 1.32, float32).
    ``-Softplus(-x)`` is the same function and stays within 4e-7.
    """
    from onnxscript import opset18 as op

    # Unannotated on purpose: the exporter reads a translation's type hints (get_type_hints,
    # in the module's namespace) to decide what it accepts, and onnxscript is optional here.
    def log_sigmoid(x):
        return op.Neg(op.Softplus(op.Neg(x)))

    return {torch.ops.aten.log_sigmoid.default: log_sigmoid}


def _check_name(path: Path) -> None:
    """An ONNX graph is not written under another format's name (``x.pkl``, a model's
    ``.safetensors``), which a reader would open as what it is not."""
    from aekit.io.files import OTHER_FORMATS

    suffix = path.suffix.lower()
    if suffix in (OTHER_FORMATS | {".safetensors"}) - {".onnx"}:
        raise ValueError(
            f"cannot write an ONNX graph as {path}: that names a {suffix} file. Give a file "
            f"name ending .onnx, e.g. {path.with_suffix('.onnx')}."
        )


def export_onnx(
    module: nn.Module,
    inputs: Sequence[torch.Tensor],
    path: str | os.PathLike,
    input_names: Sequence[str],
    output_names: Sequence[str],
    metadata: Mapping[str, str] | None = None,
) -> Path:
    """Write ``module`` applied to ``inputs`` as an ONNX file with a dynamic batch axis.

    Parameters
    ----------
    module : nn.Module
        In eval mode; its ``forward`` takes ``inputs`` positionally.
    inputs : sequence of torch.Tensor
        Example inputs with a batch of at least 2 rows (``torch.export`` specializes sizes 0
        and 1).
    path : str or path
        The ``.onnx`` file to write (replaced if it exists).
    input_names, output_names : sequence of str
        The graph's input and output names.
    metadata : mapping of str to str, default=None
        Stored in the model's ``metadata_props``.

    Returns
    -------
    path : Path

    Raises
    ------
    ImportError
        Without ``onnx`` and ``onnxscript``.
    RuntimeError
        When the exporter cannot translate the module; the message names the first failure.
    """
    path = user_path(path)
    _check_name(path)
    require("onnx", "onnxscript")
    import onnx

    batch = torch.export.Dim("batch", min=1)
    dynamic = tuple({0: batch} for _ in inputs)
    try:
        with _quiet(), torch.no_grad():
            program = torch.onnx.export(
                module,
                tuple(inputs),
                dynamo=True,
                input_names=list(input_names),
                output_names=list(output_names),
                dynamic_shapes=dynamic,
                custom_translation_table=_translations(),
                verbose=False,
            )
    except Exception as err:  # the exporter raises many types; the user needs the first line
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RuntimeError(
            f"ONNX export of {type(module).__name__} failed: {first}. The torch exporter "
            "(torch.onnx, dynamo=True) could not translate an operation of this network."
        ) from err
    assert program is not None  # dynamo=True always returns the ONNXProgram
    proto = program.model_proto
    # The exporter falls back to fixed shapes when tracing specializes the batch (e.g. on a
    # len(x)) instead of failing: refuse a graph that would take only the example's batch.
    fixed = [i.name for i in proto.graph.input if not i.type.tensor_type.shape.dim[0].dim_param]
    if fixed:
        raise RuntimeError(
            f"ONNX export of {type(module).__name__} fixed the batch size of input(s) "
            f"{', '.join(fixed)}: the network's code depends on the number of rows."
        )
    for key, value in (metadata or {}).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = str(key), str(value)
    atomic_write(path, lambda tmp: onnx.save_model(proto, tmp))  # never half a file
    return path
