"""Review 8 (real data, command line): a labelled run's scores as .npy, the one-line
command.txt, and the messages the review found misleading."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--quiet"]
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """60 rows of four numbers and an integer label column, and a run trained on them."""
    folder = tmp_path_factory.mktemp("labelled")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 4)), columns=list("abcd"))
    frame["label"] = rng.integers(0, 3, 60)
    frame.to_csv(folder / "lab.csv", index=False)
    ok(invoke("train", folder / "lab.csv", "--label-column", "label", "--model", "ae", *FAST,
              "--out", folder / "RUN"))  # fmt: skip
    return folder, frame


def test_the_scores_of_a_labelled_run_write_as_npy(labelled, tmp_path):
    # "this output holds text columns": the scores and the integer labels, stacked as objects
    folder, frame = labelled
    ok(invoke("score", folder / "RUN", folder / "lab.csv", "-o", tmp_path / "s.npy"))
    ok(invoke("score", folder / "RUN", folder / "lab.csv", "-o", tmp_path / "s.csv"))
    scores = np.load(tmp_path / "s.npy")
    assert scores.dtype == np.float64 and scores.shape == (60, 2)
    np.testing.assert_array_equal(scores[:, 1], frame["label"])
    np.testing.assert_allclose(scores[:, 0], pd.read_csv(tmp_path / "s.csv")["score"])


@pytest.fixture(scope="module")
def flat_compressed(tmp_path_factory):
    """A compressor trained on 300 flat rows of 16 values (4x4 images), and its .aek file."""
    folder = tmp_path_factory.mktemp("flat")
    rows = np.random.default_rng(0).uniform(size=(300, 16)).astype(np.float32)
    np.save(folder / "rows.npy", rows)
    model = folder / "c.safetensors"
    ok(invoke("train-compressor", folder / "rows.npy", "--latent-dim", "2", "--epochs", "1",
              "-o", model))  # fmt: skip
    ok(invoke("compress", model, folder / "rows.npy", "-o", folder / "rows.aek"))
    return model, folder / "rows.aek"


def test_decompress_draws_flat_rows_given_their_shape(flat_compressed, tmp_path):
    from PIL import Image

    model, packed = flat_compressed
    line = refused(invoke("decompress", model, packed, "-o", tmp_path / "x.png"), "--image-shape")
    assert "flat rows of 16 values" in line and not (tmp_path / "x.png").exists()
    result = ok(invoke("decompress", model, packed, "-o", tmp_path / "x.png",
                       "--image-shape", "1,4,4"))  # fmt: skip
    # the grid holds 256 of the 300 rows, and the last line says so (it said "300 rows")
    assert "a grid of the first 256 of 300 rows" in result.output
    assert Image.open(tmp_path / "x.png").size[0] > 0
    refused(invoke("decompress", model, packed, "-o", tmp_path / "y.png", "--image-shape",
                   "1,4,5"), "needs rows of 20 values", "hold 16")  # fmt: skip
    ok(invoke("decompress", model, packed, "-o", tmp_path / "x.npy"))
    assert np.load(tmp_path / "x.npy").shape == (300, 16)


def test_command_txt_writes_a_list_parameter_on_one_line(labelled):
    # tomli_w spread --param 'hidden_layer_sizes=[\n    8,\n]' over three lines
    folder, _ = labelled
    text = (folder / "RUN" / "command.txt").read_text()
    assert text.count("\n") == 1 and "--param 'hidden_layer_sizes=[8]'" in text, text


def test_impute_and_hasher_runs_leave_figures_for_the_report(labelled, tmp_path):
    # impute --out RUN and train-hasher --out RUN left no figures/ folder, not even a loss curve
    folder, frame = labelled
    holes = frame.drop(columns="label").copy()
    holes.iloc[::7, 1] = np.nan
    holes.to_csv(tmp_path / "holes.csv", index=False)
    ok(invoke("impute", tmp_path / "holes.csv", "-o", tmp_path / "f.csv", "--out",
              tmp_path / "IMP", "--param", "max_iter=2", "--quiet"))  # fmt: skip
    ok(invoke("train-hasher", folder / "lab.csv", "--label-column", "label", "--bits", "4",
              "--epochs", "2", "--quiet", "--out", tmp_path / "HASH"))  # fmt: skip
    assert [p.name for p in (tmp_path / "IMP" / "figures").iterdir()] == ["loss_curves.png"]
    drawn = {p.name for p in (tmp_path / "HASH" / "figures").iterdir()}
    assert {"loss_curves.png", "reconstructions.png", "latent.png"} <= drawn
    for run in ("IMP", "HASH"):
        ok(invoke("report", tmp_path / run))
        page = (tmp_path / run / "report.html").read_text()
        assert "data:image/png;base64" in page and "Not in this run folder" not in page


def _evaluated_with_labels(tmp_path, new_labels, *detect_options) -> list[str]:
    """The warnings of 'aekit evaluate' on 20 new rows labelled ``new_labels``, of a detector
    fitted on 80 rows labelled fraud (8) and ok."""
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(80, 3)), columns=list("abc"))
    train["y"] = np.where(np.arange(80) < 8, "fraud", "ok")
    train.to_csv(tmp_path / "train.csv", index=False)
    new = pd.DataFrame(rng.normal(size=(20, 3)), columns=list("abc"))
    new["y"] = new_labels
    new.to_csv(tmp_path / "new.csv", index=False)
    ok(invoke("detect", tmp_path / "train.csv", "--label-column", "y", *detect_options,
              "--param", "n_estimators=1", "--quiet", "--out", tmp_path / "DET"))  # fmt: skip
    with pytest.warns(UserWarning) as caught:
        ok(invoke("evaluate", tmp_path / "DET", tmp_path / "new.csv", "--quiet"))
    return [str(w.message) for w in caught]


def test_evaluate_names_the_labels_detect_never_saw(tmp_path):
    # with --normal-label ok recorded, 'weird' and a typo 'OK' were counted as anomalies silently
    labels = ["ok"] * 14 + ["weird"] * 3 + ["OK"] * 2 + ["fraud"]
    warned = _evaluated_with_labels(tmp_path, labels, "--normal-label", "ok")
    said = [m for m in warned if "never saw" in m]
    assert said == [
        "5 rows have a label that detect never saw (weird: 3 rows, OK: 2 rows; known: fraud, "
        "ok): counted as anomalies."
    ]


def test_evaluate_with_labels_of_another_kind_says_which_is_normal(tmp_path):
    # 0/1 labels for a run of ok/fraud: 0 is normal by the rule, and the warning said all 20
    # rows were "counted as anomalies" while the ROC-AUC took 0 as normal (user review)
    said = _evaluated_with_labels(tmp_path, [0] * 16 + [1] * 4)
    assert "the normal label '0' is not one detect saw (known: fraud, ok)" in said[0]
    assert [m for m in said if "never saw" in m] == [
        "4 rows have a label that detect never saw (1: 4 rows; known: fraud, ok): counted as "
        "anomalies."
    ]


def test_detect_says_when_the_rule_makes_most_rows_anomalies(tmp_path):
    # 'aekit detect digits' took '0' as normal: 90% of the rows anomalies, PR-AUC 0.98, unsaid
    from aekit.cli.anomaly_labels import as_anomaly
    from aekit.cli.detection_figures import label_line

    with pytest.warns(UserWarning, match=r"makes 9 of 10 rows \(90%\) anomalies; set --normal"):
        anomalous = as_anomaly(np.arange(10) % 10, None)
    assert label_line(None, {"roc_auc": 0.5, "pr_auc": 0.9}, anomalous).startswith(
        "against DATA's labels (9 of 10 rows anomalies): ROC-AUC 0.5000"
    )


def test_an_empty_csv_reads_the_same_lazily_and_whole(tmp_path):
    # open_dataset said pandas' "No columns to parse from file", load_array "file ... is empty"
    from aekit.data.datasets import load_array
    from aekit.data.lazy import open_dataset

    (tmp_path / "empty.csv").write_text("")
    messages = []
    for read in (load_array, open_dataset):
        with pytest.raises(ValueError) as caught:
            read(tmp_path / "empty.csv")
        messages.append(str(caught.value))
    assert messages == [f"file {tmp_path / 'empty.csv'} is empty."] * 2


def test_complex_numbers_are_named_with_the_fix(tmp_path):
    np.save(tmp_path / "c.npy", np.ones((10, 3)) * (1 + 2j))
    line = refused(invoke("train", tmp_path / "c.npy", "--out", tmp_path / "R"), "complex")
    assert "np.real(X) or np.abs(X)" in line and "numbers only" not in line
    import aekit

    with pytest.raises(ValueError, match=r"Complex data not supported.*np\.real\(X\)"):
        aekit.Autoencoder(max_iter=1).fit(np.ones((10, 3)) * 1j)


def _idx(path, array: np.ndarray) -> None:
    """An IDX file of unsigned bytes (MNIST's format): magic 0x08<ndim>, sizes, values."""
    import struct

    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_train_says_and_records_the_labels_file_beside_an_idx_file(tmp_path):
    # the labels came quietly from train-labels-idx1-ubyte beside the images
    rng = np.random.default_rng(0)
    _idx(tmp_path / "train-images-idx3-ubyte", rng.integers(0, 256, (30, 4, 4)))
    _idx(tmp_path / "train-labels-idx1-ubyte", rng.integers(0, 3, 30))
    result = ok(invoke("train", tmp_path / "train-images-idx3-ubyte", *FAST,
                       "--out", tmp_path / "R"))  # fmt: skip
    labels = tmp_path / "train-labels-idx1-ubyte"
    assert f"labels: 30 from {labels}, beside DATA" in result.output
    assert f'labels_file = "{labels}"' in (tmp_path / "R" / "config.toml").read_text()
    command = (tmp_path / "R" / "command.txt").read_text()
    assert command.count("\n") == 1 and command.endswith(f"  # labels from {labels}\n")


def test_generate_and_interpolate_draw_a_flat_model_given_the_shape(tmp_path):
    # A VAE trained on flat rows refused every .png ("train with --image-shape"); its samples
    # and paths are images the user knows the shape of.
    from PIL import Image

    rows = np.random.default_rng(0).uniform(size=(200, 16)).astype(np.float32)
    np.save(tmp_path / "rows.npy", rows)
    run = tmp_path / "VAE"
    ok(invoke("train", tmp_path / "rows.npy", "--model", "vae", "--param", "max_iter=1",
              "--quiet", "--out", run))  # fmt: skip
    for command in (["generate", run, "-n", 5], ["interpolate", run, tmp_path / "rows.npy"]):
        png = tmp_path / f"{command[0]}.png"
        line = refused(invoke(*command, "-o", png), "--image-shape C,H,W", "flat rows of 16")
        # the example fits the rows (it said 1,28,28 for 784 of rows of 16 values)
        assert not png.exists() and "e.g. 1,4,4 for 16" in line
        ok(invoke(*command, "-o", png, "--image-shape", "1,4,4"))
        assert Image.open(png).size[0] > 0
        refused(invoke(*command, "-o", png, "--image-shape", "1,4,5"), "needs rows of 20")
        refused(invoke(*command, "-o", tmp_path / "t.csv", "--image-shape", "1,4,4"), "table")


def test_a_perfect_ranking_has_a_pr_auc_of_one_not_more():
    # scikit-learn's sum of precisions gives 1.0000000000000002 for 9 anomalies in 11 rows
    from aekit.cli.detection_figures import detection_figures

    anomalous = np.r_[np.ones(9), np.zeros(2)].astype(bool)
    assert detection_figures(-np.arange(11.0), anomalous)["pr_auc"] == 1.0


def test_labels_all_blank_say_nothing_of_labels(tmp_path):
    # the check of labels detect never saw read an empty list (IndexError) when every label of
    # the evaluated file was blank
    import warnings

    from aekit.cli.detection_figures import warn_of_labels_not_seen

    (tmp_path / "config.toml").write_text('[data]\nlabels = ["fraud", "ok"]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_of_labels_not_seen(tmp_path, [np.array([None, np.nan], dtype=object)], (None, "ok"))
