"""Denoising: the test noises and the quality measure around :class:`aekit.DenoisingAutoencoder`."""

from aekit.denoising.noise import NOISES, corrupt, psnr

__all__ = ["NOISES", "corrupt", "psnr"]
