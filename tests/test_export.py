"""ONNX export: onnxruntime reproduces the Python API on 1,000 rows for every kind of
autoencoder (``to_onnx``) and for an anomaly detector's whole score (``aekit.export_onnx``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from conftest import CPU
from test_modules import KINDS, kind_data

import aekit
from aekit.core.onnx import export_onnx, require
from aekit.data.datasets import load_digits
from aekit.export.table import encode_rows

ort = pytest.importorskip("onnxruntime")
N_ROWS = 1000


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def rows_of(which: str) -> np.ndarray:
    """1,000 rows of the type the kind was fitted on (it saw only 120 of them)."""
    if which == "gaussian":
        rows = np.random.RandomState(1).normal(size=(N_ROWS, 6)).astype(np.float32)
        return rows * np.arange(1, 7, dtype=np.float32) + 10.0
    X, _ = load_digits()
    return X[:N_ROWS].reshape(-1, 1, 8, 8) if which == "images" else X[:N_ROWS]


# Every kind, all three graphs; convolutional, the plain autoencoder (every conv op) and the
# encoder and decoder of a ConditionalVAE (the label as constant channels). Each export of a
# VAE's score traces its 16 draws (seconds), so conv VAE scores are left to
# benchmarks/onnx_export.py, which checks every kind and architecture on trained models.
ALL = ("encoder", "decoder", "score")
ONNX_KINDS = {kind: ALL for kind in KINDS if kind not in {"Autoencoder-bernoulli"}}
ONNX_KINDS.pop("VariationalAutoencoder-conv")
ONNX_KINDS["ConditionalVAE-conv"] = ("encoder", "decoder")


@pytest.mark.parametrize("kind", sorted(ONNX_KINDS))
def test_onnxruntime_reproduces_the_python_api(kind, tmp_path):
    cls, params, which = KINDS[kind]
    if "n_draws" in cls().get_params():  # a VAE's score graph traces each draw, 16 by default:
        params = {**params, "n_draws": 2}  # two still check it averages the model's fixed draws
    X, y = kind_data(which)
    conditional = cls is aekit.ConditionalVAE
    estimator = cls(**params).fit(X, y if conditional else None)
    rows = rows_of(which)
    labels = load_digits()[1][:N_ROWS]
    given = (labels,) if conditional else ()
    feed = {"label": np.searchsorted(estimator.classes_, labels)} if conditional else {}

    codes = estimator.transform(rows, *given)
    expected = {
        "encoder": lambda: ({"x": rows}, codes),
        "decoder": lambda: ({"z": codes}, estimator.inverse_transform(codes, *given)),
        "score": lambda: ({"x": rows}, estimator.score_samples(rows, *given)),
    }
    for part in ONNX_KINDS[kind]:
        inputs, want = expected[part]()
        path = estimator.to_onnx(tmp_path / f"{part}.onnx", part=part)
        got = session(path).run(None, {**inputs, **feed})[0]
        assert got.shape == want.shape, part
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-4, err_msg=part)

    meta = session(tmp_path / "encoder.onnx").get_modelmeta().custom_metadata_map
    assert meta["class"] == cls.__name__ and meta["part"] == "encoder"
    assert json.loads(meta["input_shape"]) == list(rows.shape[1:])
    if conditional:
        assert json.loads(meta["classes"]) == estimator.classes_.tolist()


def test_batch_axis_is_dynamic_and_names_are_fixed(tmp_path):
    X, _ = kind_data("gaussian")
    estimator = aekit.VAE(**CPU).fit(X)
    graph = session(estimator.to_onnx(tmp_path / "e.onnx"))
    (x,) = graph.get_inputs()
    assert x.name == "x" and isinstance(x.shape[0], str) and x.shape[1:] == [6]
    assert [o.name for o in graph.get_outputs()] == ["code"]
    for n in (1, 3, 257):
        rows = np.resize(X, (n, X.shape[1]))
        assert graph.run(None, {"x": rows})[0].shape == (n, CPU["latent_dim"])


def test_unknown_part_and_unfitted_models_are_refused(tmp_path):
    with pytest.raises(ValueError, match="part='latent' is not supported"):
        aekit.Autoencoder(**CPU).fit(kind_data("gaussian")[0]).to_onnx(tmp_path / "x", "latent")
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        aekit.Autoencoder().to_onnx(tmp_path / "x.onnx")


def test_an_export_into_a_run_folder_is_refused_as_the_command_line_refuses_it(tmp_path):
    # export_onnx(model, "cvae-run") wrote its graphs and manifest among the run's record
    run = tmp_path / "cvae-run"
    run.mkdir()
    (run / "config.toml").write_text('[model]\nclass = "Autoencoder"\n')
    (run / "command.txt").write_text("aekit train digits --out cvae-run\n")
    model = aekit.Autoencoder(**CPU).fit(kind_data("gaussian")[0])
    with pytest.raises(ValueError, match="cvae-run is a RUN folder of the command line; give"):
        aekit.export_onnx(model, run)
    assert sorted(p.name for p in run.iterdir()) == ["command.txt", "config.toml"]


def test_a_graph_that_fixes_the_batch_is_refused_with_a_clear_error(tmp_path):
    class CountsRows(torch.nn.Module):
        def forward(self, x):
            return x * len(x)  # len() makes the batch a constant of the traced graph

    with pytest.raises(RuntimeError, match="fixed the batch size of input"):
        export_onnx(CountsRows(), [torch.zeros(2, 3)], tmp_path / "c.onnx", ["x"], ["y"])


def test_a_categorical_group_keeps_the_score_graphs_batch_dynamic(tmp_path):
    """The categorical likelihood's per-feature NLL padded its group with zeros sized by
    len(rows), which fixed the score graph's batch: export failed for any model trained on a
    table with a text column (aekit train's one-hot groups)."""
    rng = np.random.RandomState(0)
    numbers = rng.normal(size=(80, 3)) * [1, 5, 20] + 7
    colour = np.eye(3)[rng.randint(0, 3, 80)]  # one-hot in columns 2:5, numbers either side
    X = np.hstack([numbers[:, :2], colour, numbers[:, 2:]]).astype(np.float32)
    estimator = aekit.Autoencoder(categorical_groups=((2, 5),), **CPU).fit(X)
    graph = session(estimator.to_onnx(tmp_path / "score.onnx", part="score"))
    for n in (1, 7, 80):
        got = graph.run(None, {"x": X[:n]})[0]
        np.testing.assert_allclose(got, estimator.score_samples(X[:n]), rtol=0, atol=1e-4)


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch):
    """No folder it created, no temporary files beside it; an existing folder keeps its files
    as they were. (Graphs written before the failure: test_cli_ship, test_io's staged_folder.)"""
    from aekit.core import onnx

    estimator = aekit.Autoencoder(**CPU).fit(kind_data("gaussian")[0])

    def fails(module, inputs, path, *args, **kwargs):
        raise RuntimeError("ONNX export of EncoderModule failed: for the test.")

    monkeypatch.setattr(onnx, "export_onnx", fails)
    with pytest.raises(RuntimeError, match="for the test"):
        aekit.export_onnx(estimator, tmp_path / "new")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(RuntimeError, match="for the test"):
        aekit.export_onnx(estimator, tmp_path / "old")
    assert [p.name for p in tmp_path.iterdir()] == ["old"]
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["manifest.json"]
    assert (tmp_path / "old" / "manifest.json").read_text() == "{}"
    with pytest.raises(TypeError, match="cannot be exported"):  # refused before any file
        aekit.export_onnx(aekit.TabularEncoder(), tmp_path / "refused")
    assert not (tmp_path / "refused").exists()


def test_a_label_index_out_of_range_is_refused_or_nan_never_a_plausible_row(tmp_path):
    """A one-hot made by comparison matched no class for 70 or -1: the module and its graph
    decoded an all-zero label into ordinary-looking rows."""
    X, y = load_digits()
    cvae = aekit.ConditionalVAE(**CPU).fit(X[:100], y[:100])
    module, z = cvae.decoder_module(), cvae.transform(X[:4], y[:4]).astype(np.float32)
    with pytest.raises(ValueError, match=r"label indices must lie in 0\.\.9.*\[70, -1\]"):
        module(torch.from_numpy(z), torch.tensor([70, -1, 3, 0]))
    graph = session(cvae.to_onnx(tmp_path / "decoder.onnx", part="decoder"))
    rows = graph.run(None, {"z": z, "label": np.array([70, -1, 3, 0])})[0]
    assert np.isnan(rows[:2]).all()
    np.testing.assert_allclose(rows[2:], cvae.inverse_transform(z[2:], [3, 0]), atol=1e-5)


def test_log_sigmoid_is_exported_accurately(tmp_path):
    """Binary cross-entropy with logits (the Bernoulli likelihood) goes through log_sigmoid,
    whose default translation onnxruntime computes as -inf below about -17."""

    class BCE(torch.nn.Module):
        def forward(self, logits, x):
            return torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none")

    logits = torch.tensor([[-40.0, -15.0, -10.0, 0.0, 5.0, 40.0]])
    x = torch.tensor([[0.0, 0.2, 1.0, 0.5, 0.3, 1.0]])
    path = export_onnx(BCE(), [logits.repeat(2, 1), x.repeat(2, 1)], tmp_path / "b.onnx", "lx", "n")
    got = session(path).run(None, {"l": logits.numpy(), "x": x.numpy()})[0]
    expected = BCE()(logits.double(), x.double()).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_missing_dependencies_name_the_extra(monkeypatch):
    with pytest.raises(ImportError, match=r"aekit\[export\]"):
        require("onnx", "no_such_module_for_aekit")
    # torch 2.6-2.10 wrote graphs that fail these tests (tried 2026-12-05): refused, named
    monkeypatch.setattr(torch, "__version__", "2.10.0+cu124")
    with pytest.raises(ImportError, match=r"needs torch 2\.11 or later, not 2\.10\.0\+cu124"):
        require("onnx")


# ---- the anomaly detector: its whole score in one graph --------------------------------------
DETECTOR = {"n_estimators": 2, "random_state": 0}
SMALL = {"latent_dim": 2, "hidden_layer_sizes": (16,), "max_iter": 3, "device": "cpu"}


def mixed_table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.RandomState(seed)
    return pd.DataFrame(
        {
            "amount": rng.normal(size=n) * 30 + 100,
            "city": rng.choice(["Oslo", "Rome", "Lima"], n),
            "hour": rng.normal(size=n) * 4 + 12,
        }
    )


def dummies(n: int, seed: int) -> np.ndarray:
    """Numbers, then a categorical column as pandas.get_dummies writes it (found as one)."""
    table = mixed_table(n, seed)
    return pd.get_dummies(table[["amount", "hour", "city"]], dtype=float).to_numpy()


@pytest.mark.parametrize(
    "case", ["numeric", "mixed", "dummies", "vae-elbo", "vae-probability", "input-mean"]
)
def test_detector_graph_reproduces_the_detector(case, tmp_path):
    rng = np.random.RandomState(0)
    if case == "mixed":
        train, test = mixed_table(300, 0), mixed_table(N_ROWS, 1)
        estimator = aekit.Autoencoder(**SMALL)
    elif case == "dummies":
        train, test = dummies(300, 0), dummies(N_ROWS, 1)
        estimator = aekit.Autoencoder(**SMALL)
    else:
        train, test = rng.normal(size=(300, 5)) * 3 + 1, rng.normal(size=(N_ROWS, 5)) * 4
        estimator = (aekit.VAE if case.startswith("vae") else aekit.Autoencoder)(**SMALL)
    extra = {"score_type": case[4:], "n_draws": 2} if case.startswith("vae") else {}
    if case == "input-mean":  # the input term as the mean distance to its own k nearest
        extra = {"input_neighbors": 4, "input_distance": "mean", "n_neighbors": 9}
        extra["input_weight"] = 2.0  # folded into the term's unit, which the graph reads
    detector = aekit.AnomalyDetector(estimator, **DETECTOR, **extra).fit(train)
    assert (detector.categorical_groups_ == ((2, 5),)) == (case == "dummies")

    manifest_path = aekit.export_onnx(detector, tmp_path)
    manifest = json.loads(manifest_path.read_text())
    assert manifest["class"] == "AnomalyDetector" and manifest["threshold"] == detector.threshold_
    x = encode_rows(manifest, test)
    if case != "mixed":  # numbers go in as they are
        np.testing.assert_array_equal(x, test.astype(np.float32))
    score, flag, probability = session(tmp_path / "detector.onnx").run(None, {"x": x})
    np.testing.assert_allclose(score, detector.anomaly_score(test), rtol=1e-6, atol=1e-4)
    np.testing.assert_array_equal(flag, detector.predict(test) == -1)
    np.testing.assert_allclose(probability, detector.predict_proba(test)[:, 1], atol=1e-4)


def test_export_refuses_what_it_cannot_export(tmp_path):
    with pytest.raises(TypeError, match="cannot be exported to ONNX") as refusal:
        aekit.export_onnx(aekit.TabularEncoder(), tmp_path)
    assert "autoencoder_" not in str(refusal.value)  # it has no network to point at
    # a hasher's network exports, as the refusal says (it spoke of "a composite's inner
    # autoencoder", which named no attribute)
    hasher = aekit.SemanticHasher(n_bits=4, max_iter=1, hidden_layer_sizes=(8,))
    hasher.fit(np.random.default_rng(0).random((40, 6)))
    with pytest.raises(TypeError, match=r"aekit\.export_onnx\(model\.autoencoder_, directory\)"):
        aekit.export_onnx(hasher, tmp_path / "whole")
    aekit.export_onnx(hasher.autoencoder_, tmp_path / "inner")
    assert (tmp_path / "inner" / "encoder.onnx").is_file()
    # an imputer's networks are a list, autoencoders_, which the refusal did not name
    rows = np.random.default_rng(0).normal(size=(40, 3))
    imputer = aekit.AutoencoderImputer(max_iter=1, n_estimators=1).fit(rows)
    with pytest.raises(TypeError, match=r"'aekit impute' .*model\.autoencoders_\[0\]"):
        aekit.export_onnx(imputer, tmp_path / "imputer")
    assert isinstance(imputer.autoencoders_[0], aekit.DenoisingAutoencoder)  # as it says
    # a fine-tuned classifier was told to export its autoencoder_, the one before fine-tuning
    ae = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(8,)).fit(rows)
    tuned = aekit.FineTunedClassifier(ae, max_iter=1).fit(rows, np.arange(40) % 2)
    with pytest.raises(TypeError, match=r"'aekit predict RUN DATA' .* network_ is a torch"):
        aekit.export_onnx(tuned, tmp_path / "tuned")
    from aekit.serve.inference import Served  # serve says the same

    with pytest.raises(TypeError, match=r"not FineTunedClassifier; predict with 'aekit predict"):
        Served(tuned, None)


def test_encode_rows_refuses_an_unknown_category(tmp_path):
    manifest = {
        "inputs": {"x": ["batch", 2]},
        "columns": [{"name": "city", "kind": "categorical", "start": 0, "categories": ["a", "b"]}],
    }
    np.testing.assert_array_equal(encode_rows(manifest, pd.DataFrame({"city": ["b"]})), [[0, 1]])
    with pytest.raises(ValueError, match="unknown category 'z'"):
        encode_rows(manifest, pd.DataFrame({"city": ["z"]}))
