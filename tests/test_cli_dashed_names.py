"""A DATA file whose name starts with '-' is read by the shell's rules as options: click said
"No such option: -d" of '-data.csv', and nothing of the file; the line now says how to name it."""

from aekit.cli import run


def test_a_file_named_like_an_option_is_said_with_its_fix(tmp_path, monkeypatch, capsys):
    (tmp_path / "-data.csv").write_text("a,b\n1,2\n3,4\n")
    monkeypatch.chdir(tmp_path)
    # aekit.cli.run: the command's status and stderr as the aekit process gives them
    assert run(["train", "-data.csv", "--out", "R"]) == 2
    stderr = capsys.readouterr().err
    assert stderr.startswith(
        "aekit: error: No such option: -d (-data.csv is a file: write ./-data.csv for a name "
        "that starts with '-'). See '"
    ), stderr
    assert not (tmp_path / "R").exists()
