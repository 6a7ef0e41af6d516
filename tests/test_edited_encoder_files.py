"""An edited table encoding (a RUN's encoder.json, ``TabularEncoder.save``'s file) is refused
as it loads, naming the file and the entry: it loaded, then failed on the first rows in Python's
words ("'str' object has no attribute 'items'"), or blamed the user's DATA for its own NaN."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, refused

import aekit


@pytest.fixture(scope="module")
def table_run(tmp_path_factory):
    """A RUN of a table with a text column, as ``aekit train`` leaves one (a model, its
    encoder.json and config.toml's record of it), and a table of new rows."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "size": rng.normal(10, 2, 60),
            "colour": rng.choice(["red", "green", "blue"], 60),
            "weight": rng.gamma(2.0, 3.0, 60),
        }
    )
    encoder = aekit.TabularEncoder().fit(frame)
    model = aekit.Autoencoder(latent_dim=2, hidden_layer_sizes=[8], max_iter=2, random_state=0)
    folder = tmp_path_factory.mktemp("encoded")
    run = folder / "RUN"
    model.fit(encoder.transform(frame)).save(run / "model.safetensors")
    encoder.save(run / "encoder.json")
    (run / "config.toml").write_text('[model]\nencoder = "encoder.json"\n')
    frame.to_csv(folder / "new.csv", index=False)
    return run, folder / "new.csv"


def edited_run(table_run, tmp_path, edit) -> tuple:
    """A copy of the RUN whose encoder.json has ``edit(state)`` applied."""
    import shutil

    source, data = table_run
    run = tmp_path / "EDITED"
    shutil.copytree(source, run)
    state = json.loads((run / "encoder.json").read_text())
    edit(state)
    (run / "encoder.json").write_text(json.dumps(state))
    return run, data


def _set(key, value):
    return lambda state: state.update({key: value})


def _column(key, column, value):
    return lambda state: state[key].update({column: value})


def _add_category(state):  # one more category than its group has columns for
    state["categories"]["colour"].append("pink")


EDITS = {
    "mean-text": (_set("mean", "x"), "its 'mean' entry is 'x', not an object of each numeric"),
    "categories-null": (_set("categories", None), "its 'categories' entry is null, not an"),
    "mean-null": (_set("mean", None), "its 'mean' entry is null"),
    "scale-null": (_set("scale", None), "its 'scale' entry is null"),
    "range-text": (_set("range", "x"), "its 'range' entry is 'x'"),
    "mean-nan": (_column("mean", "size", float("nan")), "mean['size'] is nan; a column's mean"),
    "scale-0": (_column("scale", "size", 0.0), "scale['size'] is 0.0; a scale must be positive"),
    "scale-negative": (_column("scale", "size", -1.0), r"scale['size'] is -1.0; a scale must"),
    "scale-inf": (_column("scale", "size", float("inf")), "scale['size'] is inf; a scale must"),
    "range-nan": (_column("range", "size", [float("nan"), 1.0]), "range['size'] is nan; a range"),
    "category-added": (_add_category, "group 'colour' spans 3 columns, but its categorical"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edited_encoding_is_refused_at_load_naming_the_entry(table_run, tmp_path, name):
    edit, what = EDITS[name]
    run, _ = edited_run(table_run, tmp_path, edit)
    path = run / "encoder.json"
    with pytest.raises(ValueError) as raised:  # AttributeError from set_state, or loaded
        aekit.TabularEncoder.load(path)
    assert str(raised.value).startswith(f"{path} is damaged or no table encoding ({what}")
    fix = "; write it again (TabularEncoder.save, or train the RUN again)."
    assert str(raised.value).endswith(fix)


@pytest.mark.parametrize("name", ["mean-text", "mean-nan", "scale-0"])
def test_score_of_a_run_with_an_edited_encoding_names_the_file(table_run, tmp_path, name):
    # a traceback (AttributeError), or "DATA has 60 values that are not finite ... aekit impute"
    edit, what = EDITS[name]
    run, data = edited_run(table_run, tmp_path, edit)
    out = tmp_path / "scores.csv"
    said = refused(invoke("score", run, data, "-o", out))
    assert said.startswith(f"{run / 'encoder.json'} is damaged or no table encoding ({what}")
    assert not out.exists()


def test_a_fitted_encoding_still_loads(table_run):
    run, data = table_run
    loaded = aekit.TabularEncoder.load(run / "encoder.json")
    assert loaded.transform(pd.read_csv(data)).shape == (60, 5)


def _wider(state):  # a category added with its column: an encoding of 6 columns, not 5
    state["categories"]["colour"].append("pink")
    state["groups"][1][2] += 1
    state["groups"][2][1:3] = [state["groups"][2][1] + 1, state["groups"][2][2] + 1]


def test_a_run_whose_encoding_is_wider_than_its_model_is_refused(table_run, tmp_path, monkeypatch):
    # score failed in numpy's words, serve started, export wrote graphs that could never run
    from aekit.serve import runner

    served = []  # a server that started would serve until stopped: noted, never started
    monkeypatch.setattr(runner, "_serve_one", lambda *args: served.append(args))
    run, data = edited_run(table_run, tmp_path, _wider)
    said = (
        f"{run / 'encoder.json'} (the RUN's table encoding) writes 6 columns but the "
        "Autoencoder reads rows of shape (5,); put back the RUN's own encoder.json, or train "
        "the RUN again."
    )
    out = tmp_path / "scores.csv"
    assert refused(invoke("score", run, data, "-o", out)) == said
    assert refused(invoke("export", run, "-o", tmp_path / "onnx")) == said
    assert refused(invoke("serve", run)) == said
    assert not out.exists() and not (tmp_path / "onnx").exists() and not served
