"""A model file written by the command line records verbose as Python's default, False: the
command sets it from --quiet for its own progress bar, and ``aekit.load`` of a trained RUN
gave a model whose every refit in a notebook drew a bar, unasked."""

from cli_helpers import invoke, ok

import aekit


def test_a_trained_run_loads_with_verbose_false(tmp_path):
    out = tmp_path / "RUN"
    ok(invoke("train", "digits", "--epochs", "1", "--param", "latent_dim=2", "--no-figures",
              "--out", out))  # fmt: skip
    model = aekit.load(out / "model.safetensors")
    assert model.verbose is False
    assert "verbose" not in repr(model)


def test_the_demo_model_loads_with_verbose_false(tmp_path):
    ok(invoke("demo", "--epochs", "1", "--out", tmp_path / "d"))
    assert aekit.load(tmp_path / "d" / "model.safetensors").verbose is False
