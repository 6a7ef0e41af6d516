"""Layer 4: train M networks of one architecture at once, each as :func:`aekit.core.train.train`
would train it alone (a file of its own: the one loop of the trainer stays the reference, and
this is its ensemble form, used where small members would otherwise train one after another).

Why: the anomaly detector's members are small dense networks. Trained one after another, a
step is a few tiny kernels per member, bound by launches (GPU) or per-op dispatch (CPU). Stacked
with ``torch.func.stack_module_state`` and run under ``torch.vmap``, a step of all M members is
one batched matrix product per layer, one backward pass and one fused Adam step.

The same members as sequential training, up to float rounding:

* Each member keeps its own ``torch.Generator``, drawn in the order ``train`` draws it: the
  validation split, each epoch's permutation, each batch's corruption. The corruption is drawn
  outside ``vmap`` by the member's own corruption module (``vmap`` cannot draw from a given
  generator); the objective then sees the corrupted rows, as ``PenalizedReconstruction`` would.
* The loss is the sum of the members' losses, so the gradient of member m's weights is that of
  its own loss, ``d(sum_j L_j) / d theta_m = dL_m / d theta_m``; Adam is elementwise, and the
  learning-rate schedule depends on the epoch alone: nothing couples the members (no shared
  gradient-norm clipping, no shared plateau decision).
* Early stopping per member, as ``train`` decides it: a member that stops keeps the weights it
  had then (its best on validation, with early stopping) and is frozen; its slice of the stack
  is still computed while the others train, but never read again.

What differs: a batched product adds in another order than one member's product, so weights
agree to float32 rounding after the first step and drift apart by a little more over hundreds of
Adam steps (``tests/test_stacked_training.py`` measures how close).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import torch
from torch import nn

from aekit.core.objectives import PenalizedReconstruction
from aekit.core.train import (
    TrainConfig,
    TrainResult,
    _adam_over,
    _batches,
    _finite_or_raise,
    _split,
    autocast,
    learning_rate_scheduler,
)


def unstackable(module: nn.Module, config: TrainConfig) -> str | None:
    """Why ``module`` (an :class:`aekit.core.model.AutoencoderModel`) cannot be trained by
    :func:`train_stacked` under ``config``, or None when it can."""
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
    if type(getattr(module, "objective", None)) is not PenalizedReconstruction:
        return "only the plain reconstruction objective is stacked"
    if module.latent.stochastic or module.n_classes:
        return "a stochastic or conditional code draws noise inside the network"
    return None


class _Objective(nn.Module):
    """A member's objective on rows its corruption already drew (``x_in``): the loss of
    :class:`PenalizedReconstruction`, whose ``__call__`` is this with ``x_in = corrupt(x)``."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor, x_in: torch.Tensor, epoch: int) -> dict[str, torch.Tensor]:
        model = self.model
        return PenalizedReconstruction.penalized(
            model, x, x_in, None, None, epoch, model.likelihood.nll
        )


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
    step = _stacked_objective(modules[0])
    params, buffers = _stack_state(modules)
    trainable = [p for p in params.values() if p.requires_grad]
    optimizer = _adam_over([{"params": trainable}], config)
    scheduler = learning_rate_scheduler(optimizer, config)
    cast = autocast(config.precision, device)
    members = torch.arange(n_members, device=device)[:, None]

    splits = [_split(data.shape[1], config, g) for g in generators]
    train_rows = None if splits[0][0] is None else torch.stack([s[0] for s in splits])
    val_rows = None if splits[0][1] is None else torch.stack([s[1] for s in splits])
    n_train = data.shape[1] if train_rows is None else train_rows.shape[1]

    results = [TrainResult(n_iter=0) for _ in modules]
    no_improve, best, final = [0] * n_members, [None] * n_members, [None] * n_members
    epoch = 0
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
                terms = step(params, buffers, x, x_in, epoch)
            values = torch.stack([value.detach().float() for value in terms.values()])  # (T, M)
            sums = values * size if sums is None else sums.add_(values, alpha=size)
            optimizer.zero_grad(set_to_none=True)
            terms["loss"].sum().backward()
            optimizer.step()
        scheduler.step()
        names = list(terms)
        train_means = (sums / n_train).T.tolist()  # (M, T)
        val_means = None
        if val_rows is not None:
            with cast:
                val_means = _evaluate(step, params, buffers, data, val_rows, config, epoch).T
            val_means = val_means.tolist()
        for m in range(n_members):
            if final[m] is not None:
                continue
            train = dict(zip(names, train_means[m]))
            val = None if val_means is None else dict(zip(names, val_means[m]))
            if _stops(results[m], train, val, epoch, config, no_improve, best, m, params):
                final[m] = best[m] if best[m] is not None else _member_state(params, m)
        epoch += 1

    for m, module in enumerate(modules):
        state = final[m] if final[m] is not None else best[m] or _member_state(params, m)
        module.load_state_dict({**module.state_dict(), **state})
        module.eval()
    return results


def _stops(result, train, val, epoch, config, no_improve, best, m, params) -> bool:
    """One member's bookkeeping after an epoch, as :func:`aekit.core.train.train` does it:
    the history, the best loss (and weights, on validation) and whether it stops now."""
    _finite_or_raise(train, epoch + 1, config)
    if val is not None:
        _finite_or_raise(val, epoch + 1, config)
    for name, value in train.items():
        result.history.setdefault(name, []).append(value)
    for name, value in (val or {}).items():
        result.history.setdefault(f"val_{name}", []).append(value)
    result.n_iter = epoch + 1
    current = val["loss"] if val else train["loss"]
    in_warmup = epoch < config.patience_start
    improved = current < result.best_loss - config.tol
    no_improve[m] = 0 if in_warmup or improved else no_improve[m] + 1
    if in_warmup or current < result.best_loss:
        result.best_loss = current
        if val:
            best[m] = _member_state(params, m)
    result.stopped_early = no_improve[m] >= config.n_iter_no_change
    return result.stopped_early


def _stacked_objective(module: nn.Module):
    """``step(params, buffers, x, x_in, epoch)``: every member's terms, each of shape (M,),
    from the stacked weights and rows (M, batch, ...). One template network, without its
    corruption (the rows come corrupted), whose weights ``functional_call`` replaces by each
    member's under ``vmap``."""
    template = copy.deepcopy(module)
    template.corruption = None
    objective = _Objective(template)

    def member(params, buffers, x, x_in, epoch):
        return torch.func.functional_call(objective, (params, buffers), (x, x_in, epoch))

    return torch.vmap(member, in_dims=(0, 0, 0, 0, None))


def _stack_state(modules: Sequence[nn.Module]):
    """The members' parameters and buffers stacked on a new first axis (M, ...), named as in
    :class:`_Objective` (the corruption's buffers stay with each member)."""
    params, buffers = torch.func.stack_module_state(list(modules))
    params = {f"model.{name}": value for name, value in params.items()}
    buffers = {
        f"model.{name}": value
        for name, value in buffers.items()
        if not name.startswith("corruption.")
    }
    return params, buffers


def _member_state(params: dict[str, torch.Tensor], m: int) -> dict[str, torch.Tensor]:
    """Member m's weights, copied out of the stack, named as in its own network."""
    return {
        name.removeprefix("model."): value[m].detach().clone() for name, value in params.items()
    }


def _corrupted(modules, x: torch.Tensor, generators, final) -> torch.Tensor:
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
def _evaluate(step, params, buffers, data, val_rows, config, epoch) -> torch.Tensor:
    """Each member's mean terms (T, M) over its validation rows, as
    :func:`aekit.core.train.evaluate` computes them (no corruption, batches of 4 x batch_size)."""
    members = torch.arange(len(val_rows), device=data.device)[:, None]
    totals: torch.Tensor | None = None
    for index, size in _batches(val_rows.shape[1], 4 * config.batch_size):
        x = data[members, val_rows[:, index]]
        terms = step(params, buffers, x, x, epoch)
        values = torch.stack([value.detach().float() for value in terms.values()]) * size
        totals = values if totals is None else totals + values
    return totals / val_rows.shape[1]
