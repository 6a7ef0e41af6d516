"""ONNX export of an autoencoder that reads a table with text columns through its
TabularEncoder: ``aekit export RUN`` of an ``aekit train`` run on such a table writes the
manifest's ``columns`` (as a detector's export does), and its graphs take and give the table's
rows in that layout, reproducing ``aekit score``, ``encode`` and ``reconstruct``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.cli.tables import run_encoder
from aekit.export.table import encode_rows

ort = pytest.importorskip("onnxruntime")
QUICK = ["--epochs", "2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2"]


def table(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "amount": rng.normal(100, 30, n),
            "city": rng.choice(["Oslo", "Rome", "Lima"], n),
            "hour": rng.normal(12, 4, n),
            "channel": rng.choice(["web", "shop"], n),
        }
    )


def run_graph(path, **feed) -> np.ndarray:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feed)[0]


def test_export_of_a_run_on_text_columns_takes_the_tables_rows(tmp_path):
    """(A ConditionalVAE's label passes through the same wrapper untouched; its graphs take
    8 s more to export, so the plain autoencoder stands for every kind here.)"""
    path, run, out = tmp_path / "t.csv", tmp_path / "run", tmp_path / "onnx"
    table(60, 0).to_csv(path, index=False)
    result = CliRunner().invoke(
        app,
        ["train", str(path), "--model", "ae", *QUICK, "--quiet", "--no-figures", "--out", str(run)],
    )
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["export", str(run), "-o", str(out)])
    assert result.exit_code == 0, result.output

    manifest = json.loads((out / "manifest.json").read_text())
    assert [(c["name"], c["kind"], c["start"]) for c in manifest["columns"]] == [
        ("amount", "numeric", 0),
        ("city", "categorical", 1),
        ("hour", "numeric", 4),
        ("channel", "categorical", 5),
    ]
    assert manifest["columns"][1]["categories"] == ["Lima", "Oslo", "Rome"]

    # what `aekit score/encode/reconstruct RUN new.csv` compute, from the Python API
    new = table(50, 1)
    model, encoder = aekit.load(run / "model.safetensors"), run_encoder(run)
    encoded = encoder.transform(new)
    x = encode_rows(manifest, new)  # raw numbers and one-hot: the graph standardizes
    np.testing.assert_array_equal(x[:, [0, 4]], new[["amount", "hour"]].to_numpy(np.float32))

    score = run_graph(out / "score.onnx", x=x)
    np.testing.assert_allclose(score, model.score_samples(encoded), rtol=1e-5, atol=1e-4)
    codes = run_graph(out / "encoder.onnx", x=x)
    np.testing.assert_allclose(codes, model.transform(encoded), atol=1e-5)
    x_hat = run_graph(out / "decoder.onnx", z=codes)
    rebuilt = encoder.inverse_transform(model.inverse_transform(codes))
    np.testing.assert_allclose(x_hat[:, 0], rebuilt["amount"], rtol=1e-5)
    np.testing.assert_allclose(x_hat[:, 4], rebuilt["hour"], rtol=1e-5)
    city = np.array(manifest["columns"][1]["categories"])[x_hat[:, 1:4].argmax(1)]
    np.testing.assert_array_equal(city, rebuilt["city"])  # category probabilities
    np.testing.assert_allclose(x_hat[:, 1:4].sum(1), 1, atol=1e-5)


def test_a_table_encoder_of_another_width_or_kind_is_refused(tmp_path):
    frame = table(40, 0)
    encoder = aekit.TabularEncoder().fit(frame)
    estimator = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2)
    estimator.fit(encoder.transform(frame)[:, :5])
    with pytest.raises(ValueError, match="writes 7 columns but the Autoencoder reads rows of"):
        aekit.export_onnx(estimator, tmp_path / "a", table_encoder=encoder)
    with pytest.raises(TypeError, match="table_encoder is a dict"):
        aekit.export_onnx(estimator, tmp_path / "b", table_encoder={})
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_encode_rows_needs_a_manifest_with_columns():
    with pytest.raises(ValueError, match="has no 'columns': its model reads numbers only"):
        encode_rows({"inputs": {"encoder": {"x": ["batch", 3]}}}, np.zeros((2, 3)))


def test_encode_rows_takes_a_dataframes_columns_by_name(tmp_path):
    # a RUN's table with its id column failed ("could not convert string to float: 'C0000'"),
    # and numeric columns in another order were read by position, silently (user audit)
    manifest = {
        "columns": [
            {"name": "amount", "kind": "numeric", "start": 0},
            {"name": "city", "kind": "categorical", "start": 1, "categories": ["Lima", "Oslo"]},
            {"name": "hour", "kind": "numeric", "start": 3},
        ]
    }
    plain = pd.DataFrame({"amount": [5.0, 7.0], "city": ["Oslo", "Lima"], "hour": [1.0, 2.0]})
    expected = [[5, 0, 1, 1], [7, 1, 0, 2]]
    np.testing.assert_array_equal(encode_rows(manifest, plain), expected)
    shuffled = plain[["hour", "city", "amount"]].assign(cid=["C0", "C1"], label=[0, 1])
    np.testing.assert_array_equal(encode_rows(manifest, shuffled), expected)
    np.testing.assert_array_equal(encode_rows(manifest, plain.to_numpy(dtype=object)), expected)
    with pytest.raises(ValueError, match=r"lacks the model's columns \['hour'\]"):
        encode_rows(manifest, plain.drop(columns="hour"))
    with pytest.raises(ValueError, match="table has 2 columns; the model reads 3"):
        encode_rows(manifest, plain.to_numpy(dtype=object)[:, :2])
    # a JSON request's rows, and the manifest as its path (an AttributeError: 'str' ... 'get')
    np.testing.assert_array_equal(encode_rows(manifest, plain.to_dict("records")), expected)
    np.testing.assert_array_equal(encode_rows(manifest, plain.to_dict("list")), expected)
    one = {"amount": 5.0, "city": "Oslo", "hour": 1.0}  # one row, one JSON object
    np.testing.assert_array_equal(encode_rows(manifest, one), expected[:1])
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    np.testing.assert_array_equal(encode_rows(path, plain), expected)
    assert encode_rows(str(path), plain.iloc[:0]).shape == (0, 4)
    # a column twice shifted every column after it: 'city' read 'hour''s numbers
    with pytest.raises(ValueError, match=r"the column\(s\) \['amount'\] more than once"):
        encode_rows(manifest, pd.concat([plain, plain[["amount"]]], axis=1))


def test_encode_rows_refuses_what_the_python_api_refuses():
    # a row with a NaN went into a graph of a model fitted without handle_missing: score NaN,
    # above no threshold, so flagged normal, where predict and 'aekit score' refuse it (user
    # review)
    columns = [
        {"name": "amount", "kind": "numeric", "start": 0},
        {"name": "city", "kind": "categorical", "start": 1, "categories": ["Lima", "Oslo"]},
    ]
    rows = pd.DataFrame({"amount": [5.0, np.nan], "city": ["Oslo", None]})
    with pytest.raises(ValueError, match=r"'amount' has a missing value \(row 1, 0-based\), "
                       "and the model was fitted without handle_missing"):  # fmt: skip
        encode_rows({"columns": columns}, rows)
    with pytest.raises(ValueError, match="'city' has a missing value"):
        encode_rows({"columns": columns}, rows.assign(amount=[5.0, 6.0]))
    masked = encode_rows({"columns": columns, "handle_missing": True}, rows)
    np.testing.assert_array_equal(masked[0], [5, 0, 1])  # NaN for the graph, no category
    assert np.isnan(masked[1, 0]) and (masked[1, 1:] == 0).all()
    with pytest.raises(ValueError, match=r"'amount' holds inf \(row 0, 0-based\), not a finite"):
        encode_rows({"columns": columns}, rows.assign(amount=[np.inf, 1.0], city="Oslo"))
    with pytest.raises(ValueError, match=r"unknown category 'Rome' \(row 0, 0-based; the model "
                       r"knows \['Lima', 'Oslo'\]\)\. The Python API"):  # fmt: skip
        encode_rows({"columns": columns}, rows.assign(amount=1.0, city=["Rome", "Oslo"]))
    # numpy said "could not convert string to float: 'abc'", naming no column or row
    text = rows.assign(amount=pd.Series([5.0, "abc"], dtype=object), city="Oslo")
    with pytest.raises(ValueError, match=r"'amount' holds 'abc' \(row 1, 0-based\), not a number"):
        encode_rows({"columns": columns}, text)
