"""Where the commands write, and what they read for a RUN (review 6): an output that is the
input is refused, an output's format and folder are checked before any work, and the label
column a run recorded is left out of DATA by every command that reads DATA for that run,
whatever DATA is (a CSV, a folder of Parquet files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

from aekit.cli.outputs import INPUT_ARGUMENTS, check_outputs
from aekit.hashing import load_index

QUICK = ["--param", "max_iter=2", "--param", "hidden_layer_sizes=[8]", "--param", "latent_dim=2",
         "--quiet"]  # fmt: skip
FAST = [*QUICK, "--no-figures"]  # train, where no test reads its figures


def labelled(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """Four numeric columns and a label column ``y`` (text, so a model fed it would fail)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 4)).astype(np.float32), columns=list("abcd"))
    return frame.assign(y=["u", "v"] * (n // 2))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("outputs")


@pytest.fixture(scope="module")
def tables(folder) -> Path:
    """t.csv (features a-d and label y) and an AE run R trained on it with --label-column y."""
    labelled().to_csv(folder / "t.csv", index=False)
    ok(invoke("train", folder / "t.csv", "--model", "ae", "--label-column", "y", *FAST,
              "--out", folder / "R"))  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def images(folder) -> Path:
    """x.npy (40 rows of 4x4 images) and a denoising run D trained on them."""
    rows = np.random.default_rng(1).uniform(size=(40, 16)).astype(np.float32)
    np.save(folder / "x.npy", rows)
    ok(invoke("train", folder / "x.npy", "--image-shape", "1,4,4", "--model", "dae", *FAST,
              "--out", folder / "D"))  # fmt: skip
    return folder


# --- 1: an output that is the input is refused, the input left as it was -------------------------


@pytest.mark.parametrize(
    "command, data",
    [
        (["encode", "R"], "t.csv"),
        (["reconstruct", "R"], "t.csv"),
        (["score", "R"], "t.csv"),
        (["denoise", "D"], "x.npy"),
        (["impute"], "holes.csv"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else v,
)
@pytest.mark.parametrize("spelling", ["same", "link"])
def test_an_output_that_is_the_input_is_refused(command, data, spelling, tables, images, tmp_path):
    holes = labelled().drop(columns="y")
    holes.iloc[3, 1] = np.nan
    holes.to_csv(tables / "holes.csv", index=False)
    data = Path(shutil.copy(tables / data, tmp_path))  # what a failure would replace: a copy
    output = data
    if spelling == "link":  # another name for the same file
        output = tmp_path / f"link{data.suffix}"
        output.symlink_to(data)
    before = data.read_bytes()
    args = [tables / a if a in ("R", "D") else a for a in command]
    refused(invoke(*args, data, "-o", output), "is DATA itself", "choose another file")
    assert data.read_bytes() == before


@pytest.mark.parametrize("name", sorted(INPUT_ARGUMENTS))
def test_no_input_argument_can_be_an_output(name, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("a\n1\n")
    with pytest.raises(ValueError, match=f"is {INPUT_ARGUMENTS[name]} itself"):
        check_outputs("any", {name: str(source), "output": Path(tmp_path / "." / "in.csv")})
    check_outputs("any", {name: str(source), "output": tmp_path / "other.csv"})  # no error


# --- 2: a figure or output that cannot be written stops the command before it writes anything ---


@pytest.mark.parametrize(
    "options, words",
    [
        (["-o", "c.npy", "--figure", "f.txt"], ["--figure", "cannot draw a figure as .txt"]),
        (["-o", "c.txt", "--figure", "f.png"], ["-o", "write .npy, .csv, .parquet"]),
    ],
)
def test_denoise_checks_its_outputs_before_writing_any(options, words, images, tmp_path):
    options = [tmp_path / o if "." in o else o for o in options]
    result = invoke("denoise", images / "D", images / "x.npy", "--image-shape", "1,4,4",
                    "--add-noise", "masking:0.3", *options)  # fmt: skip
    refused(result, *words)
    assert list(tmp_path.iterdir()) == []


def test_denoise_figure_of_a_table_model_draws_its_rows_as_lines(tables, tmp_path):
    ok(invoke("train", tables / "t.csv", "--model", "dae", "--label-column", "y", *FAST,
              "--out", tmp_path / "DT"))  # fmt: skip
    # --figure drew images alone: a table's was refused, the -o .npy with it
    ok(invoke("denoise", tmp_path / "DT", tables / "t.csv", "-o", tmp_path / "c.npy",
              "--figure", tmp_path / "f.png"))  # fmt: skip
    assert (tmp_path / "f.png").stat().st_size > 0
    # --- 4: denoise leaves out the label column DT recorded (it has no column for it)
    assert np.load(tmp_path / "c.npy").shape == (40, 4)


# --- 3: a missing folder of an output file is an error, not created -------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["encode", "{R}", "{t}", "-o", "{missing}/z.csv"],
        ["impute", "{t}", "-o", "{tmp}/f.csv", "--save-model", "{missing}/m.safetensors"],
        ["denoise", "{D}", "{x}", "-o", "{tmp}/c.npy", "--figure", "{missing}/f.png"],
    ],
    ids=lambda a: a[0],
)
def test_a_missing_output_folder_is_not_created(args, tables, images, tmp_path):
    missing = tmp_path / "no" / "such"
    names = dict(R=tables / "R", D=images / "D", t=tables / "t.csv", x=images / "x.npy")
    args = [a.format(missing=missing, tmp=tmp_path, **names) for a in args]
    refused(invoke(*args), f"folder {missing} does not exist; create it first")
    assert list(tmp_path.iterdir()) == []


# --- 4: the recorded label column is left out wherever DATA comes from ---------------------------


def test_a_parquet_folder_drops_the_recorded_label_column(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    for i in range(2):
        labelled(20, seed=i).to_parquet(parts / f"part{i}.parquet", index=False)
    ok(invoke("train", parts, "--model", "cvae", "--label-column", "y", *FAST,
              "--out", tmp_path / "CP"))  # fmt: skip
    for command in ("predict", "encode", "score"):
        ok(invoke(command, tmp_path / "CP", parts, "-o", tmp_path / f"{command}.csv"))
        assert len(pd.read_csv(tmp_path / f"{command}.csv")) == 40
    assert set(pd.read_csv(tmp_path / "predict.csv")["label"]) <= {"u", "v"}


@pytest.mark.parametrize("train", ["train-compressor", "train-hasher"])
def test_a_hasher_or_compressor_run_records_its_label_column(train, tables, tmp_path):
    options = ["--epochs", 1, "--quiet", "--param", "hidden_layer_sizes=[8]"]
    ok(invoke(train, tables / "t.csv", "--label-column", "y", *options, "--out", tmp_path / "M"))
    if train == "train-hasher":
        ok(invoke("index", tmp_path / "M", tables / "t.csv", "--out", tmp_path / "t.index"))
        assert load_index(tmp_path / "t.index").n_rows == 40
        return
    ok(invoke("compress", tmp_path / "M", tables / "t.csv", "-o", tmp_path / "t.aek"))
    ok(invoke("decompress", tmp_path / "M", tmp_path / "t.aek", "-o", tmp_path / "r.npy"))
    assert np.load(tmp_path / "r.npy").shape == (40, 4)  # the four features, not the label


def test_denoise_writes_images_to_npy_in_the_shape_reconstruct_does(images, tmp_path):
    # denoise -o .npy flattened images to (n, C*H*W) where reconstruct keeps (n, C, H, W); a
    # .npy holds what the Python method returns.
    for command in ("denoise", "reconstruct"):
        out = tmp_path / f"{command}.npy"
        ok(invoke(command, images / "D", images / "x.npy", "--image-shape", "1,4,4", "-o", out))
        assert np.load(out).shape == (40, 1, 4, 4), command
    ok(invoke("denoise", images / "D", images / "x.npy", "--image-shape", "1,4,4",
              "-o", tmp_path / "d.csv"))  # fmt: skip
    assert pd.read_csv(tmp_path / "d.csv").shape == (40, 16)  # a table: a column per value


def test_reconstruct_draws_a_png_grid_of_the_images_over_their_reconstructions(
    images, tables, tmp_path
):
    # 'aekit reconstruct RUN DATA -o r.png' was refused ("write .npy, .csv or .parquet"), where
    # denoise, generate and interpolate drew their images.
    import matplotlib.image

    from aekit.cli.common import load_run
    from aekit.viz.figures import save_figure
    from aekit.viz.plots import reconstruction_grid

    model, rows = load_run(images / "D"), np.load(images / "x.npy")
    many = np.concatenate([rows] * 8)  # 320 rows: the grid shows the first 256
    np.save(tmp_path / "many.npy", many)
    for data, n in ((images / "x.npy", 40), (tmp_path / "many.npy", 256)):
        png = tmp_path / f"{n}.png"
        result = ok(invoke("reconstruct", images / "D", data, "--image-shape", "1,4,4", "-o", png))
        assert result.output.startswith(f"{len(np.load(data))} rows: {png}")
        assert ("a grid of the first 256" in result.output) == (n == 256)
        # read back, the PNG is the figure of those rows and the model's reconstructions
        shown = many[:n].reshape(n, 1, 4, 4)
        wide = 16 if n > 64 else 8
        grid = reconstruction_grid(shown, model.reconstruct(shown), wide, image_shape=(1, 4, 4))
        expected = save_figure(grid, tmp_path / f"expected{n}.png")
        drawn = matplotlib.image.imread(png)
        assert drawn.ndim == 3 and drawn.shape[2] == 4  # RGBA, as matplotlib writes
        np.testing.assert_array_equal(drawn, matplotlib.image.imread(expected))
    # 5 pairs of rows of 8 images, then 16 pairs of rows of 16: 256 images were drawn 8 wide,
    # a strip of 32 pairs 3618 pixels high (a new user)
    small, large = (matplotlib.image.imread(tmp_path / f"{n}.png").shape for n in (40, 256))
    assert large[1] > 1.5 * small[1] and large[0] < 2 * large[1]
    # a model of flat rows has no images to draw: refused before DATA (missing here) is read
    result = invoke("reconstruct", tables / "R", tmp_path / "none.csv", "-o", tmp_path / "r.png")
    refused(result, "A grid of images (-o .png, .svg or .pdf) needs", "flat rows of 4 values")
    assert not (tmp_path / "r.png").exists()
    # with DATA's --image-shape it draws them, as generate and interpolate do (it was refused)
    np.save(tmp_path / "flat.npy", np.random.default_rng(0).random((6, 4)))
    ok(invoke("reconstruct", tables / "R", tmp_path / "flat.npy", "--image-shape", "1,2,2",
              "-o", tmp_path / "r.png"))  # fmt: skip
    assert matplotlib.image.imread(tmp_path / "r.png").ndim == 3


@pytest.mark.parametrize("command", ["encode", "reconstruct", "score"])
def test_an_imputer_model_is_refused_by_the_autoencoder_commands(command, tmp_path):
    # 'aekit encode imp.safetensors' ran the imputer's transform (a filled table) as codes and
    # failed with a traceback (user audit)
    import aekit

    table = labelled(60).drop(columns="y")
    table.loc[::5, table.columns[0]] = np.nan
    aekit.AutoencoderImputer(max_iter=2, n_estimators=1, random_state=0).fit(table).save(
        tmp_path / "imp.safetensors"
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    result = invoke(
        command, tmp_path / "imp.safetensors", tmp_path / "t.csv", "-o", tmp_path / "o.csv"
    )
    refused(result, "holds an AutoencoderImputer", "aekit impute DATA --model")
    assert not (tmp_path / "o.csv").exists()
