"""Data in: the bundled and file-backed datasets, input checks, and the tabular encoding."""

from aekit.data.datasets import load_array, load_digits, load_mnist

__all__ = ["load_array", "load_digits", "load_mnist"]
