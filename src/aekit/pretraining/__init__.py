"""Pretraining: an autoencoder's encoder, trained without labels, fine-tuned with a new head on
the labelled rows, as a scikit-learn classifier or regressor."""

from aekit.pretraining.finetuned import FineTunedClassifier, FineTunedRegressor

__all__ = ["FineTunedClassifier", "FineTunedRegressor"]
