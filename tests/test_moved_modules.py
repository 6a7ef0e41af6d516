"""Module paths from before the layered layout still import, as the very modules that moved."""

import importlib

import pytest

import aekit
from aekit._moved import MOVED


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_an_old_module_path_imports_the_module_that_moved(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)


def test_names_from_old_paths_work_as_before():
    from aekit.datasets import load_digits
    from aekit.metrics import conditional_accuracy  # noqa: F401
    from aekit.tabular import TabularEncoder

    X, _ = load_digits()
    assert X.shape == (1797, 64)
    assert TabularEncoder is aekit.TabularEncoder
    assert aekit.datasets.load_digits is aekit.data.load_digits


def test_an_unknown_attribute_of_aekit_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        aekit.nope  # noqa: B018
