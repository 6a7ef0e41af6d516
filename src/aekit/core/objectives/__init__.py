"""Layer 2: what a model minimises. Reconstruction likelihoods, weighted regularizer terms and
training-time input corruptions, each a small module with a name and a comment citing its
equation."""

from aekit.core.objectives.corruption import Corruption
from aekit.core.objectives.likelihoods import (
    BernoulliLikelihood,
    CategoricalGroups,
    GaussianLikelihood,
    Likelihood,
    choose_likelihood,
    make_likelihood,
)
from aekit.core.objectives.regularizers import (
    ContractivePenalty,
    KLDivergence,
    KLSparsity,
    L1Sparsity,
    Term,
    jacobian_frobenius_sq,
)

__all__ = [
    "BernoulliLikelihood",
    "CategoricalGroups",
    "ContractivePenalty",
    "Corruption",
    "GaussianLikelihood",
    "KLDivergence",
    "KLSparsity",
    "L1Sparsity",
    "Likelihood",
    "Term",
    "choose_likelihood",
    "jacobian_frobenius_sq",
    "make_likelihood",
]
