"""Learned lossy compression: quantized autoencoder codes with an ANS entropy coder."""

from aekit.compression.compressor import Compressor
from aekit.compression.quantized import QuantizingAutoencoder

__all__ = ["Compressor", "QuantizingAutoencoder"]
