"""The estimators' docstring Examples run as doctests, print what they say, and warn of
nothing: with ``max_iter=5`` (``3`` for the ConditionalVAE) a copy-paste user's first fit said
that the model had not learned (ConvergenceWarning)."""

import doctest
import warnings

import pytest

import aekit

EXAMPLES = [aekit.Autoencoder, aekit.Compressor, aekit.ConditionalVAE]


@pytest.mark.parametrize("cls", EXAMPLES, ids=lambda cls: cls.__name__)
def test_a_class_example_runs_without_a_warning(cls):
    (test,) = doctest.DocTestFinder(recurse=False).find(cls, cls.__name__, globs={})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning fails the example's line
        result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
    assert result.attempted >= 4 and result.failed == 0
