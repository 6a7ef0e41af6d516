"""A compressor's distortion: the training rows' figure recorded at fit and kept in its file,
new rows measured against it (rows of other data warned of, held-out rows not), and ``aekit
compress`` printing it, so a model of other data does not store rows unnoticed."""

import warnings

import numpy as np
import pytest
from conftest import DEVICE
from forged import resign
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.compression import Compressor
from aekit.data.datasets import load_digits


@pytest.fixture(scope="module")
def fitted():
    X, _ = load_digits()
    model = Compressor(8, hidden_layer_sizes=(64,), max_iter=30, random_state=0, device=DEVICE)
    return model.fit(X[:1400]), X[:1400], X[1400:]


def transposed(X):
    """The digits drawn on their side: rows of other data than the training rows."""
    return X.reshape(-1, 8, 8).transpose(0, 2, 1).reshape(len(X), -1)


def test_the_training_error_is_the_training_rows_distortion(fitted):
    model, train, test = fitted
    assert model.training_error_ == pytest.approx(model.distortion(train), rel=1e-6)
    restored = model.decompress(model.compress(test))  # what a user gets back
    assert model.distortion(test) == pytest.approx(np.mean((restored - test) ** 2), rel=1e-5)
    assert model.distortion(test, step=4 * model.step_) > model.distortion(test)
    sampled = model.distortion(test, max_rows=100)  # 100 of the 397 rows
    assert sampled != model.distortion(test) and sampled == model.distortion(test, max_rows=100)
    for wrong in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="max_rows=.* must be a whole number at least 1"):
            model.distortion(test, max_rows=wrong)


def test_rows_of_other_data_are_warned_of_and_held_out_rows_are_not(fitted):
    model, _, test = fitted
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compress(test)
    assert model.distortion(transposed(test)) > 2 * model.training_error_
    with pytest.warns(UserWarning, match=r"times the training rows' .* Check that this is"):
        model.compress(transposed(test))


def test_the_training_error_is_kept_in_the_file_and_checked_as_it_loads(fitted, tmp_path):
    model, _, test = fitted
    path = tmp_path / "c.safetensors"
    model.save(path)
    assert aekit.load(path).training_error_ == model.training_error_

    def set_error(value):
        return lambda header: header["fitted"].__setitem__("training_error", value)

    for value in (-1.0, "0.1", True, 10**400, None):  # 10**400: numpy's words, not ours
        edited = resign(path, tmp_path / "edited.safetensors", set_error(value))
        if value is None:  # as a file written before aekit 0.2: nothing to measure against
            old = aekit.load(edited)
            assert old.training_error_ is None
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                old.compress(transposed(test))
            continue
        with pytest.raises(ValueError, match="training_error"):
            aekit.load(edited)


def test_aekit_compress_prints_the_distortion_beside_the_training_rows(fitted, tmp_path):
    model, _, test = fitted
    model.save(tmp_path / "c.safetensors")
    np.save(tmp_path / "test.npy", test)
    args = ["compress", str(tmp_path / "c.safetensors"), str(tmp_path / "test.npy")]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x.aek")])
    assert result.exit_code == 0, result.output
    said = f"mean squared error {model.distortion(test):.4g} a value; the training rows': "
    assert said + f"{model.training_error_:.4g}" in result.output
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "y.aek"), "--step", "2"])
    assert f"mean squared error {model.distortion(test, step=2.0):.4g} a value\n" in result.output


def test_aekit_compress_takes_step_auto_as_python_does(fitted, tmp_path):
    model, _, test = fitted
    model.save(tmp_path / "c.safetensors")
    np.save(tmp_path / "test.npy", test)
    args = ["compress", str(tmp_path / "c.safetensors"), str(tmp_path / "test.npy")]
    written = tmp_path / "auto.aek"
    assert CliRunner().invoke(app, [*args, "-o", str(written), "--step", "auto"]).exit_code == 0
    assert written.read_bytes() == model.compress(test, step="auto")
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x.aek"), "--step", "fine"])
    assert result.exit_code != 0 and not (tmp_path / "x.aek").exists()
    assert str(result.exception) == "--step must be a number or 'auto'; got 'fine'."


def _counting(monkeypatch, name):
    """Count the rows that pass through ``Compressor.<name>`` (encoding, decoding)."""
    rows = []
    real = getattr(Compressor, name)

    def counted(self, values):
        rows.append(len(values))
        return real(self, values)

    monkeypatch.setattr(Compressor, name, counted)
    return rows


def test_compress_encodes_decodes_and_checks_its_rows_once(fitted, tmp_path, monkeypatch):
    # aekit compress encoded and decoded its sample twice (the warning's figure, then the
    # printed line's), and compress checked an in-memory array whole and then its sample again
    from aekit.compression import compressor

    model, _, test = fitted
    model.save(tmp_path / "c.safetensors")
    np.save(tmp_path / "test.npy", test)
    data, error = model.compress(test, return_distortion=True)
    assert data == model.compress(test) and error == pytest.approx(model.distortion(test))
    encoded, decoded = _counting(monkeypatch, "_codes"), _counting(monkeypatch, "_decode")
    checked = []
    real_check = compressor.as_numeric_array
    monkeypatch.setattr(
        compressor, "as_numeric_array", lambda *a, **k: checked.append(1) or real_check(*a, **k)
    )
    model.compress(test, return_distortion=True)
    assert (sum(encoded), sum(decoded), len(checked)) == (len(test), len(test), 1)
    said = f"mean squared error {model.distortion(test, step=2.0):.4g} a value\n"
    encoded.clear(), decoded.clear()
    args = ["compress", str(tmp_path / "c.safetensors"), str(tmp_path / "test.npy")]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "x.aek"), "--step", "2"])
    assert said in result.output and (sum(encoded), sum(decoded)) == (len(test), len(test))
