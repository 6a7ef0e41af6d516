"""Layer 2: what a model minimises. Reconstruction likelihoods, weighted regularizer terms and
training-time input corruptions, each a small module with a name and a comment citing its
equation, and the objectives that combine them into a loss (``training``, ``missing``,
``semisupervised``): parameter-free objects handed to the model when it is built."""

from aekit.core.objectives.corruption import Corruption
from aekit.core.objectives.likelihoods import (
    BernoulliLikelihood,
    CategoricalGroups,
    GaussianLikelihood,
    Likelihood,
    choose_likelihood,
    make_likelihood,
)
from aekit.core.objectives.missing import MaskedReconstruction, observed_entries
from aekit.core.objectives.regularizers import (
    ContractivePenalty,
    KLDivergence,
    KLSparsity,
    L1Sparsity,
    Term,
    jacobian_frobenius_sq,
)
from aekit.core.objectives.semisupervised import UNLABELLED, SemiSupervisedBound
from aekit.core.objectives.training import (
    DynamicBinarization,
    ImportanceWeightedBound,
    Objective,
    PenalizedReconstruction,
    importance_weighted_bound,
)

__all__ = [
    "UNLABELLED",
    "BernoulliLikelihood",
    "CategoricalGroups",
    "ContractivePenalty",
    "Corruption",
    "DynamicBinarization",
    "GaussianLikelihood",
    "ImportanceWeightedBound",
    "KLDivergence",
    "KLSparsity",
    "L1Sparsity",
    "Likelihood",
    "MaskedReconstruction",
    "Objective",
    "PenalizedReconstruction",
    "SemiSupervisedBound",
    "Term",
    "choose_likelihood",
    "importance_weighted_bound",
    "jacobian_frobenius_sq",
    "make_likelihood",
    "observed_entries",
]
