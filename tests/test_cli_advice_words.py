"""Advice the library words for Python, said in the command line's words: a command fits one
series per DATA, reads --normal-rows, takes DATA's labels from a column or a file, and names
its own options (--steps, -k, --label-column, --param ...)."""

import numpy as np
import pytest

import aekit
from aekit.cli.errors import for_the_command_line


def test_advice_to_fit_a_list_and_unseen_labels_are_said_for_the_command_line():
    from aekit.cli.errors import for_the_command_line

    gaps = (
        "handle_missing='interpolate' made up 300 of the 1000 points (30%) of the grid of X "
        "(one point every 5 minutes): they have no row within half a step; the longest gap, "
        "after row 10, is 2 days (576 steps). Windows over long gaps score straight lines; cut "
        "the series at its long gaps and fit the pieces as a list."
    )
    said = for_the_command_line(gaps)  # a command fits one series: no list to give it
    assert said.endswith(
        "; cut DATA at its long gaps into files of their own, and run the command on each."
    ), said
    normal = "X_normal has 5 features, but AnomalyDetector is expecting 9 features as input."
    assert for_the_command_line(normal) == (
        "--normal-rows has 5 columns, but DATA has 9: give normal rows of DATA's columns."
    )
    unseen = "y contains labels not seen in fit: [42]; known labels are [0, 1, 2]."
    assert for_the_command_line(unseen) == (
        "DATA's labels (--label-column, --labels FILE, an .npz's y or an image folder's "
        "sub-folder names) hold labels the model was not trained on: [42]; its labels are "
        "[0, 1, 2]. Fix those labels, or leave them out (a folder's images directly in it, with "
        "no sub-folders, have none)."
    )


def test_retrieval_options_are_named_as_typed():
    # 'aekit search ... --label-column foo' said "label_column and columns apply to tables"
    # (there is no --columns), and -k 5000 "k=5000 is more than ..."
    from aekit.cli.errors import for_the_command_line

    said = for_the_command_line("label_column and columns apply to tables, not to X.npy.")
    assert said == (
        "--label-column applies to a table; DATA X.npy is an array, which has no columns: "
        "leave --label-column out."
    )
    said = for_the_command_line("label_column and columns apply to tables; pics holds images.")
    assert said.startswith("--label-column applies to a table; DATA pics is a folder of images")
    assert for_the_command_line("k=5000 is more than the 1797 rows in the index.") == (
        "-k 5000 is more than the 1797 rows in the index."
    )


def test_values_outside_a_bernoulli_models_range_are_said_for_the_command_line():
    # 'aekit score' of 0-16 digits against a model of [0, 1] rows said "scale X ... np.clip"
    X = np.random.default_rng(0).random((40, 4))
    model = aekit.Autoencoder(max_iter=1, hidden_layer_sizes=(4,), latent_dim=2).fit(X)
    with pytest.raises(ValueError) as caught:
        model.score_samples(16 * X)
    line = for_the_command_line(str(caught.value))
    assert line.startswith("the model was trained on values in [0, 1] (a Bernoulli likelihood)")
    assert "DATA ranges over [0.04382, 15.96]" in line and "np." not in line and " X " not in line
    with pytest.raises(ValueError) as caught:
        aekit.Autoencoder(max_iter=1, likelihood="bernoulli").fit(16 * X)
    line = for_the_command_line(str(caught.value))
    assert line.startswith("--param likelihood=bernoulli needs values in [0, 1], but DATA")
    # the Compressor's max_iter also takes 'auto': its message said so, and was left as it was
    compressor = (
        "The 'max_iter' parameter of Compressor must be an int in the range [1, inf) or a str "
        "among {'auto'}. Got 0 instead."
    )
    assert for_the_command_line(compressor, {"epochs"}).startswith("--epochs (max_iter) must")


def test_interpolate_names_its_steps_option():
    # "steps=1 must be ..." named the Python parameter on the command line
    said = for_the_command_line("steps=1 must be an int of at least 2 (the endpoints).", set())
    assert said == "--steps 1 must be an int of at least 2 (the endpoints).", said


def test_a_series_time_step_advice_names_data():
    # detect-series and score said "resample X to one point every 1 hour": there is no X
    said = for_the_command_line(
        "X is sampled every 1 minute, but the detector was fitted on series sampled every 1 "
        "hour: a window then spans another stretch of time; resample X to one point every 1 "
        "hour.",
        set(),
    )
    assert said.startswith("DATA is sampled every 1 minute") and " X " not in said, said
    assert said.endswith("resample DATA to one point every 1 hour."), said


def test_a_neighbour_count_above_the_rows_is_advised_as_a_param():
    # 'aekit detect' on 3 rows said "choose input_neighbors below 3", a Python name
    said = for_the_command_line(
        "input_neighbors gives k=3, but there are 3 training rows (each has 2 others): the "
        "distance is cut to the farthest of them; choose input_neighbors below 3, or a fraction "
        "of the rows (e.g. 0.03).",
        set(),
    )
    assert said.endswith(
        "pass --param input_neighbors=K with K below 3, or a fraction of the rows "
        "(--param input_neighbors=0.03)."
    ), said


def test_a_series_runs_left_out_text_column_names_the_options_that_drop_it():
    # at score the channels are the fitted ones: no --value-columns to choose them, which
    # 'aekit score' lacks; the column was dropped without a word before
    said = (
        "text column(s) note left out of the channels (only numbers are scored); the model "
        "scores the channels ['v']; drop the column(s) from X to leave them out quietly."
    )
    typed = for_the_command_line(said, {"id_column"})
    assert typed.endswith(
        "the model scores the channels ['v']; to leave one out quietly, --id-column (it is then "
        "written beside each point's score) or --ignore-column."
    ), typed
    assert "--value-columns" not in typed


def test_search_says_query_where_a_command_of_data_says_data():
    # 'aekit search INDEX QUERY' said "DATA has 10 features", an argument it has not
    said = "X has 10 features, but SemanticHasher is expecting 64 features as input."
    assert for_the_command_line(said, {"query"}).startswith("QUERY has 10 columns")
    assert for_the_command_line(said, {"data"}).startswith("DATA has 10 columns")


def test_a_date_columns_refusal_names_the_options_for_the_text_columns():
    said = (
        "X has non-numeric columns: day, city. Column 'day' holds dates (x); convert it. Then "
        "encode city: aekit.TabularEncoder one-hot encodes them reversibly; or drop them."
    )
    typed = for_the_command_line(said, set())
    assert "TabularEncoder" not in typed and "(city) out with --ignore-column" in typed


def test_an_array_of_one_axis_is_said_as_data_with_the_reshape():
    # a .npz's 1-D X reached the command line in the Python API's words ("Reshape your data")
    said = (
        "X must have 2 axes (n_samples, n_features), 3 (n, channels, length) or 4 (n, C, H, W); "
        "got shape (10,). Reshape your data either using X.reshape(-1, 1) if it has a single "
        "feature or X.reshape(1, -1) if it is a single sample."
    )
    assert for_the_command_line(said, set()) == (
        "DATA holds an array of one axis, shape (10,), where a table of rows and columns is "
        "read: save it as X.reshape(-1, 1) (one column) or X.reshape(1, -1) (one row)."
    )


def test_a_seed_out_of_range_is_said_as_the_seed_option():
    # 'aekit generate RUN --seed -1' said "random_state=-1 is out of range; give an int in
    # [0, 2**32 - 1], a np.random.RandomState, ..." (Python's words)
    from aekit.estimators._random_states import random_state_of

    with pytest.raises(ValueError) as caught:
        random_state_of(-1)
    said = for_the_command_line(str(caught.value), {"seed"})
    assert said == "--seed must be an int in the range [0, 4294967295]; got -1.", said  # as train


def test_a_detectors_members_not_learning_are_not_told_to_use_detects_param():
    # 'aekit detect' advised --param tol / learning_rate_init / batch_size, which the detector
    # refuses ('AnomalyDetector has no parameter tol'): they are its members' settings, which
    # its member_params sets
    stopped = (
        "It stopped before max_iter, its loss improving by less than tol=0.0001 for "
        "n_iter_no_change=10 epochs: train longer (a smaller tol or a larger n_iter_no_change) "
        "or with a larger learning_rate_init."
    )
    detect = {"param", "normal_rows", "contamination"}  # detect's options (--normal-rows)
    for text in (stopped, "Train longer (a larger max_iter) or with a larger learning_rate_init.",
                 "2 steps an epoch: a smaller batch_size (e.g. 32) takes more."):  # fmt: skip
        said = for_the_command_line(text, detect)
        assert "--param tol" not in said and "--param learning_rate_init" not in said
        # the members' settings through detect's own --param (member_params, read by detect)
        assert "--param batch_size" not in said and "--param 'member_params={" in said
    train = for_the_command_line(stopped, {"param", "epochs"})
    assert "--param learning_rate_init=0.003" in train  # train's --param sets them
