"""One parameter system: every public estimator writes out its ``__init__``, documents each of
its parameters in its docstring, and checks them with scikit-learn's table of constraints."""

from __future__ import annotations

import inspect
import pydoc
import re

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_param_validation

import aekit
from aekit.compression import QuantizingAutoencoder
from aekit.hashing import BinaryAutoencoder

KINDS = [
    aekit.Autoencoder,
    aekit.DenoisingAutoencoder,
    aekit.SparseAutoencoder,
    aekit.ContractiveAutoencoder,
    aekit.VariationalAutoencoder,
    aekit.ConditionalVAE,
]
INNER = [BinaryAutoencoder, QuantizingAutoencoder]
COMPOSITES = [
    aekit.AnomalyDetector,
    aekit.AutoencoderImputer,
    aekit.SemanticHasher,
    aekit.Compressor,
]
PUBLIC = [*KINDS, *INNER, *COMPOSITES, aekit.TabularEncoder]


def documented_parameters(cls: type) -> list[str]:
    """The names of the ``name : type`` lines of the numpydoc "Parameters" section."""
    doc = inspect.getdoc(cls)
    section = doc.split("Parameters\n----------\n", 1)[1]
    section = re.split(r"\n\n\w[\w ]*\n-+\n", section)[0]  # up to the next section
    return re.findall(r"^(\w+) : ", section, flags=re.MULTILINE)


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_the_signature_lists_the_documented_parameters(cls):
    signature = inspect.signature(cls.__init__)
    assert "__signature__" not in vars(cls.__init__)  # written out, not generated
    names = [name for name in signature.parameters if name != "self"]
    assert names == documented_parameters(cls)
    assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name in names:
        assert str(signature.parameters[name]) in text  # help() shows it with its default...
        assert f"{name} : " in text  # ...and its description


@pytest.mark.parametrize("cls", [*KINDS, *INNER], ids=lambda cls: cls.__name__)
def test_the_kinds_share_one_table_of_constraints(cls):
    shared = aekit.estimators.BaseAutoencoder._parameter_constraints
    assert cls._parameter_constraints.items() >= shared.items()


TINY = dict(hidden_layer_sizes=(8,), max_iter=1, random_state=0)
CHECKED = [
    *(kind(latent_dim=2, **TINY) for kind in [*KINDS, *INNER]),
    aekit.AnomalyDetector(estimator=aekit.Autoencoder(latent_dim=2, **TINY), n_estimators=1),
    aekit.AutoencoderImputer(n_estimators=1, **TINY),
    aekit.SemanticHasher(4, **TINY),
    aekit.Compressor(2, **TINY),
]


@pytest.mark.parametrize("estimator", CHECKED, ids=lambda est: type(est).__name__)
def test_scikit_learn_checks_every_parameter(estimator):
    """A constraint for each parameter, and a bad type or value of any of them is scikit-learn's
    InvalidParameterError naming the estimator, the parameter and the value, raised by fit."""
    check_param_validation(type(estimator).__name__, estimator)


def test_a_composite_checks_what_it_passes_on_under_its_own_name():
    with pytest.raises(ValueError, match=r"'batch_size' parameter of SemanticHasher .* Got 0"):
        aekit.SemanticHasher(batch_size=0).fit([[0.0, 1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(0,\)"):
        aekit.Compressor(hidden_layer_sizes=(0,)).fit([[0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("cls", [aekit.Autoencoder, aekit.ConditionalVAE])
def test_an_int_hidden_layer_sizes_is_one_layer_as_in_mlpregressor(cls):
    # hidden_layer_sizes=32 was refused although the README says parameters follow MLPRegressor
    import numpy as np

    X = np.random.default_rng(0).random((40, 6))
    y = np.arange(40) % 2
    one = cls(hidden_layer_sizes=32, max_iter=1, random_state=0).fit(X, y)
    same = cls(hidden_layer_sizes=(32,), max_iter=1, random_state=0).fit(X, y)
    np.testing.assert_array_equal(one.transform(X, y), same.transform(X, y))


@pytest.mark.parametrize(
    "cls, code", [(aekit.Autoencoder, {"latent_dim": 2}), (aekit.SemanticHasher, {"n_bits": 4})]
)
def test_hidden_layer_sizes_takes_any_1d_sequence_of_ints_as_mlpregressor_does(cls, code):
    # np.array([16]) was refused ("must be None, an instance of 'tuple', an instance of
    # 'list' or an int"), though MLPRegressor takes it: an array, or numpy ints in a list
    from sklearn.base import clone

    X = np.random.default_rng(0).random((40, 6))
    reference = cls(hidden_layer_sizes=(16, 8), **code, max_iter=1, random_state=0).fit(X)
    for widths in (np.array([16, 8]), [np.int64(16), np.int32(8)]):
        est = cls(hidden_layer_sizes=widths, **code, max_iter=1, random_state=0)
        twin = clone(est)  # scikit-learn's clone checks that __init__ kept the value as given
        assert twin.get_params()["hidden_layer_sizes"] is not widths
        np.testing.assert_array_equal(twin.get_params()["hidden_layer_sizes"], widths)
        np.testing.assert_array_equal(est.fit(X).transform(X), reference.transform(X))
    for wrong in (np.array([[16, 8]]), [16.0], [16, 0], [(16,), 8], np.array(16), {16}):
        with pytest.raises(ValueError, match=r"must hold ints of at least 1 \(layer widths\)"):
            cls(hidden_layer_sizes=wrong, **code, max_iter=1).fit(X)


def documented_attributes(cls: type) -> list[str]:
    """The names of the ``name : type`` (or ``a, b : type``) lines of "Attributes"."""
    section = inspect.getdoc(cls).split("Attributes\n----------\n", 1)[1]
    section = re.split(r"\n\n\w[\w ]*\n-+\n", section)[0]
    lines = re.findall(r"^(\w+(?:, \w+)*) : ", section, flags=re.MULTILINE)
    return [name for line in lines for name in line.split(", ")]


@pytest.mark.parametrize("cls", KINDS, ids=lambda cls: cls.__name__)
def test_every_kind_documents_the_attributes_fit_leaves(cls):
    """Every kind documents its training record, and every attribute it documents is there
    after fit (``feature_names_in_`` needs a DataFrame's column names)."""
    documented = documented_attributes(cls)
    assert {"n_iter_", "loss_curve_", "history_", "best_loss_", "model_"} <= set(documented)
    X = np.random.default_rng(0).random((40, 6))
    y = np.arange(40) % 2 if cls is aekit.ConditionalVAE else None
    model = cls(latent_dim=2, **TINY).fit(X, y)
    assert all(hasattr(model, name) for name in documented if name != "feature_names_in_")
