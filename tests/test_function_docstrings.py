"""The public functions (``aekit``'s and ``aekit.viz``'s) document their parameters as the
estimators' methods do (:mod:`test_docstring_sections`): a numpydoc "Parameters" section naming
exactly the signature's parameters, each described with its default said, and "Returns" (or
"Yields") where the function returns something. ``aekit.load``, ``load_index`` and
``write_outputs`` had prose alone, and ``ax``, ``title`` and others of the figures were
undocumented."""

from __future__ import annotations

import inspect

import pytest
from test_docstring_sections import documents_its_parameters

import aekit
import aekit.viz

FUNCTIONS = [
    (f"aekit.{name}", found)
    for name in aekit.__all__
    if inspect.isfunction(found := getattr(aekit, name, None))
] + [(f"aekit.viz.{name}", getattr(aekit.viz, name)) for name in aekit.viz.__all__]


def test_the_functions_are_found():
    names = {name for name, _ in FUNCTIONS}
    assert {"aekit.load", "aekit.write_outputs", "aekit.viz.loss_curves"} <= names


@pytest.mark.parametrize("name, function", FUNCTIONS, ids=[n for n, _ in FUNCTIONS])
def test_a_public_function_documents_exactly_its_parameters(name, function):
    documents_its_parameters(function)
