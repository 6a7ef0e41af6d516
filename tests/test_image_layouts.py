"""Images in the layouts users bring: channels-last arrays refused with the transpose, (n, H, W)
arrays read with --image-shape, and --image-shape drawing only shapes that can be images."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused
from conftest import DEVICE
from PIL import Image
from sklearn.exceptions import ConvergenceWarning

import aekit
from aekit.cli.errors import for_the_command_line
from aekit.data.datasets import load_digits

QUICK = ("--epochs", "1", "--quiet")
TRAIN = (*QUICK, "--no-figures")  # no test here looks at a RUN's figures/


@pytest.fixture(scope="module")
def images():
    return load_digits(as_images=True)[0][:200]  # (200, 1, 8, 8)


def test_channels_last_images_are_refused_with_the_transpose(images):
    # (n, 8, 8, 1) was fitted as 8 channels of 8x1 images, without a word
    channels_last = images.transpose(0, 2, 3, 1)
    model = aekit.VAE(architecture="conv", max_iter=1, random_state=0, device=DEVICE)
    with pytest.raises(ValueError, match=r"looks channels-last .* X\.transpose\(0, 3, 1, 2\)"):
        model.fit(channels_last)
    fitted = model.fit(channels_last.transpose(0, 3, 1, 2))
    assert fitted.image_shape_ == (1, 8, 8)
    # an image_shape equal to the array's own says the layout is meant
    meant = aekit.VAE(architecture="conv", max_iter=1, image_shape=(8, 8, 1), device=DEVICE)
    assert meant.fit(channels_last).image_shape_ == (8, 8, 1)


def test_the_command_line_refuses_channels_last_and_reads_n_h_w_with_image_shape(images, tmp_path):
    np.save(tmp_path / "nhwc.npy", images.transpose(0, 2, 3, 1))
    conv = ("--model", "vae", "--param", "architecture=conv", *TRAIN)
    result = invoke("train", tmp_path / "nhwc.npy", *conv, "--out", tmp_path / "A")
    said = for_the_command_line(refused(result, "looks channels-last"))
    assert said.endswith(
        "save DATA in that layout (np.save(path, X.transpose(0, 3, 1, 2))), or pass --param "
        "'image_shape=[8,8,1]' if it really has 8 channels of 8x1."
    )
    # --image-shape must not reshape (n, H, W, C) into scrambled images (review)
    shaped = ("--image-shape", "1,8,8", "--out", tmp_path / "A")
    refused(
        invoke("train", tmp_path / "nhwc.npy", *conv, *shaped),
        "channels-last (height",
        "0, 3, 1, 2",
    )
    # channels-first data whose last axis is small are no channels-last images (review)
    wide = np.random.default_rng(0).random((40, 64, 4, 4)).astype(np.float32)
    model = aekit.Autoencoder(architecture="conv", max_iter=1, random_state=0, device=DEVICE)
    assert model.fit(wide).image_shape_ == (64, 4, 4)
    # (n, H, W): --image-shape 1,8,8 was refused ("needs rows of 64 values") though they are
    np.save(tmp_path / "nhw.npy", images[:, 0])
    shaped = ("--image-shape", "1,8,8", "--out", tmp_path / "B")
    ok(invoke("train", tmp_path / "nhw.npy", *conv, *shaped))
    assert aekit.load(tmp_path / "B" / "model.safetensors").image_shape_ == (1, 8, 8)


def test_image_shape_draws_only_shapes_that_are_images(images, tmp_path):
    flat = images.reshape(len(images), -1)
    np.save(tmp_path / "flat.npy", flat)
    ok(invoke("train", tmp_path / "flat.npy", "--model", "vae", *TRAIN, "--out", tmp_path / "F"))
    # 8,8,1 drew 8 'channels' of 8x1 strips; the model's own image shape could be redrawn
    refused(
        invoke("generate", tmp_path / "F", "-o", tmp_path / "g.png", "--image-shape", "8,8,1"),
        "C the channels, 1 (gray) or 3 (colour); e.g. 1,8,8",
    )
    ok(invoke("generate", tmp_path / "F", "-o", tmp_path / "g.png", "--image-shape", "1,8,8"))
    np.save(tmp_path / "nchw.npy", images)
    conv = ("--model", "vae", "--param", "architecture=conv", *TRAIN, "--out", tmp_path / "C")
    ok(invoke("train", tmp_path / "nchw.npy", *conv))
    refused(
        invoke("generate", tmp_path / "C", "-o", tmp_path / "c.png", "--image-shape", "1,4,16"),
        "makes images of shape 1,8,8; leave --image-shape out",
    )
    # traverse of a model of flat rows: --image-shape draws its decodings (it was refused)
    out = tmp_path / "t.png"
    ok(
        invoke(
            "traverse", tmp_path / "F", tmp_path / "flat.npy", "--image-shape", "1,8,8", "-o", out
        )
    )
    assert out.read_bytes().startswith(b"\x89PNG")
    refused(invoke("traverse", tmp_path / "F", tmp_path / "flat.npy", "-o", out), "--image-shape")
    # a plain autoencoder has no latent distribution: said, not an AttributeError (review)
    ok(invoke("train", tmp_path / "flat.npy", "--model", "ae", *TRAIN, "--out", tmp_path / "P"))
    flat_ae = ("traverse", tmp_path / "P", tmp_path / "flat.npy", "--image-shape", "1,8,8")
    refused(invoke(*flat_ae, "-o", out), "has no latent distribution: train a run with --model vae")


def test_image_options_that_do_not_apply_are_refused_not_recorded(images, tmp_path):
    # --image-size on a .npy was ignored but recorded, and the recorded size then refused the
    # right one for every later command; --label-column on an image folder likewise
    np.save(tmp_path / "flat.npy", images.reshape(len(images), -1))
    size = ("--image-size", "4,4", *QUICK)
    refused(
        invoke("train", tmp_path / "flat.npy", *size, "--out", tmp_path / "A"),
        "--image-size applies to a folder of images; DATA",
        "is a table or array",
    )
    refused(
        invoke("train-hasher", tmp_path / "flat.npy", "--image-size", "4,4", "-o", tmp_path / "h"),
        "--image-size applies to a folder of images",
    )
    refused(invoke("train", "digits", "--grayscale", *TRAIN, "--out", tmp_path / "B"), "digits")
    folder = tmp_path / "imgs" / "a"
    folder.mkdir(parents=True)
    for i in range(3):
        Image.fromarray((images[i, 0] * 255).astype(np.uint8)).save(folder / f"{i}.png")
    refused(
        invoke(
            "train", tmp_path / "imgs", "--label-column", "kind", *QUICK, "--out", tmp_path / "C"
        ),
        "labels are its sub-folders' names; leave --label-column out",
    )
    assert not any((tmp_path / run).exists() for run in "ABC")


def test_an_array_of_other_images_is_not_told_to_pass_folder_options(images, tmp_path):
    # 'Pass --image-size 8,8 --grayscale' was said of a .npy, which those options never read
    np.save(tmp_path / "nchw.npy", images)
    conv = ("--model", "vae", "--param", "architecture=conv", *TRAIN, "--out", tmp_path / "C")
    ok(invoke("train", tmp_path / "nchw.npy", *conv))
    np.save(tmp_path / "nhwc.npy", images.transpose(0, 2, 3, 1))
    result = invoke("encode", tmp_path / "C", tmp_path / "nhwc.npy", "-o", tmp_path / "z.npy")
    said = for_the_command_line(refused(result, "has images of shape (8, 8, 1)"))
    assert said.endswith(
        "DATA looks channels-last: save it as (n, C, H, W) (X.transpose(0, 3, 1, 2))."
    )
    assert "--image-size" not in said and "--grayscale" not in said
    assert said.count("transpose") == 1  # the Python API's words left out, the CLI's said
    # in Python, a fitted model given channels-last images names the transpose, as fit does
    with pytest.raises(ValueError, match=r"fitted on \(1, 8, 8\): pass X.transpose\(0, 3, 1, 2\)"):
        aekit.load(tmp_path / "C" / "model.safetensors").transform(images.transpose(0, 2, 3, 1))


def test_a_model_of_flat_rows_takes_one_channel_images_of_their_width(images, tmp_path):
    # the README's quick-start model (fitted on the 64 pixels) refused 'aekit encode ... digits'
    # and (n, 1, 8, 8) in Python, with no fix to name; one channel flattens alike in any layout
    flat = images.reshape(len(images), -1)
    model = aekit.Autoencoder(max_iter=2, random_state=0, device=DEVICE).fit(flat)
    np.testing.assert_array_equal(model.transform(images), model.transform(flat))
    with pytest.raises(ValueError, match=r"images of shape \(3, 8, 8\) but the model was fitted"):
        model.transform(np.repeat(images, 3, axis=1))  # channels would flatten by layout
    model.save(tmp_path / "ae.safetensors")
    ok(invoke("encode", tmp_path / "ae.safetensors", "digits", "-o", tmp_path / "z.npy"))
    assert np.load(tmp_path / "z.npy").shape == (1797, model.latent_dim)


def test_a_conditional_model_of_an_unlabelled_image_folder_is_told_the_sub_folders(
    images, tmp_path
):
    # it was pointed to --label-column, which an image folder refuses
    for i in range(4):
        Image.fromarray((images[i, 0] * 255).astype(np.uint8)).save(tmp_path / f"{i}.png")
    result = invoke("train", tmp_path, "--model", "cvae", *TRAIN, "--out", tmp_path.parent / "R")
    refused(result, "needs labels: DATA has none (put each class's images in a sub-folder")


def test_finetune_and_index_refuse_image_options_a_table_ignores(images, tmp_path):
    # both recorded --image-size for a table, and later commands refused the right size (review)
    rows = images.reshape(len(images), -1)
    labels = (rows.mean(axis=1) > np.median(rows.mean(axis=1))).astype(int)
    np.save(tmp_path / "x.npy", rows)
    pd.DataFrame(rows).assign(y=labels).to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("train", tmp_path / "t.csv", "--label-column", "y", *TRAIN, "--out", tmp_path / "R"))
    tune = ("finetune", tmp_path / "R", tmp_path / "t.csv", "--image-size", "8,8", *QUICK)
    refused(invoke(*tune, "--out", tmp_path / "F"), "--image-size applies to a folder of images")
    hasher = ("train-hasher", tmp_path / "x.npy", "--bits", "8", *QUICK)
    ok(invoke(*hasher, "-o", tmp_path / "h.safetensors"))
    index = ("index", tmp_path / "h.safetensors", tmp_path / "x.npy", "--image-size", "4,4")
    refused(invoke(*index, "--out", tmp_path / "db.index"), "--image-size applies")


def test_a_recorded_image_shape_is_said_to_be_the_runs(images, tmp_path):
    # "--image-shape 1,8,8 needs rows of 64 values" was said to a user who typed no such option
    np.save(tmp_path / "flat.npy", images.reshape(len(images), -1))
    ok(invoke("train", tmp_path / "flat.npy", "--image-shape", "1,8,8", *TRAIN,
              "--out", tmp_path / "R"))  # fmt: skip
    np.save(tmp_path / "other.npy", images[:, :, :4, :4].reshape(len(images), -1))
    result = invoke("score", tmp_path / "R", tmp_path / "other.npy", "-o", tmp_path / "s.csv")
    refused(result, "--image-shape 1,8,8 (recorded by the run, which was trained on it) needs rows")
    result = invoke("score", tmp_path / "R", tmp_path / "other.npy", "--image-shape", "1,8,8",
                    "-o", tmp_path / "s.csv")  # fmt: skip
    assert "recorded by the run" not in refused(result, "--image-shape 1,8,8 needs rows of 64")


def test_channels_last_images_read_from_disk_are_refused_as_in_memory(tmp_path, monkeypatch):
    # read a batch at a time (a large .npy), (n, H, W, C) images were reshaped to the run's
    # (C, H, W) and scored with their pixels scrambled; in memory they were refused
    from aekit.cli import common

    rows = np.random.default_rng(0).random((60, 48)).astype(np.float32)
    np.save(tmp_path / "flat.npy", rows)
    np.save(tmp_path / "hwc.npy", rows.reshape(-1, 3, 4, 4).transpose(0, 2, 3, 1))
    ok(invoke("train", tmp_path / "flat.npy", "--image-shape", "3,4,4", *TRAIN,
              "--out", tmp_path / "R"))  # fmt: skip
    monkeypatch.setattr(common, "LAZY_BYTES", 0)
    for command in ("score", "reconstruct", "encode"):
        result = invoke(command, tmp_path / "R", tmp_path / "hwc.npy", "-o", tmp_path / "o.npy")
        said = refused(result, "DATA's images have shape (4, 4, 3), channels-last")
        assert said.endswith("X.transpose(0, 3, 1, 2))).")  # recorded: nothing to leave out
    np.save(tmp_path / "chw.npy", rows.reshape(-1, 3, 4, 4))
    ok(invoke("score", tmp_path / "R", tmp_path / "chw.npy", "-o", tmp_path / "s.csv"))


def test_grey_images_without_a_channel_axis_are_said_to_a_dense_network(images):
    # (n, H, W), Keras' layout, was read as sequences of H channels without a word: figures of
    # 28 overlaid lines, PNG output refused
    grey = images[:, 0]
    with pytest.warns(UserWarning, match=r"grey images \(n, H, W\), pass X\[:, None\]"):
        model = aekit.Autoencoder(max_iter=1, device=DEVICE).fit(grey)
    assert model.sequence_shape_ == (8, 8)  # read as before: said, not changed
    said = for_the_command_line(
        "X of shape (n, 8, 8) is read as sequences (n, channels, length) of 8 channels; if these "
        "are grey images (n, H, W), pass X[:, None] (n, 1, H, W), or sequence_shape=(8, 8) if "
        "they are sequences."
    )
    assert "pass --image-shape 1,8,8, or --param 'sequence_shape=[8,8]' if" in said
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch learns nothing
        aekit.Autoencoder(max_iter=1, device=DEVICE, sequence_shape=(8, 8)).fit(grey)
        aekit.Autoencoder(max_iter=1, device=DEVICE).fit(grey[:, :4])  # (n, 4, 8): sequences
        beats = np.random.default_rng(0).normal(size=(50, 3, 140)).astype(np.float32)
        aekit.Autoencoder(max_iter=1, device=DEVICE).fit(beats)  # 3 channels of 140 steps


def test_images_given_to_a_model_of_flat_rows_are_told_the_reshape(images):
    flat = images.reshape(len(images), -1)
    model = aekit.Autoencoder(max_iter=1, device=DEVICE).fit(flat)
    said = r"fitted on rows of 64 features, not images: pass flat rows, X\.reshape\(len\(X\), -1\)"
    with pytest.raises(ValueError, match=said):
        model.transform(images.transpose(0, 2, 3, 1))  # (n, H, W, C), Keras' layout
    np.testing.assert_array_equal(  # the advice, as given
        model.transform(images.transpose(0, 2, 3, 1).reshape(len(images), -1)),
        model.transform(flat),
    )


def test_a_text_column_of_rows_read_as_images_is_named(tmp_path):
    # "could not convert string to float: 'x'": no file, column or fix
    pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}).to_csv(tmp_path / "two.csv", index=False)
    result = invoke("train", tmp_path / "two.csv", "--image-shape", "1,1,2", *TRAIN,
                    "--out", tmp_path / "R")  # fmt: skip
    refused(result, "--image-shape 1,1,2 reads DATA's columns as pixels, and its column 'a' "
            "holds text: leave it out with --ignore-column")  # fmt: skip
    assert not (tmp_path / "R").exists()


def test_one_image_alone_is_told_to_gain_its_two_axes(images):
    # ae.reconstruct(X[0, 0]) said "X has 8 features, but Autoencoder is expecting 64": one
    # (H, W) image read as H rows (an image data scientist's review)
    model = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=(8,), max_iter=2, device=DEVICE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(images)
    with pytest.raises(ValueError) as caught:
        model.reconstruct(images[0, 0])
    assert str(caught.value).endswith("X looks like one image of shape (8, 8): pass X[None, None].")
    assert model.reconstruct(images[0, 0][None, None]).shape == (1, 1, 8, 8)  # as advised
