"""The registry names exactly aekit's public objects, and model files may only name estimators."""

from __future__ import annotations

import pytest

import aekit
from aekit import registry


@pytest.mark.parametrize("name", sorted(set(aekit.__all__) - {"__version__", "datasets"}))
def test_every_public_name_resolves_through_the_registry(name):
    assert name in registry.PUBLIC
    assert getattr(aekit, name) is registry.resolve(name)


def test_public_names_are_the_registrys():
    assert set(aekit.__all__) == {*registry.PUBLIC, "__version__", "datasets"}


def test_model_file_classes_are_classes_that_save():
    for name in registry.MODEL_FILE_CLASSES:
        cls = registry.find_class(name)
        assert isinstance(cls, type) and cls.__name__ == name
        assert callable(cls.save)


@pytest.mark.parametrize("name", ["NoSuchAutoencoder", "load", "load_index", "os:system", "", 3])
def test_find_class_refuses_unknown_names_and_functions(name):
    with pytest.raises(ValueError, match="unknown"):
        registry.find_class(name)


@pytest.mark.parametrize("name", ["TabularEncoder", "HammingIndex", "VAE", "load"])
def test_model_files_name_only_estimators_that_save(name):
    with pytest.raises(ValueError, match="unknown estimator class"):
        registry.model_file_class(name)


def test_cli_aliases_name_model_file_classes():
    assert registry.CLI_MODELS["cvae"] == "ConditionalVAE"
    assert set(registry.CLI_MODELS.values()) <= registry.MODEL_FILE_CLASSES
