"""Layer 4: train M networks of one architecture at once, each as :func:`aekit.core.train.train`
would train it alone (a file of its own: the one loop of the trainer stays the reference, and
this is its ensemble form, used where small members would otherwise train one after another).

Why: the anomaly detector's members are small dense networks. Trained one after another, a
step is a few tiny kernels per member, bound by launches (GPU) or per-op dispatch (CPU). Here
each linear layer of the M members becomes one grouped layer holding their M weight matrices
(``_GroupedLinear``: ``torch.baddbmm``), so a step of all M members is one batched matrix
product per layer, one backward pass and one fused Adam step over the stacked weights. (The same
under ``torch.vmap`` of ``torch.func.functional_call`` over ``torch.func.stack_module_state``
costs twice as long a step on a CPU, in the interpreter: dense networks do not need it.)

The same members as sequential training, up to float rounding:

* Each member keeps its own ``torch.Generator``, drawn in the order ``train`` draws it: the
  validation split, each epoch's permutation, each batch's corruption. The corruption is drawn
  by the member's own corruption module, one member at a time; the grouped network then sees
  the corrupted rows, as ``PenalizedReconstruction`` would.
* The loss is the sum of the members' losses, so the gradient of member m's weights is that of
  its own loss, ``d(sum_j L_j) / d theta_m = dL_m / d theta_m``; Adam is elementwise, and the
  learning-rate schedule depends on the epoch alone: nothing couples the members (no shared
  gradient-norm clipping, no shared plateau decision).
* Early stopping per member, as ``train`` decides it: a member that stops keeps the weights it
  had then (its best on validation, with early stopping) and is frozen; its slice of the stack
  is still computed while the others train, but never read again.

What differs: a batched product may add in another order than one member's product, so the
weights agree to float32 rounding, not bit for bit (on a CPU within 3e-7 after 25 epochs;
``tests/test_stacked_training.py`` holds them to it).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence

import torch
from torch import nn

from aekit.core.divergence import finite_or_raise
from aekit.core.interruption import interruptible
from aekit.core.objectives import PenalizedReconstruction
from aekit.core.optimizers import adam_over, learning_rate_scheduler
from aekit.core.train import TrainConfig, TrainResult, _batches, _split, record_epoch
from aekit.core.training_forward import autocast

State = dict[str, torch.Tensor]  # a member's weights, named as in its own network
Stacks = dict[str, tuple[torch.Tensor, torch.Tensor | None]]  # the stacked weights by layer


def unstackable(module: nn.Module, config: TrainConfig) -> str | None:
    """Why ``module`` (an :class:`aekit.core.model.AutoencoderModel`) cannot be trained by
    :func:`train_stacked` under ``config``, or None when it can: the plain reconstruction
    objective without weighted terms, a deterministic code without labels, and weights in
    linear layers only (activations between them act on any shape)."""
    settings = {
        "checkpoint_path": "a checkpoint",
        "distributed": "distributed training",
        "compile": "compile=True",
        "epoch_order": "a custom epoch order",
        "parameter_groups": "parameter groups",
    }
    for name, what in settings.items():
        if getattr(config, name):
            return f"{what} is trained one network at a time"
    if type(getattr(module, "objective", None)) is not PenalizedReconstruction or len(module.terms):
        return "only the plain reconstruction objective, without weighted terms, is stacked"
    if module.latent.stochastic or module.n_classes:
        return "a stochastic or conditional code is not stacked"
    for name, layer in module.named_modules():
        trained = [p for p in layer.parameters(recurse=False) if p.requires_grad]
        if trained and not isinstance(layer, nn.Linear):
            return f"{name} ({type(layer).__name__}) is not a linear layer"
    return None


class _GroupedLinear(nn.Module):
    """M linear layers on M batches at once: ``y_m = x_m A_m + b_m`` for x (M, batch, in), with
    ``A_m`` member m's ``weight.T`` (M, in, out) and ``b_m`` its bias (M, 1, out), in one
    ``torch.baddbmm``. The stacked tensors are the optimizer's, held here as plain attributes."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        super().__init__()
        self.weight, self.bias = weight, bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.bias is None:
            return torch.bmm(x, self.weight)
        return torch.baddbmm(self.bias, x, self.weight)


def _grouped(modules: Sequence[nn.Module]) -> tuple[nn.Module, Stacks]:
    """One network computing all M members: a copy of the first with each linear layer made a
    :class:`_GroupedLinear` of the M members' weights, and without corruption (its rows come
    corrupted); and those stacked weights by layer name."""
    template = copy.deepcopy(modules[0])
    template.corruption = None
    stacks: Stacks = {}
    for name, layer in list(template.named_modules()):
        if not isinstance(layer, nn.Linear):
            continue
        layers = [module.get_submodule(name) for module in modules]
        weight = torch.stack([one.weight.detach().T for one in layers]).contiguous()
        bias = None
        if layer.bias is not None:
            bias = torch.stack([one.bias.detach() for one in layers])[:, None, :].contiguous()
            bias.requires_grad_()
        template.set_submodule(name, _GroupedLinear(weight.requires_grad_(), bias))
        stacks[name] = (weight, bias)
    return template, stacks


def _terms(model: nn.Module, x: torch.Tensor, x_in: torch.Tensor) -> dict[str, torch.Tensor]:
    """Each member's terms, shape (M,), for its rows x (M, batch, D) and its encoder's input
    x_in: :class:`PenalizedReconstruction` of a model without weighted terms and with a
    deterministic code (``sample`` is the code), i.e. the batch mean of ``-log p(x | z)``; the
    likelihood sees the M x batch rows as rows."""
    output = model.decode(model.encode(x_in).mean)
    n_members, batch = x.shape[:2]
    nll = model.likelihood.nll(output.flatten(0, 1), x.flatten(0, 1)).view(n_members, batch)
    reconstruction = nll.mean(dim=1)
    return {"loss": reconstruction, "reconstruction": reconstruction}


def train_stacked(
    modules: Sequence[nn.Module],
    X: Sequence[torch.Tensor],
    *,
    config: TrainConfig,
    generators: Sequence[torch.Generator],
) -> list[TrainResult]:
    """Fit ``modules[m]`` on ``X[m]`` with its generator ``generators[m]``, all under ``config``,
    as M calls of :func:`aekit.core.train.train` would (see the module docstring). The X must
    have the same shape and device; the modules one architecture, on that device. Each module
    ends with its trained weights, in eval mode; returns each one's history."""
    for module in modules:
        why = unstackable(module, config)
        if why:
            raise ValueError(
                f"these networks cannot be trained stacked: {why}. Train them one by one."
            )
    if len({(tuple(x.shape), x.device) for x in X}) != 1 or len(X) != len(modules):
        raise ValueError(
            "stacked training needs one X per network, all of one shape on one device; "
            f"got shapes {[tuple(x.shape) for x in X]} for {len(modules)} networks."
        )
    n_members, data = len(modules), torch.stack(list(X))  # (M, n, ...)
    device = data.device
    model, stacks = _grouped(modules)
    trainable = [t for pair in stacks.values() for t in pair if t is not None]
    optimizer = adam_over([{"params": trainable}], config)
    scheduler = learning_rate_scheduler(optimizer, config)
    cast = autocast(config.precision, device)
    members = torch.arange(n_members, device=device)[:, None]

    splits = [_split(data.shape[1], config, g) for g in generators]
    train_rows = None if splits[0][0] is None else torch.stack([s[0] for s in splits])
    val_rows = None if splits[0][1] is None else torch.stack([s[1] for s in splits])
    n_train = data.shape[1] if train_rows is None else train_rows.shape[1]

    results = [TrainResult(n_iter=0) for _ in modules]
    no_improve = [0] * n_members
    best: list[State | None] = [None] * n_members
    final: list[State | None] = [None] * n_members
    epoch = 0
    # A KeyboardInterrupt keeps each member's completed epochs (aekit.core.interruption): the
    # networks get the weights the end of the loop gives them (a stopped member's final ones,
    # else its best on validation so far, else the latest), as train leaves its network's.
    ended = functools.partial(_load_members, modules, stacks, final, best)  # read when called
    with interruptible(results, config.max_iter, then=ended):
        while epoch < config.max_iter and any(state is None for state in final):
            order = torch.stack(
                [
                    torch.randperm(n_train, generator=g, device=g.device)
                    if final[m] is None
                    else torch.arange(n_train, device=device)  # frozen: its stream is not drawn on
                    for m, g in enumerate(generators)
                ]
            )
            if train_rows is not None:
                order = torch.gather(train_rows, 1, order)  # positions in the split -> row ids
            sums: torch.Tensor | None = None
            for index, size in _batches(n_train, config.batch_size):
                x = data[members, order[:, index]]  # (M, batch, ...): each member's own rows
                x_in = _corrupted(modules, x, generators, final)
                with cast:
                    terms = _terms(model, x, x_in)
                values = torch.stack([value.detach().float() for value in terms.values()])  # (T, M)
                sums = values * size if sums is None else sums.add_(values, alpha=size)
                optimizer.zero_grad(set_to_none=True)
                terms["loss"].sum().backward()
                optimizer.step()
            scheduler.step()
            names = list(terms)
            assert sums is not None  # terms is set: a batch ran
            train_means = (sums / n_train).T.tolist()  # (M, T)
            val_means = None
            if val_rows is not None:
                with cast:
                    val_terms = _evaluate(model, data, val_rows, config).T
                val_means = val_terms.tolist()
            for m in range(n_members):
                if final[m] is not None:
                    continue
                train = dict(zip(names, train_means[m]))
                val = None if val_means is None else dict(zip(names, val_means[m]))
                if _stops(results[m], train, val, epoch, config, no_improve, best, m, stacks):
                    final[m] = best[m] if best[m] is not None else _member_state(stacks, m)
            epoch += 1

    _load_members(modules, stacks, final, best)
    return results


def _load_members(
    modules: Sequence[nn.Module],
    stacks: Stacks,
    final: Sequence[State | None],
    best: Sequence[State | None],
) -> None:
    """Each network's weights out of the stacks: a stopped member's final ones, else its best
    on validation, else the latest; in eval mode."""
    for m, module in enumerate(modules):
        state = final[m]
        if state is None:
            state = best[m] or _member_state(stacks, m)
        module.load_state_dict({**module.state_dict(), **state})
        module.eval()


def _stops(
    result: TrainResult,
    train: dict[str, float],
    val: dict[str, float] | None,
    epoch: int,
    config: TrainConfig,
    no_improve: list[int],
    best: list[State | None],
    m: int,
    stacks: Stacks,
) -> bool:
    """One member's bookkeeping after an epoch, as :func:`aekit.core.train.train` does it
    (:func:`aekit.core.train.record_epoch`): the history, the best loss (and weights, on
    validation) and whether it stops now."""
    finite_or_raise(train, epoch + 1, config)
    if val is not None:
        finite_or_raise(val, epoch + 1, config)
    no_improve[m], new_best = record_epoch(result, train, val, epoch, config, no_improve[m])
    if new_best and val:
        best[m] = _member_state(stacks, m)
    return result.stopped_early


def _member_state(stacks: Stacks, m: int) -> State:
    """Member m's weights copied out of the stacks, named as in its own network."""
    state = {}
    for name, (weight, bias) in stacks.items():
        state[f"{name}.weight"] = weight[m].detach().T.clone()
        if bias is not None:
            state[f"{name}.bias"] = bias[m, 0].detach().clone()
    return state


def _corrupted(
    modules: Sequence[nn.Module],
    x: torch.Tensor,
    generators: Sequence[torch.Generator],
    final: Sequence[State | None],
) -> torch.Tensor:
    """Each training member's rows through its own corruption and generator (drawn as ``train``
    draws them, one batch at a time); a member without corruption, or frozen, sees x."""
    if all(module.corruption is None for module in modules):
        return x
    return torch.stack(
        [
            x[m]
            if module.corruption is None or final[m] is not None
            else module.corruption(x[m], generators[m])
            for m, module in enumerate(modules)
        ]
    )


@torch.no_grad()
def _evaluate(
    model: nn.Module, data: torch.Tensor, val_rows: torch.Tensor, config: TrainConfig
) -> torch.Tensor:
    """Each member's mean terms (T, M) over its validation rows, as
    :func:`aekit.core.train.evaluate` computes them (no corruption, batches of 4 x batch_size)."""
    members = torch.arange(len(val_rows), device=data.device)[:, None]
    totals: torch.Tensor | None = None
    for index, size in _batches(val_rows.shape[1], 4 * config.batch_size):
        x = data[members, val_rows[:, index]]
        terms = _terms(model, x, x)
        values = torch.stack([value.detach().float() for value in terms.values()]) * size
        totals = values if totals is None else totals + values
    assert totals is not None  # a validation split has rows (see aekit.core.train._split)
    return totals / val_rows.shape[1]
