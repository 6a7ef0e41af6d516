"""Denoising beats the noisy input (dense and conv); the noise, PSNR and figure helpers; the
``aekit denoise`` and ``aekit impute`` commands."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aekit
from aekit.cli import app
from aekit.denoising import corrupt, psnr
from aekit.viz.denoising import denoising_grid

runner = CliRunner()


def digits():
    X, _ = aekit.data.datasets.load_digits()
    return X.astype(np.float32)  # (1797, 64) in [0, 1]


@pytest.mark.parametrize(
    ("architecture", "noise", "level"),
    [("mlp", "gaussian", 0.3), ("conv", "gaussian", 0.3), ("mlp", "salt_pepper", 0.1)],
)
def test_denoiser_beats_the_noisy_input(architecture, noise, level):
    X = digits()
    train, test = X[:1500], X[1500:]
    extra = {"image_shape": (1, 8, 8), "hidden_layer_sizes": (16, 32), "learning_rate_init": 3e-3}
    kwargs = extra if architecture == "conv" else {"hidden_layer_sizes": (128,)}
    dae = aekit.DenoisingAutoencoder(
        latent_dim=16,
        architecture=architecture,
        noise=noise,
        noise_level=level,
        max_iter=40,
        random_state=0,
        **kwargs,
    ).fit(train)
    noisy = corrupt(test, noise, level, random_state=1)
    cleaned = dae.denoise(noisy)
    # PSNR of the whole test set (pooled MSE): a few images may escape salt-and-pepper noise
    # entirely, and their own PSNR is infinite.
    assert psnr(test[None], cleaned[None])[0] > psnr(test[None], noisy[None])[0] + 1.0


def test_a_noise_level_range_denoiser_saves_loads_and_cleans_medium_and_heavy_noise(tmp_path):
    # DDAE-style training (a level per row from U(0, 0.6)): one model cleans both a medium and a
    # heavy corruption better than the noisy input is, and its file keeps the schedule.
    X = digits()
    dae = aekit.DenoisingAutoencoder(
        latent_dim=16, hidden_layer_sizes=(128,), max_iter=40, noise_level=0.6,
        noise_schedule="uniform", random_state=0, device="cpu",
    ).fit(X[:1500])  # fmt: skip
    test = X[1500:]
    for level in (0.3, 0.6):
        noisy = corrupt(test, "gaussian", level, random_state=1)
        assert psnr(test[None], dae.denoise(noisy)[None])[0] > psnr(test[None], noisy[None])[0] + 1
    dae.save(tmp_path / "m.safetensors")
    loaded = aekit.load(tmp_path / "m.safetensors")
    assert loaded.get_params()["noise_schedule"] == "uniform"
    np.testing.assert_allclose(loaded.denoise(test), dae.denoise(test), rtol=1e-6, atol=1e-6)


def test_corrupt_is_seeded_and_in_range():
    X = np.full((50, 20), 0.5, np.float32)
    a = corrupt(X, "gaussian", 0.5, random_state=3)
    np.testing.assert_array_equal(a, corrupt(X, "gaussian", 0.5, random_state=3))
    assert a.min() >= 0 and a.max() <= 1 and not np.array_equal(a, X)
    masked = corrupt(X, "masking", 0.5, random_state=0)
    assert 0.4 < (masked == 0).mean() < 0.6 and set(np.unique(masked)) == {0.0, 0.5}
    salt = corrupt(X, "salt_pepper", 0.2, random_state=0)
    assert set(np.unique(salt)) == {0.0, 0.5, 1.0} and 0.15 < (salt != 0.5).mean() < 0.25
    with pytest.raises(ValueError, match="noise='blur'"):
        corrupt(X, "blur", 0.1)


def test_corrupt_draws_the_training_corruption_on_the_data_range():
    import torch

    from aekit.core.objectives import Corruption

    X = np.random.default_rng(0).random((40, 30)).astype(np.float32)
    for noise in ("gaussian", "masking", "salt_pepper", "dropout"):
        model = Corruption(noise, 0.3, torch.tensor(0.0), torch.tensor(1.0))
        expected = model(torch.from_numpy(X).double(), torch.Generator().manual_seed(5)).numpy()
        np.testing.assert_allclose(corrupt(X, noise, 0.3, random_state=5), expected, rtol=1e-6)
    # Another range: masking writes ``low``; entries left alone keep their exact values.
    Y = 4 * X - 2
    masked = corrupt(Y, "masking", 0.4, random_state=0, low=-2, high=2)
    hit = masked != Y
    assert 0.3 < hit.mean() < 0.5 and (masked[hit] == -2).all()
    salt = corrupt(Y, "salt_pepper", 0.4, random_state=0, low=-2, high=2)
    assert set(np.unique(salt[salt != Y])) <= {-2.0, 2.0}
    dropped = corrupt(Y, "dropout", 0.5, random_state=0, low=-2, high=2)
    kept = dropped != -2
    np.testing.assert_allclose(dropped[kept], 2 * (Y[kept] + 2) - 2, rtol=1e-6)
    with pytest.raises(ValueError, match="out of range"):
        corrupt(X, "masking", 1.5)


@pytest.mark.parametrize(
    "noise, level, says",
    [
        (
            "gaussian",
            -1.0,
            "the standard deviation of the added noise, a finite number of at least 0",
        ),
        ("gaussian", float("inf"), "the standard deviation"),
        ("gaussian", float("nan"), "the standard deviation"),
        ("masking", 1.5, "the probability that an entry is hidden, in [0, 1)"),
        # every entry hidden: the encoder sees nothing (a new user was told to train longer)
        ("masking", 1.0, "the probability that an entry is hidden, in [0, 1) (at 1 every"),
        ("dropout", 1.0, "the probability that an entry is hidden, in [0, 1)"),
        ("salt_pepper", -0.1, "the probability that an entry is hit, in [0, 1]"),
    ],
)
def test_a_noise_level_out_of_range_says_what_the_level_is(noise, level, says):
    """gaussian:-1 was reported as 'a probability in [0, 1]', and gaussian:inf was taken."""
    from aekit.cli.applications import _noise_spec

    with pytest.raises(ValueError) as caught:
        corrupt(np.zeros(3), noise, level)
    start = f"level={level!r} is out of range for noise={noise!r}: it is "
    assert str(caught.value).startswith(start) and says in str(caught.value)
    spec = f"{noise}:{level}"
    with pytest.raises(ValueError, match=rf"^--add-noise {re.escape(spec)}: the LEVEL of {noise} "):
        _noise_spec(spec)
    assert _noise_spec(f"{noise}:0.5") == (noise, 0.5)


def test_psnr_matches_its_definition():
    clean = np.zeros((2, 4))
    estimate = np.array([[0.1] * 4, [0.2] * 4])
    np.testing.assert_allclose(psnr(clean, estimate), [20.0, 10 * np.log10(1 / 0.04)])
    # one flat image is one figure (it was 4, one per pixel, inf where a pixel matched)
    np.testing.assert_allclose(psnr(clean[0], estimate[0]), [20.0])
    with pytest.raises(ValueError, match="shape"):
        psnr(np.zeros((0, 4)), np.zeros((0, 4)))
    # clean images of 0..255 against the default range of 1 gave about -37 dB without a word
    images = np.array([[0, 128, 255, 64]], dtype=np.uint8)
    with pytest.raises(ValueError, match="clean spans 255, more than data_range=1"):
        psnr(images, images / 255)
    np.testing.assert_allclose(psnr(images, images + 2.55, data_range=255), [40.0])
    # a NaN in the estimate gave NaN figures without a word
    broken = estimate.copy()
    broken[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"estimate holds 1 value that is not finite .* \(1, 2\)"):
        psnr(clean, broken)
    with pytest.raises(ValueError, match="clean holds 1 value that is not finite"):
        psnr(broken, clean)


def test_denoising_grid_draws_three_labelled_rows():
    import matplotlib

    matplotlib.use("Agg")
    X = digits()[:8]
    ax = denoising_grid(X, X, X, image_shape=(1, 8, 8))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["noisy", "denoised", "clean"]


def test_denoise_command_writes_images_figure_and_run_figure(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        ["train", "digits", "--model", "dae", "--param", "max_iter=2", "--param",
         "hidden_layer_sizes=[16]", "--quiet", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (out / "figures" / "denoising.png").exists()
    png, npy, fig = tmp_path / "clean.png", tmp_path / "clean.npy", tmp_path / "fig.png"
    args = ["denoise", str(out), "digits", "--add-noise", "gaussian:0.3"]
    result = runner.invoke(app, [*args, "-o", str(npy), "--figure", str(fig)])
    assert result.exit_code == 0, result.output
    assert np.load(npy).shape == (1797, 1, 8, 8) and fig.stat().st_size > 0  # as denoise gives
    assert runner.invoke(app, [*args, "-o", str(png)]).exit_code == 0 and png.exists()
    bad = runner.invoke(app, ["denoise", str(out), "digits", "--add-noise", "x", "-o", str(npy)])
    assert bad.exit_code != 0


def clipped_gaussian_mse(x, sigma, low=0.0, high=1.0):
    """E[(clip(x + e, low, high) - x)^2] for e ~ N(0, sigma^2), per entry of x: with
    a = (low - x) / sigma, b = (high - x) / sigma and z = e / sigma, sigma^2 times
    int_a^b z^2 phi(z) dz = Phi(b) - Phi(a) - (b phi(b) - a phi(a)), plus a^2 Phi(a) and
    b^2 (1 - Phi(b)) for the noise clipped to the bounds."""
    from scipy.stats import norm

    a, b = (low - x) / sigma, (high - x) / sigma
    inside = norm.cdf(b) - norm.cdf(a) - (b * norm.pdf(b) - a * norm.pdf(a))
    return sigma**2 * (inside + a**2 * norm.cdf(a) + b**2 * norm.sf(b))


def printed_psnr(output: str) -> tuple[float, float]:
    found = re.search(r"PSNR against the clean rows: noisy (\S+) dB, denoised (\S+) dB", output)
    assert found, output
    return float(found[1]), float(found[2])


def test_denoise_with_add_noise_prints_the_psnr_of_the_noisy_and_the_denoised_rows(tmp_path):
    # It printed only the file written: how well the model cleaned was left to the user.
    X = digits()
    dae = aekit.DenoisingAutoencoder(
        latent_dim=16,
        hidden_layer_sizes=(128,),
        max_iter=30,
        learning_rate_init=3e-3,
        random_state=0,
        device="cpu",
    ).fit(X.reshape(-1, 1, 8, 8))  # an image model, as 'aekit train digits' makes
    dae.save(tmp_path / "dae.safetensors")
    args = ["denoise", str(tmp_path / "dae.safetensors"), "digits", "--add-noise", "gaussian:0.3"]
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "c.npy")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"denoised 1797 rows: {tmp_path / 'c.npy'}\n")  # as before
    noisy, denoised = printed_psnr(result.output)
    # The noisy rows' PSNR is the analytic one of Gaussian noise clipped to [0, 1] (12.865 dB
    # here; 1797 x 64 draws put the measured MSE within about 0.5% of its expectation).
    expected = 10 * np.log10(1.0 / clipped_gaussian_mse(X.astype(np.float64), 0.3).mean())
    assert noisy == pytest.approx(expected, abs=0.05)
    assert denoised > noisy + 2  # 16.15 dB against 12.87 when written
    assert "further from the clean ones" not in result.output
    # an untrained model's rows further from the clean ones than the noise's: said (9.89 dB
    # against 13.48 in a user's run printed no word)
    dae.set_params(max_iter=1, learning_rate_init=1e-6).fit(X.reshape(-1, 1, 8, 8))
    dae.save(tmp_path / "untrained.safetensors")
    untrained = runner.invoke(app, ["denoise", str(tmp_path / "untrained.safetensors"),
                                    *args[2:], "-o", str(tmp_path / "u.npy")])  # fmt: skip
    assert printed_psnr(untrained.output)[1] < printed_psnr(untrained.output)[0]
    assert "the model has not learned to denoise these" in untrained.output
    # A PNG grid cleans its first 256 rows alone: their PSNR, said so
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "c.png")])
    assert result.exit_code == 0, result.output
    assert "on the first 256 rows, those denoised" in result.output
    assert printed_psnr(result.output)[1] > printed_psnr(result.output)[0]
    # without --add-noise there are no clean rows to compare with: nothing printed
    clean = runner.invoke(app, [*args[:3], "-o", str(tmp_path / "d.npy")])
    assert clean.exit_code == 0 and "PSNR" not in clean.output, clean.output


def test_impute_command_fills_a_mixed_csv_and_reuses_the_model(tmp_path):
    rng = np.random.default_rng(0)
    size = rng.normal(size=200)
    frame = pd.DataFrame(
        {"size": size, "double": 2 * size, "kind": np.where(size > 0, "big", "small")}
    )
    frame.loc[::5, "double"] = np.nan
    frame.loc[1::7, "kind"] = None
    source = tmp_path / "holes.csv"
    frame.to_csv(source, index=False)
    filled, model = tmp_path / "filled.csv", tmp_path / "imputer.safetensors"
    quick = ["--param", "max_iter=5", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    run = tmp_path / "run"  # --out keeps a RUN folder, which --model reads as well
    result = runner.invoke(
        app,
        ["impute", str(source), "-o", str(filled), "--save-model", str(model), *quick]
        + ["--out", str(run)],
    )
    assert result.exit_code == 0, result.output
    back = pd.read_csv(filled)
    assert not back.isna().any().any() and list(back.columns) == ["size", "double", "kind"]
    observed = frame["double"].notna()
    np.testing.assert_allclose(back.loc[observed, "double"], frame.loc[observed, "double"])
    again = tmp_path / "again.csv"
    result = runner.invoke(app, ["impute", str(source), "-o", str(again), "--model", str(model)])
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_csv(again), back)
    result = runner.invoke(app, ["impute", str(source), "-o", str(again), "--model", str(run)])
    assert result.exit_code == 0, result.output  # was 'no such file: run'
    pd.testing.assert_frame_equal(pd.read_csv(again), back)
    bad = runner.invoke(app, ["impute", str(source), "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code != 0 and not (tmp_path / "x.txt").exists()


def test_impute_fills_an_integer_column_with_whole_numbers(tmp_path):
    # A CSV integer column with empty cells is read as floats; its fills came back as 1.73.
    rng = np.random.default_rng(0)
    a = rng.normal(size=200)
    frame = pd.DataFrame({"a": a, "kids": np.clip(np.round(1.5 + a), 0, None).astype(int)})
    text = frame.astype({"kids": "Int64"})
    text.loc[::6, "kids"] = pd.NA  # written as empty cells, the rest as "2", not "2.0"
    text.to_csv(tmp_path / "holes.csv", index=False)
    quick = ["--param", "max_iter=5", "--param", "hidden_layer_sizes=[16]", "--quiet"]
    result = runner.invoke(
        app, ["impute", str(tmp_path / "holes.csv"), "-o", str(tmp_path / "f.csv"), *quick]
    )
    assert result.exit_code == 0, result.output
    back = pd.read_csv(tmp_path / "f.csv")
    assert back["kids"].dtype.kind == "i"  # every cell a whole number, written as one
    np.testing.assert_array_equal(back["kids"][1::6], frame["kids"][1::6])  # observed kept
    assert back["a"].dtype.kind == "f"  # a float column stays as it was


def test_impute_writes_on_rank_0_alone(tmp_path, monkeypatch):
    # Under torchrun every process fits (DDP) and runs the command to its end: only rank 0
    # may write the filled table, the model and the RUN folder.
    from aekit.core import distributed

    frame = pd.DataFrame(np.random.default_rng(1).normal(size=(40, 3)), columns=list("abc"))
    frame.loc[::4, "b"] = np.nan
    frame.to_csv(tmp_path / "holes.csv", index=False)
    quick = ["--param", "max_iter=1", "--param", "n_estimators=1", "--quiet"]
    written = {"filled.csv", "m.safetensors", "run"}
    for rank, expected in ((1, set()), (0, written)):
        monkeypatch.setattr(distributed, "rank", lambda rank=rank: rank)
        args = ["impute", str(tmp_path / "holes.csv"), "-o", str(tmp_path / "filled.csv")]
        args += ["--save-model", str(tmp_path / "m.safetensors"), "--out", str(tmp_path / "run")]
        result = runner.invoke(app, [*args, *quick])
        assert result.exit_code == 0, result.output
        assert {p.name for p in tmp_path.iterdir()} - {"holes.csv"} == expected


@pytest.mark.parametrize("scale", [1.0, 10.0], ids=["unit", "gaussian"])
def test_denoise_clips_noisy_data_to_the_range_the_training_noise_was_clipped_to(scale):
    # X + N(0, 0.3) leaves [0, 1]: denoise refused it ("scale X as its training data was
    # scaled"), though noisy input is what it is for and training clipped its noise the same way.
    X = digits()[:300] * scale  # [0, 1] (Bernoulli), or [0, 10] (Gaussian, standardized)
    dae = aekit.DenoisingAutoencoder(hidden_layer_sizes=(16,), max_iter=2, random_state=0)
    dae.fit(X)
    noisy = X + np.random.default_rng(0).normal(0, 0.3 * scale, X.shape).astype(np.float32)
    low, high = X.min(axis=0), X.max(axis=0)
    if scale == 1.0:
        low, high = 0.0, 1.0  # a model of [0, 1] data: its noise was clipped to [0, 1]
    outside = int(((noisy < low) | (noisy > high)).sum())
    with pytest.warns(UserWarning, match=f"denoise clipped {outside} of {noisy.size} values"):
        cleaned = dae.denoise(noisy)
    with warnings.catch_warnings():  # already in range: nothing clipped, nothing said
        warnings.simplefilter("error")
        expected = dae.denoise(np.clip(noisy, low, high))
    np.testing.assert_allclose(cleaned, expected, rtol=1e-5, atol=1e-5 * scale)
    if scale == 1.0:  # reconstruct clips nothing; its refusal says what to do
        with pytest.raises(ValueError, match=re.escape("noisy data: clip it, np.clip(X, 0, 1)")):
            dae.reconstruct(noisy)
        # images of 0..255 were clipped to [0, 1] with that warning, whose fix silenced the
        # mistake: no noise goes so far, so they are refused with the scaling
        with pytest.raises(ValueError, match=re.escape("ranges over [0, 255], far beyond")):
            dae.denoise(np.round(X * 255))
        heavy = X + np.random.default_rng(1).normal(0, 3, X.shape)  # noise, not a scale
        with pytest.warns(UserWarning, match="denoise clipped"):
            dae.denoise(heavy)


@pytest.mark.parametrize("scale", [1.0, 10.0], ids=["unit", "gaussian"])
def test_a_dropout_denoiser_takes_the_values_its_noise_made(scale):
    # dropout scales the entries it keeps by 1 / (1 - p), unclipped; denoise clipped the
    # library's own corrupt(X, "dropout", 0.3) back to [0, 1] "as the training noise was"
    # (15% of the values), and reconstruct refused it (user review)
    X = digits()[:300] * scale
    dae = aekit.DenoisingAutoencoder(
        hidden_layer_sizes=(16,), noise="dropout", noise_level=0.3, max_iter=2, random_state=0
    ).fit(X)
    if scale == 1.0:
        noisy = corrupt(X, "dropout", 0.3, random_state=0)
    else:  # the model's own noise: dropout of the standardized features (corrupt's docstring)
        kept = np.random.default_rng(0).random(X.shape) >= 0.3
        noisy = dae.data_mean_ + kept * (X - dae.data_mean_) / 0.7
    assert noisy.max() > X.max()  # the kept values, scaled
    with warnings.catch_warnings():  # where the training inputs were: nothing clipped
        warnings.simplefilter("error")
        cleaned = dae.denoise(noisy)
    assert cleaned.shape == X.shape and np.isfinite(cleaned).all()
    beyond = noisy.copy()
    beyond[0, :] = 3 * scale / 0.7  # beyond anything dropout makes of rows in [0, scale]
    top = f"{1 / 0.7:.3g}"
    says = f"to [0, {top}], the range" if scale == 1 else f"maximum times {top}"
    with pytest.warns(UserWarning, match=re.escape(says)):
        clipped = dae.denoise(beyond)
    np.testing.assert_allclose(clipped[1:], cleaned[1:], rtol=1e-5, atol=1e-5 * scale)
    if scale == 1.0:  # clipped to 1/0.7, the largest value its noise made of [0, 1]
        np.testing.assert_allclose(clipped[0], dae.denoise(np.full((1, 64), 1 / 0.7))[0])
        with pytest.raises(ValueError, match="needs data in"):  # reconstruct checks [0, 1]
            dae.reconstruct(noisy)


def test_denoise_of_no_rows_or_text_says_so_in_the_apis_words(tmp_path):
    # an empty X leaked numpy's "cannot reshape array of size 0"; a table with a text column
    # got "could not convert string to float: 'paris'" on the command line (user audit)
    import warnings

    import pandas as pd
    from cli_helpers import invoke, refused

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=list("abc"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = aekit.DenoisingAutoencoder(latent_dim=2, max_iter=2, random_state=0).fit(frame)
    with pytest.raises(ValueError, match="X is empty: 0 sample"):
        model.denoise(np.zeros((0, 3)))
    model.save(tmp_path / "dae.safetensors")
    frame.assign(city=["paris", "rome"] * 30).to_csv(tmp_path / "t.csv", index=False)
    result = invoke(
        "denoise", tmp_path / "dae.safetensors", tmp_path / "t.csv", "-o", tmp_path / "o.csv"
    )
    refused(result, "non-numeric columns: city")  # said on the command line as score says it
