"""Imputation of missing values with an autoencoder trained on the observed entries."""

from aekit.imputation.imputer import AutoencoderImputer

__all__ = ["AutoencoderImputer"]
