"""A detector run fitted on a bool column, scored on new files: words that are not the bools
of fit are unseen categories, and only the rows that hold them."""

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke

import aekit

QUICK = ["--param", "n_estimators=1"]


def _bool_column_run(tmp_path):
    """A table with a bool column, and a detector RUN fitted on it."""
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=120), "flag": rng.random(120) > 0.5})
    table.to_csv(tmp_path / "t.csv", index=False)
    out = tmp_path / "run"
    assert invoke("detect", tmp_path / "t.csv", "--out", out, *QUICK, "--quiet").exit_code == 0
    return table, out


def test_score_takes_an_unseen_value_in_a_bool_column(tmp_path):
    # A bool column fitted as True/False and scored as yes/no: the stand-in category (a bool)
    # was written into a text column, which pandas refused ("Invalid value 'False'").
    table, out = _bool_column_run(tmp_path)
    table.iloc[:5].assign(flag=["yes", "no", "yes", "no", "yes"]).to_csv(
        tmp_path / "n.csv", index=False
    )
    with pytest.warns(UserWarning, match="flag=yes \\(unseen\\)"):
        result = invoke("score", out, tmp_path / "n.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    assert (pd.read_csv(tmp_path / "s.csv")["anomaly_score"] == np.inf).all()


def test_one_typo_in_a_bool_column_flags_its_row_alone(tmp_path):
    # A CSV reader takes a bool column holding one 'yes' as text: every 'True'/'False' was an
    # unseen category too, all 20 rows scored inf. Now the words are the bools of fit.
    table, out = _bool_column_run(tmp_path)
    typo = table.iloc[:20].astype({"flag": str})
    typo.loc[3, "flag"] = "yes"
    typo.to_csv(tmp_path / "typo.csv", index=False)
    with pytest.warns(UserWarning, match=r"1 row\(s\) hold a category not seen"):
        result = invoke("score", out, tmp_path / "typo.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    scores = pd.read_csv(tmp_path / "s.csv")["anomaly_score"]
    assert np.isinf(scores).tolist() == [i == 3 for i in range(20)]
    detector = aekit.load(out / "model.safetensors")
    clean = [i for i in range(20) if i != 3]
    assert np.allclose(scores[clean], detector.anomaly_score(table.iloc[clean]))
    words = table.iloc[:20].assign(
        flag=table["flag"].iloc[:20].map({True: " TRUE", False: "false"})
    )
    assert np.allclose(detector.anomaly_score(words), detector.anomaly_score(table.iloc[:20]))
