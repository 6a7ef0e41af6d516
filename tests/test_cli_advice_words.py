"""Advice the library words for Python, said in the command line's words: a command fits one
series per DATA, reads --normal-rows, and takes DATA's labels from a column or a file."""


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
        "DATA's labels (--label-column, --labels FILE or an .npz's y) hold labels the model was "
        "not trained on: [42]; its labels are [0, 1, 2]. Fix those labels, or leave them out."
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
