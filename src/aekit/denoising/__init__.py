"""Denoising: the test noises and the quality measure around :class:`aekit.DenoisingAutoencoder`."""

from aekit.denoising.noise import NOISES, corrupt, psnr, psnr_of_mse

__all__ = ["NOISES", "corrupt", "psnr", "psnr_of_mse"]
