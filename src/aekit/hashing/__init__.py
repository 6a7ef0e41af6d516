"""Semantic hashing and Hamming-distance retrieval."""

from aekit.hashing.binary import BinaryAutoencoder, BinaryLatent, NeighbourContrast
from aekit.hashing.hasher import SemanticHasher
from aekit.hashing.index import HammingIndex, hamming_distances, load_index, pack_codes

__all__ = [
    "BinaryAutoencoder",
    "BinaryLatent",
    "HammingIndex",
    "NeighbourContrast",
    "SemanticHasher",
    "hamming_distances",
    "load_index",
    "pack_codes",
]
