"""What the standalone modules of :mod:`aekit.estimators.modules` take, checked: raw rows
(:class:`Scaling`, flat or of the shape fit saw) and a conditional model's labels
(:class:`LabelledModule`: class indices or one-hot rows). The checks say in words what torch's
own errors did not ("mat1 and mat2 shapes cannot be multiplied"), or caught what torch took
silently (rows of another shape with as many values); a traced graph (torch.export, ONNX) skips
them, as it cannot raise.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from aekit.core.model import one_hot_labels


class Scaling(nn.Module):
    """Raw rows -> the network's input: flatten, ``(x - shift) / scale`` per feature, reshape to
    ``shape``. ``inverse=True`` does the opposite: ``x * scale + shift``, reshaped to the data's
    own shape. Shift 0 and scale 1 (data in [0, 1]) change nothing. ``data_shape``: the shape of
    a row as ``fit`` saw it, taken as well (a dense network's images, (1, 8, 8) for 64 inputs)."""

    shift: torch.Tensor  # buffers, registered in __init__
    scale: torch.Tensor

    def __init__(
        self,
        shift: torch.Tensor,
        scale: torch.Tensor,
        shape: tuple[int, ...],
        inverse: bool = False,
        data_shape: tuple[int, ...] | None = None,
    ) -> None:
        super().__init__()
        self.register_buffer("shift", shift.to(torch.float32))
        self.register_buffer("scale", scale.to(torch.float32))
        self.shape = tuple(int(s) for s in shape)
        self.data_shape = self.shape if data_shape is None else tuple(int(s) for s in data_shape)
        self.inverse = inverse

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.inverse and not tracing():  # torch's own errors named neither fix
            # flat rows, rows as fit saw them, or as the network reads them ((C, H, W), (C, L))
            data_shape = getattr(self, "data_shape", self.shape)  # a module pickled before it
            check_rows(x, (data_shape, self.shape), self.shift.dtype, "x", "rows")
        flat = x.flatten(1)
        flat = flat * self.scale + self.shift if self.inverse else (flat - self.shift) / self.scale
        return flat.reshape(-1, *self.shape)

    def extra_repr(self) -> str:
        return f"shape={self.shape}, inverse={self.inverse}"


def check_rows(
    x: torch.Tensor,
    row_shapes: tuple[tuple[int, ...], ...],
    dtype: torch.dtype,
    name: str,
    what: str,
) -> None:
    """``x`` holds float32 rows (the networks' dtype) flat or of one of ``row_shapes`` (of as
    many values each), else an error
    that says so: torch's were "mat1 and mat2 must have the same dtype" and "The size of tensor
    a (10) must match the size of tensor b (16)". Rows of another shape with as many values
    (an LSTM's (batch, length, channels) for its (batch, channels, length)) were read in the
    wrong order, without a word."""
    if not isinstance(x, torch.Tensor):  # a numpy array has a dtype too, but no .to()
        raise TypeError(
            f"{name} is a {type(x).__module__}.{type(x).__qualname__}; the module takes a torch "
            f"tensor: pass torch.as_tensor({name}, dtype={dtype})."
        )
    if x.dtype != dtype:  # float32, unless the module was converted (.double())
        raise TypeError(
            f"{name} is {x.dtype}; the module computes in {dtype}: pass {name}.to({dtype})."
        )
    width = math.prod(row_shapes[0])  # (numpy's prod breaks a fullgraph torch.compile)
    flat = x.dim() == 2 and x.shape[1] == width
    if not flat and tuple(x.shape[1:]) not in row_shapes:  # an empty batch is a batch
        shapes = [(width,), *row_shapes]
        shown = " or ".join(dict.fromkeys(f"(batch, {_joined(s)})" for s in shapes))
        raise ValueError(
            f"{name} has shape {tuple(x.shape)}; the module takes {what} of {width} values "
            f"each, shaped {shown}."
        )


def _joined(shape: tuple[int, ...]) -> str:
    return ", ".join(map(str, shape))


def tracing() -> bool:
    """Whether torch.export / the ONNX exporter is tracing the module (no data checks then).
    Under ``torch.compile`` the shape and dtype checks stay, as guards (is_compiling, once read
    here, let a transposed batch through); a label's range, a value, gives NaN rows there."""
    # torch < 2.7 has no is_exporting: there export and compile are told apart by neither
    exporting = "is_exporting" if hasattr(torch.compiler, "is_exporting") else "is_compiling"
    return _compiler_says(exporting)


def _compiling() -> bool:
    """Whether torch.compile (or export) is tracing the module."""
    return _compiler_says("is_compiling")


def _compiler_says(question: str) -> bool:
    """``torch.compiler.<question>()``, False on a torch without it (is_compiling: 2.3)."""
    answer = getattr(torch.compiler, question, None)
    return bool(answer and answer())


class LabelledModule(nn.Module):
    """Shared by the modules: the one-hot label of a conditional model, checked."""

    n_classes: int

    def _label(self, y: torch.Tensor | None, x: torch.Tensor) -> torch.Tensor | None:
        """``y`` as one-hot rows in ``x``'s dtype, checked against ``x``'s batch."""
        if not self.n_classes:
            return None
        if y is None:
            raise ValueError(
                f"this module is conditional: pass the labels, class indices (n,) or one-hot "
                f"rows (n, {self.n_classes})."
            )
        if tracing():
            return _one_hot_or_nan(y, self.n_classes).to(x.dtype)
        if not isinstance(y, torch.Tensor):  # numpy: "no attribute ..."
            raise TypeError(
                f"y is a {type(y).__module__}.{type(y).__qualname__}; the module takes a torch "
                "tensor of class indices, positions in the estimator's classes_ "
                "(torch.as_tensor(np.searchsorted(estimator.classes_, y))), or one-hot rows."
            )
        y = self._checked_labels(y, len(x))
        # the range depends on y's values, which a compiled graph cannot branch on: there a label
        # out of range gives NaN outputs, as in an exported graph
        if not y.is_floating_point() and not _compiling():
            wrong = y[(y < 0) | (y >= self.n_classes)][:5].tolist()
            if wrong:
                raise ValueError(
                    f"label indices must lie in 0..{self.n_classes - 1} (positions in the "
                    f"model's classes_), got {wrong}."
                )
        return _one_hot_or_nan(y, self.n_classes).to(x.dtype)

    def _checked_labels(self, y: torch.Tensor, rows: int) -> torch.Tensor:
        """Class indices ``(n,)`` or ``(n, 1)`` (integers), or rows ``(n, n_classes)`` of any
        dtype (``torch.nn.functional.one_hot``'s int64 ones, bool ones, soft floats) as floats;
        anything else, or another count than ``rows``, is said in words, not torch's ("Tensors
        must have same number of dimensions")."""
        k = self.n_classes
        integral = not y.is_floating_point() and y.dtype != torch.bool
        if y.dim() == 2 and y.shape[1] == k and k > 1:
            if not y.is_floating_point() and not _compiling():
                _refuse_rows_not_one_hot(y)  # soft float rows are taken as given
            y = y.float()  # one-hot rows (k = 1: one column of indices reads as below)
        elif integral and (y.dim() == 1 or (y.dim() == 2 and y.shape[1] == 1)):
            y = y.reshape(-1)
        else:
            kind = "floats" if y.is_floating_point() else str(y.dtype)
            hint = {"floats": "floating indices", "torch.bool": "booleans as indices"}
            raise ValueError(
                f"y has shape {tuple(y.shape)} ({kind}); the module takes class indices, "
                f"integers of shape (n,), or one-hot rows of shape (n, {k})"
                + (f" ({hint[kind]}: pass y.long())." if y.dim() == 1 and kind in hint else ".")
            )
        if len(y) != rows:
            raise ValueError(f"y has {len(y)} labels for {rows} rows; give one a row.")
        return y


def _refuse_rows_not_one_hot(y: torch.Tensor) -> None:
    """Integer or bool label rows must be one-hot: 0s and a single 1 a row (a row of 5s, or
    of 1s, ran as a blend of every class, unsaid)."""
    entries_01 = (y == 0) | (y == 1)
    bad = torch.nonzero(~entries_01.all(dim=1) | (y.long().sum(dim=1) != 1)).flatten()
    if len(bad):
        raise ValueError(
            f"y's rows {bad[:5].tolist()} are not one-hot (a single 1, the rest 0): "
            f"{y[bad[0]].tolist()}; pass class indices of shape (n,), or one-hot rows "
            "(torch.nn.functional.one_hot(indices, n_classes))."
        )


def _one_hot_or_nan(y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """One-hot rows of ``y`` (:func:`aekit.core.model.one_hot_labels`). A traced graph (ONNX)
    cannot raise: an index outside 0..n-1 matches no class, so its one-hot row is all zeros
    and dividing by the row's sum makes it NaN, which runs through the network into NaN
    outputs for that row instead of plausible numbers. Valid rows sum to exactly 1, so they
    are unchanged; rows given as floats are taken as given."""
    one_hot = one_hot_labels(y, n_classes)
    if y.is_floating_point():
        return one_hot
    return one_hot / one_hot.sum(dim=1, keepdim=True)
