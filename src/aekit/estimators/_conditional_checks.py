"""After a ConditionalVAE's fit: a warning when its code carries almost nothing beyond the
label (its KL term under :data:`LABEL_ONLY_KL` nats a row). Its reconstructions then beat each
label's mean row, so the convergence check (:mod:`aekit.estimators._convergence`) passes, but
the decoder draws about one row per label: a new user's "generate a 7" drew sixteen identical
sevens (KL 0.69 nats; pixel spread of the samples 0.044 against the real sevens' 0.165).
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from aekit.warning_lines import caller_level

# nats a row: the digits, 100 epochs, beta=1 settle at 0.93 (samples of a 7 spread 0.064, the
# data's 0.165), beta=0.5 at 2.4 (0.093); 20 epochs at 0.10 (0.003)
LABEL_ONLY_KL = 1.0


class LabelOnlyCheck:
    """Mixin of :class:`aekit.ConditionalVAE`, ahead of the convergence check in the MRO."""

    def _warn_if_no_better_than_mean(self, X_model, y_index: torch.Tensor | None) -> bool:
        if super()._warn_if_no_better_than_mean(X_model, y_index):  # said first: not learned
            return True
        kl = float((getattr(self, "history_", {}).get("kl") or [np.inf])[-1])
        if float(self.beta) == 0 or not kl < LABEL_ONLY_KL:  # NaN: no figure to say
            return False
        warnings.warn(
            f"{self._shown_name}: its code carries {kl:.2g} nats a row beyond the label (its KL "
            "term), so it says little more than the label: its samples of one label come out "
            "nearly alike ('generate a 7' draws about one 7; predict is not affected). To "
            "generate, fit with a smaller beta (beta=0.5) or a KL warm-up (kl_warmup=10), or "
            "more epochs (the digits, 100 epochs: 0.93 nats at beta=1, 2.4 at beta=0.5).",
            UserWarning,
            stacklevel=caller_level(),
        )
        return True
