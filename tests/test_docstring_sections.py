"""The public estimators' numpydoc sections say what the code has, for every class of
``aekit.__all__`` and each public method aekit defines on it: a method's "Parameters" names
exactly its signature's parameters (each described, its default said) and a method that returns
something has "Returns"; a class's "Parameters" names exactly its ``__init__``'s, its docstring
is its own and ends without a blank line, and its "Attributes" names (and describes) every
attribute a fit leaves. numpydoc is not a dependency, so the sections are read here with a small
parser of ``inspect.getdoc``'s text."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
from sklearn.datasets import load_digits

import aekit
from aekit import registry
from aekit.estimators import BaseAutoencoder

CLASSES = [
    found for name in sorted(registry.PUBLIC) if isinstance(found := registry.resolve(name), type)
]
CLASSES = list(dict.fromkeys(CLASSES))  # VAE is VariationalAutoencoder
SKIPPED = {"self", "cls"}


def entries(doc: str | None) -> dict[str, dict[str, tuple[str, bool]]]:
    """Each numpydoc section's entries by title: name -> (its type, whether an indented
    description follows). An entry is a ``name : type`` or bare ``name`` line at the section's
    indentation; ``a, b : type`` names both."""
    found: dict[str, dict[str, tuple[str, bool]]] = {}
    parts = re.split(r"^(\w[\w ]*)\n-{3,}\n", doc or "", flags=re.MULTILINE)
    for title, body in zip(parts[1::2], parts[2::2]):
        lines = re.findall(r"^([\w*][\w, *]*?)(?: : (.*))?$\n?(^ +\S)?", body, flags=re.MULTILINE)
        found[title] = {
            name.strip(): (kind, bool(described))
            for names, kind, described in lines
            for name in names.split(",")
        }
    return found


def sections(doc: str | None) -> dict[str, list[str]]:
    """The names each numpydoc section lists, by title."""
    return {title: list(names) for title, names in entries(doc).items()}


def public_methods(cls: type) -> list[tuple[str, object]]:
    """The public methods that aekit defines (a property or a scikit-learn method is not)."""
    methods = []
    for name in dir(cls):
        member = inspect.getattr_static(cls, name)
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        if inspect.unwrap(member).__module__.startswith("aekit"):
            methods.append((name, getattr(cls, name)))
    return methods


def signature_names(function) -> list[str]:
    kinds = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return [
        name
        for name, p in inspect.signature(function).parameters.items()
        if name not in SKIPPED and p.kind not in kinds
    ]


METHODS = [(cls, name, method) for cls in CLASSES for name, method in public_methods(cls)]


@pytest.mark.parametrize(
    "cls, name, method", METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS]
)
def test_a_method_documents_exactly_its_parameters(cls, name, method):
    documents_its_parameters(method)


def documents_its_parameters(function) -> None:
    """Assert that ``function``'s "Parameters" names exactly its signature's parameters, each
    described, its default said, and that it has "Returns" (or "Yields") if it returns."""
    signature = inspect.signature(function)
    expected = signature_names(function)
    found = entries(inspect.getdoc(function))
    documented = found.get("Parameters", {})
    assert set(expected) <= set(documented), f"undocumented: {set(expected) - set(documented)}"
    assert set(documented) <= set(expected), f"not parameters: {set(documented) - set(expected)}"
    for parameter in expected:  # described, and its default said
        kind, described = documented[parameter]
        assert described, f"{parameter} has no description"
        if signature.parameters[parameter].default is not inspect.Parameter.empty:
            assert re.search(r"default=|optional", kind), f"{parameter}: no default in {kind!r}"
    if signature.return_annotation not in ("None", None, inspect.Signature.empty):
        assert "Returns" in found or "Yields" in found, "no Returns section"


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_a_class_documents_exactly_its_init_parameters(cls):
    assert "__doc__" in vars(cls) and cls.__doc__, "no docstring of its own"
    assert not re.search(r"\n[ \t]*\n\s*$", cls.__doc__), "ends with a blank line"
    documented = sections(inspect.getdoc(cls)).get("Parameters", [])
    assert documented == signature_names(cls.__init__)


def test_the_base_autoencoder_has_its_own_docstring():
    doc = vars(BaseAutoencoder).get("__doc__") or ""
    assert "VariationalAutoencoder" in doc and "ConditionalVAE" in doc


X, Y = load_digits(return_X_y=True)
X, Y = X[:200] / 16.0, Y[:200]
TINY = dict(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
KINDS = [kind for kind in CLASSES if issubclass(kind, BaseAutoencoder)]


def _ae():
    return aekit.Autoencoder(latent_dim=2, **TINY)


FITS = {
    **{kind.__name__: lambda kind=kind: kind(latent_dim=2, **TINY).fit(X, Y) for kind in KINDS},
    "AnomalyDetector": lambda: aekit.AnomalyDetector(estimator=_ae(), n_estimators=1).fit(X),
    "SeriesAnomalyDetector": lambda: aekit.SeriesAnomalyDetector(window=20, estimator=_ae()).fit(
        np.sin(np.arange(300) / 5.0)
    ),
    "AutoencoderImputer": lambda: aekit.AutoencoderImputer(n_estimators=1, **TINY).fit(X),
    "SemanticHasher": lambda: aekit.SemanticHasher(4, **TINY).fit(X),
    "Compressor": lambda: aekit.Compressor(2, **TINY).fit(X),
    "FineTunedClassifier": lambda: aekit.FineTunedClassifier(
        _ae().fit(X), max_iter=2, random_state=0
    ).fit(X, Y),
    "FineTunedRegressor": lambda: aekit.FineTunedRegressor(
        _ae().fit(X), max_iter=2, random_state=0
    ).fit(X, Y / 9),
    "TabularEncoder": lambda: aekit.TabularEncoder().fit(X[:, :5]),
}


@pytest.mark.parametrize("name", sorted(FITS))
def test_every_fitted_attribute_is_documented(name):
    est = FITS[name]()
    documented = entries(inspect.getdoc(type(est))).get("Attributes", {})
    public = [n for n in dir(est) if n.endswith("_") and not n.startswith("_")]
    properties = [n for n in public if isinstance(inspect.getattr_static(est, n), property)]
    fitted = {n for n in vars(est) if n in public} | set(properties)
    assert sorted(fitted - set(documented)) == []  # named in the Attributes section...
    undescribed = [n for n, (_, described) in documented.items() if not described]
    assert undescribed == []  # ...and each of them described
