"""Bad parameters are named with their value; every accepted container just works; errors leave
nothing half-written on disk; the other checks of what a caller passes."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import CPU
from sklearn.exceptions import ConvergenceWarning

import aekit

# --- parameters ----------------------------------------------------------------------------------


# Messages must name the parameter and its value (whatever else they say): scikit-learn's for a
# value outside a parameter's constraints, aekit's own for the rules across parameters.
def rejected(name: str, value: object) -> str:
    """scikit-learn's message for a value outside the constraints of parameter ``name``."""
    return rf"The '{name}' parameter of \w+ must be .*\. Got {re.escape(repr(value))} instead\."


BAD_PARAMS = [
    (aekit.Autoencoder, {"latent_dim": 0}, rejected("latent_dim", 0)),
    (aekit.Autoencoder, {"latent_dim": 2.5}, rejected("latent_dim", 2.5)),
    # a bool is an int to Python: True crashed torch in one estimator, fitted as 1 in another
    (aekit.Autoencoder, {"latent_dim": True}, rejected("latent_dim", True)),
    (aekit.VAE, {"latent_dim": True}, rejected("latent_dim", True)),
    (aekit.VAE, {"beta": True}, rejected("beta", True)),
    (aekit.Autoencoder, {"architecture": "foo"}, rejected("architecture", "foo")),
    (aekit.Autoencoder, {"hidden_layer_sizes": (0,)}, r"hidden_layer_sizes=\(0,\)"),
    (aekit.Autoencoder, {"hidden_layer_sizes": 0}, rejected("hidden_layer_sizes", 0)),
    (aekit.Autoencoder, {"hidden_layer_sizes": "64"}, rejected("hidden_layer_sizes", "64")),
    (aekit.Autoencoder, {"categorical_groups": ((0, 1),)}, r"categorical_groups=\(\(0, 1\),\)"),
    (aekit.Autoencoder, {"max_iter": 0}, rejected("max_iter", 0)),
    (aekit.Autoencoder, {"batch_size": 0}, rejected("batch_size", 0)),
    (aekit.Autoencoder, {"validation_fraction": 1.5}, rejected("validation_fraction", 1.5)),
    (aekit.Autoencoder, {"activation": "foo"}, rejected("activation", "foo")),
    (aekit.Autoencoder, {"likelihood": "foo"}, rejected("likelihood", "foo")),
    (aekit.Autoencoder, {"device": "tpu"}, rejected("device", "tpu")),
    (aekit.DenoisingAutoencoder, {"noise": "foo"}, rejected("noise", "foo")),
    (aekit.DenoisingAutoencoder, {"noise": "masking", "noise_level": 2}, r"noise_level=2"),
    (aekit.DenoisingAutoencoder, {"noise_schedule": "foo"}, rejected("noise_schedule", "foo")),
    (aekit.SparseAutoencoder, {"sparsity": "foo"}, rejected("sparsity", "foo")),
    (
        aekit.SparseAutoencoder,
        {"sparsity": "kl", "sparsity_target": 2},
        rejected("sparsity_target", 2),
    ),
    (aekit.VariationalAutoencoder, {"beta": -1.0}, rejected("beta", -1.0)),
    (aekit.VariationalAutoencoder, {"kl_warmup": -1}, rejected("kl_warmup", -1)),
    (aekit.VariationalAutoencoder, {"binarize": True}, rejected("binarize", True)),
]


@pytest.mark.parametrize("kind, params, message", BAD_PARAMS)
def test_invalid_params(kind, params, message, digits):
    with pytest.raises(ValueError, match=message):
        kind(**{**CPU, **params}).fit(digits[0])


def test_a_bool_is_no_count_for_any_estimator(digits):
    # (numpy's np.True_ is no Integral to scikit-learn; Python's True is one)
    for kind, name in ((aekit.SemanticHasher, "n_bits"), (aekit.AutoencoderImputer, "max_iter")):
        with pytest.raises(ValueError, match=rejected(name, True)):
            kind(**{name: True}).fit(digits[0])
    aekit.Autoencoder(**{**CPU, "verbose": True, "early_stopping": True}).fit(digits[0])  # flags


def test_bernoulli_needs_data_in_unit_interval(digits):
    with pytest.raises(
        ValueError, match=r"likelihood='bernoulli' needs data in \[0, 1\].*\[0, 3\]"
    ):
        aekit.Autoencoder(**CPU, likelihood="bernoulli").fit(digits[0] * 3)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_gpu(digits):
    with pytest.raises(ValueError, match="device='cuda' but PyTorch sees no GPU"):
        aekit.Autoencoder(**{**CPU, "device": "cuda"}).fit(digits[0])


def _takes_a_device():
    """Every estimator of aekit's table whose parameters include ``device``."""
    from aekit import registry

    found = [registry.resolve(name) for name in registry.PUBLIC]
    kinds = [k for k in found if "device" in getattr(k, "_parameter_constraints", {})]
    assert len(kinds) >= 10  # the autoencoders, the composites, the fine-tuned ones
    return kinds


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_a_gpu_is_named_as_torch_names_it(digits):
    # "cuda:N" and torch.device("cuda", N) pass every estimator's checks, as torch takes them,
    # and then meet the very message "cuda" does on a machine without one.
    for kind in _takes_a_device():
        for device in ("cuda:1", "cuda:0", torch.device("cuda", 1), "cpu"):
            kind(device=device)._validate_params()
        with pytest.raises(ValueError, match=rejected("device", "cuda:x")):
            kind(device="cuda:x")._validate_params()
    with pytest.raises(ValueError, match=r"'cuda' or 'cuda:N' \(N a GPU index\) or an instance"):
        aekit.Autoencoder(device="cuda:")._validate_params()
    for device, name in [("cuda:1", "cuda:1"), (torch.device("cuda", 1), "cuda:1")]:
        with pytest.raises(ValueError, match=f"device='{name}' but PyTorch sees no GPU"):
            aekit.Autoencoder(**{**CPU, "device": device}).fit(digits[0])
    with pytest.raises(ValueError, match="device='cuda:1' but PyTorch sees no GPU"):
        aekit.AutoencoderImputer(device="cuda:1", max_iter=1).fit(digits[0])
    with pytest.raises(ValueError, match=r"device='cuda:x' is not supported; use 'auto'"):
        aekit.load("never-read.safetensors", device="cuda:x")


@pytest.mark.parametrize("kind", [aekit.Autoencoder, aekit.SparseAutoencoder, aekit.ConditionalVAE])
def test_unknown_constructor_argument(kind):
    with pytest.raises(TypeError, match=r"got an unexpected keyword argument 'n_components'"):
        kind(latent_dim=2, n_components=3)


def test_denoising_params_are_not_shared():
    with pytest.raises(TypeError, match="noise_level"):
        aekit.Autoencoder(noise_level=0.1)


# --- accepted containers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "convert",
    [
        torch.from_numpy,
        lambda X: torch.from_numpy(X).double().requires_grad_(),
        lambda X: X.tolist(),
        lambda X: pd.DataFrame(X),
        lambda X: X.astype(np.float64),
        lambda X: (X > 0.5).astype(np.int64),
        lambda X: X > 0.5,
    ],
    ids=["tensor", "tensor-grad", "list", "DataFrame", "float64", "int", "bool"],
)
def test_accepted_containers(convert, digits):
    X = convert(digits[0][:20])
    model = aekit.Autoencoder(**CPU).fit(X)
    Z = model.transform(X)
    assert isinstance(Z, np.ndarray)
    assert Z.shape == (20, 4)
    assert Z.dtype == np.float32
    assert model.inverse_transform(Z).shape == (20, 64)
    assert model.score_samples(X).shape == (20,)
    assert model.n_features_in_ == 64


def test_feature_names_from_dataframe(digits):
    X = digits[0][:20]
    columns = [f"pixel_{i}" for i in range(64)]
    model = aekit.Autoencoder(**CPU).fit(pd.DataFrame(X, columns=columns))
    assert isinstance(model.feature_names_in_, np.ndarray)
    assert list(model.feature_names_in_) == columns
    assert model.transform(pd.DataFrame(X, columns=columns)).shape == (20, 4)
    assert list(model.get_feature_names_out()) == ["z0", "z1", "z2", "z3"]
    reordered = pd.DataFrame(X[:, ::-1], columns=columns[::-1])
    with pytest.raises(ValueError, match="columns seen in fit in another order") as caught:
        model.transform(reordered)
    # 64 names do not fit the message: the fix it gives is one to run, not a list cut by '...'
    assert "pass them in fit's order: X[list(model.feature_names_in_)]" in str(caught.value)
    np.testing.assert_array_equal(
        model.transform(reordered[list(model.feature_names_in_)]),
        model.transform(pd.DataFrame(X, columns=columns)),
    )


def test_no_feature_names_from_arrays(fitted):
    assert not hasattr(fitted, "feature_names_in_")


def test_tensor_images(images):
    model = aekit.Autoencoder(**{**CPU, "hidden_layer_sizes": (4, 8)}, architecture="conv")
    model.fit(torch.from_numpy(images))
    assert model.transform(torch.from_numpy(images)).shape == (len(images), 4)
    assert model.reconstruct(images).shape == images.shape


def test_a_cpu_device_with_an_index_is_the_cpu(digits):
    # torch.device("cpu", 0) is the CPU, as torch takes it (it was refused as 'cpu:0').
    model = aekit.Autoencoder(**{**CPU, "device": torch.device("cpu", 0)}).fit(digits[0][:50])
    assert next(model.model_.parameters()).device.type == "cpu"


def test_a_column_whose_variation_float32_rounds_away_is_warned_of():
    # values around 1e6 varying by 0.01 became steps of 0.06: the detector flagged nothing and
    # the autoencoder reconstructed every row alike, without a word (user review). The
    # autoencoders and the detector now standardize such columns in float64
    # (test_float64_precision.py); the fine-tuned networks still read float32 rows, and say so.
    from aekit.cli.errors import for_the_command_line

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=(200, 5)), 1e6 + 0.01 * rng.normal(size=200)])
    y = (X[:, 0] > 0).astype(int)
    quick = {"max_iter": 2, "random_state": 0, "device": CPU["device"]}
    quick["autoencoder"] = aekit.Autoencoder(**CPU)  # fitted on X first, as float32 rows
    frame = pd.DataFrame(X, columns=[*"abcde", "balance"])
    classifier = aekit.FineTunedClassifier(**quick)
    with pytest.warns(UserWarning, match=r"column 'balance' varies by about 0\.0097") as caught:
        classifier.fit(frame, y)
    line = for_the_command_line(str(caught[0].message))
    assert line.startswith("DATA's column 'balance'") and "X.mean" not in line
    # float32's own step at 1e6 (it said "its variation is lost", where a step can be 3% of it)
    assert re.search(r"has steps of 0\.062 \(6\d\d% of that variation\)", line), line
    with pytest.warns(UserWarning, match=r"X's column 5 varies"):
        aekit.FineTunedClassifier(**quick).fit(X, y)
    with warnings.catch_warnings():  # the offset taken away, or a wide spread: nothing to say
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # two epochs, on purpose
        aekit.FineTunedClassifier(**quick).fit(X - X.mean(axis=0), y)
        aekit.FineTunedClassifier(**quick).fit(np.column_stack([X[:, :5], 1e6 * X[:, 0]]), y)


def test_three_axes_in_another_layout_are_refused():
    # (n, H, W, C) images reshaped to (n, 20, 3) were scored as the model's (3, 4, 5) images
    imgs = np.random.default_rng(0).random((30, 3, 4, 5)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        conv = aekit.Autoencoder(**CPU, architecture="conv").fit(imgs)
        flat = aekit.Autoencoder(**CPU).fit(imgs.reshape(30, -1))
        gray = aekit.Autoencoder(**CPU, architecture="conv").fit(imgs[:, :1])
    other = imgs.transpose(0, 2, 3, 1).reshape(30, 20, 3)
    with pytest.raises(ValueError, match=r"rows of shape \(20, 3\), but the model was fitted on "
                       r"images of shape \(3, 4, 5\): pass \(n, C, H, W\) images or their flat "
                       r"rows \(n, 60\)\."):  # fmt: skip
        conv.reconstruct(other)
    with pytest.raises(ValueError, match=r"fitted on rows of 60 features: pass them as \(n, 60\)"):
        flat.transform(other)
    assert gray.transform(imgs[:, 0]).shape == (30, 4)  # (n, H, W) of a one-channel model
    np.testing.assert_array_equal(gray.transform(imgs[:, 0]), gray.transform(imgs[:, :1]))


@pytest.mark.parametrize("container", ["ndarray", "DataFrame", "list"])
def test_the_imputer_refuses_complex_values(container):
    # the imaginary part was dropped with numpy's ComplexWarning and a complex array returned
    X = np.array([[1 + 1j, 2.0], [3.0, 4.0], [5.0, 6.0]])
    given = {"ndarray": X, "DataFrame": pd.DataFrame(X), "list": X.tolist()}[container]
    with pytest.raises(ValueError, match="Complex data not supported: X is complex"):
        aekit.AutoencoderImputer(max_iter=1).fit(given)


def test_rows_scaled_on_other_rows_are_told_to_clip_or_refit():
    # MinMaxScaler -> Autoencoder: test rows a little outside [0, 1] were told to "scale X as
    # its training data was scaled", as they were
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe = make_pipeline(MinMaxScaler(), aekit.Autoencoder(**CPU)).fit(rng.random((50, 6)))
    with pytest.raises(ValueError, match=r"MinMaxScaler\) fall outside, far where .*: clip them "
                       r"too \(MinMaxScaler\(clip=True\) does, in a pipeline as well\), or refit "
                       r"with likelihood='gaussian'"):  # fmt: skip
        pipe.transform(1.1 * rng.random((5, 6)))
    clipped = make_pipeline(MinMaxScaler(clip=True), aekit.Autoencoder(**CPU))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clipped.fit(rng.random((50, 6)))
    assert np.isfinite(clipped.transform(1.1 * rng.random((5, 6)))).all()  # the advice works


@pytest.mark.parametrize("kind", ["Compressor", "SemanticHasher"])
def test_an_estimator_without_a_likelihood_parameter_is_not_told_to_set_one(digits, kind):
    # the network inside a Compressor or SemanticHasher advised "refit with
    # likelihood='gaussian'", which neither takes (TypeError)
    from aekit.cli.errors import for_the_command_line

    estimator = getattr(aekit, kind)(max_iter=1, random_state=0, device=CPU["device"])
    estimator.fit(digits[0])
    apply = estimator.compress if kind == "Compressor" else estimator.index
    with pytest.raises(ValueError, match=r"needs data in \[0, 1\], but X ranges over") as caught:
        apply(digits[0] * 10)
    assert "likelihood=" not in str(caught.value).split("ranges over")[1]
    assert "DenoisingAutoencoder" not in str(caught.value)
    line = for_the_command_line(str(caught.value), set())
    assert line.endswith(
        "scale DATA as the training data was scaled (clip noisy values to [0, 1])."
    ), line


def test_uint8_pixels_are_said_to_get_a_gaussian(digits):
    # Keras' tutorials divide pixels by 255; forgetting it chose a Gaussian silently, whose
    # samples ran from -95 to 341.
    X = np.round(digits[0] * 255).astype(np.uint8)
    with pytest.warns(UserWarning, match=r"X is uint8 .* divide X by 255") as said:
        model = aekit.Autoencoder(**CPU).fit(X)
    assert model.likelihood_ == "gaussian" and said[0].filename == __file__
    from aekit.cli.errors import for_the_command_line

    on_the_command_line = for_the_command_line(str(said[0].message), set())
    assert on_the_command_line.startswith("DATA is uint8") and "X" not in on_the_command_line
    assert "--param likelihood=gaussian to keep this model" in on_the_command_line
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        aekit.Autoencoder(**CPU).fit(X / 255)  # [0, 1]: Bernoulli, nothing to say
        aekit.Autoencoder(**CPU, likelihood="gaussian").fit(X)  # chosen: nothing to say


def test_messages_name_the_argument_the_caller_gave(fitted_cvae, digits):
    # "y has 2 labels but X has 3 rows" from sample (no X), "Z is empty" from traverse (no Z),
    # "X has 4 features" for a wrong X_normal, said after every member had trained
    X, _ = digits
    label = fitted_cvae.classes_[0]
    with pytest.raises(ValueError, match=r"^y has 2 labels but n_samples is 3\.$"):
        fitted_cvae.sample(3, y=[label, label])
    # one label in a list counts rows; the one label for all is given bare (image review)
    one = rf"^y has 1 label but n_samples is 3 \(one label for every row: y={label.item()!r}\)\.$"
    with pytest.raises(ValueError, match=one):
        fitted_cvae.sample(3, y=[label])
    with pytest.raises(ValueError, match=r"^y has 2 labels but Z has 3 rows\.$"):
        fitted_cvae.inverse_transform(np.zeros((3, fitted_cvae.latent_dim)), [label, label])
    with pytest.raises(ValueError, match=r"^values is empty; give the values each unit takes"):
        fitted_cvae.traverse(X[0], [], y=label)
    with pytest.raises(ValueError, match=r"^values holds nan; give finite values"):
        fitted_cvae.traverse(X[0], [np.nan, 0], y=label)  # was "Z has 8 values that are not"
    detector = aekit.AnomalyDetector(threshold="validation", n_estimators=1)
    with pytest.raises(ValueError, match=r"^X_normal has 3 features, but AnomalyDetector is "):
        detector.fit(X[:50], X_normal=X[:10, :3])


def test_sequences_of_another_length_name_the_shapes():
    # (n, 2, 30) for a model of (2, 33) said "X has 60 features, but ... is expecting 66"
    X = np.random.default_rng(0).random((20, 2, 33)).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = aekit.Autoencoder(**CPU, architecture="conv1d").fit(X)
    said = r"^X has sequences of shape \(2, 30\) but the model was fitted on \(2, 33\): crop, "
    with pytest.raises(ValueError, match=said + r"pad or resample each to 33 steps\.$"):
        model.transform(X[:5, :, :30])


def test_cvae_labels_of_mixed_types_and_column_vectors_are_said(digits):
    # [1, 'a', ...] became all text without a word (1 and '1' one class), and a (n, 1) y was
    # taken without scikit-learn's DataConversionWarning
    from sklearn.exceptions import DataConversionWarning

    X, y = digits
    mixed = [int(v) if i % 2 else f"c{v}" for i, v in enumerate(y)]
    with pytest.raises(ValueError, match=r"^y mixes numbers and text \(\d and 'c\d'\)"):
        aekit.ConditionalVAE(**CPU).fit(X, mixed)
    with pytest.warns(DataConversionWarning, match="A column-vector y was passed"):
        aekit.ConditionalVAE(**CPU).fit(X, y.reshape(-1, 1))
    text_with_unlabelled = [f"c{v}" if i % 3 else -1 for i, v in enumerate(y)]
    assert aekit.ConditionalVAE(**CPU).fit(X, text_with_unlabelled).semi_supervised_


def test_review_edges_of_this_change(digits, fitted_cvae):
    # blank and '-1' labels beside numbers are unlabelled marks, not text; decoding under -1
    # says what it needs; complex values behind __array__ and pandas extension dtypes
    from aekit.data.validation import reject_complex

    X, y = digits
    marked = [int(v) if i % 4 else ("" if i % 8 else "-1") for i, v in enumerate(y % 2)]
    assert aekit.ConditionalVAE(**CPU).fit(X, marked).semi_supervised_
    label = fitted_cvae.classes_[0]
    with pytest.raises(ValueError, match=r"y marks 1 rows unlabelled .* decoding needs a label"):
        fitted_cvae.inverse_transform(np.zeros((2, fitted_cvae.latent_dim)), [label, -1])
    reject_complex(pd.Series([1, None], dtype="Int64"))  # an extension dtype: no complex values

    class OnlyArray:
        def __array__(self, dtype=None, copy=None):
            return np.array([[1 + 1j, 2.0], [3.0, 4.0], [5.0, 6.0]])

    with pytest.raises(ValueError, match="Complex data not supported"):
        aekit.AutoencoderImputer(max_iter=1).fit(OnlyArray())


def test_a_kl_target_with_the_l1_penalty_is_said_to_do_nothing(digits):
    # sparsity_target is the KL penalty's rate: with sparsity="l1" (the default) the codes were
    # the same whatever its value, silently
    with pytest.warns(UserWarning, match=r"sparsity_target=0.2 .* no effect with sparsity='l1'"):
        l1 = aekit.SparseAutoencoder(sparsity_target=0.2, **CPU).fit(digits[0])
    np.testing.assert_array_equal(
        l1.transform(digits[0]), aekit.SparseAutoencoder(**CPU).fit(digits[0]).transform(digits[0])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # with "kl" it is the target: no warning
        warnings.simplefilter("ignore", ConvergenceWarning)  # 2 epochs learn little
        aekit.SparseAutoencoder(sparsity="kl", sparsity_target=0.2, **CPU).fit(digits[0])


def test_invalid_params_leave_no_checkpoint(digits, tmp_path):
    folder = tmp_path / "ck"
    with pytest.raises(ValueError, match=rejected("noise", "foo")):
        aekit.DenoisingAutoencoder(**CPU, noise="foo", checkpoint_dir=folder).fit(digits[0])
    assert not folder.exists() or os.listdir(folder) == []
