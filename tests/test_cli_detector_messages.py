"""What the command line says of a detector run used as something else, and of new rows that
are flagged for a column of identifiers rather than for what they hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cli_helpers import invoke, ok, refused

QUICK = ["--param", "n_estimators=1", "--quiet"]


@pytest.fixture(scope="module")
def customers(tmp_path_factory):
    """Customers with an id column left undeclared: the detector took it for a category."""
    folder = tmp_path_factory.mktemp("customers")
    rng = np.random.default_rng(0)
    for name, start in (("old", 0), ("new", 1000)):
        frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=list("abc"))
        frame.insert(0, "customer", [f"C{start + i:05d}" for i in range(200)])
        frame.to_csv(folder / f"{name}.csv", index=False)
    ok(invoke("detect", folder / "old.csv", "--out", folder / "run", *QUICK))
    return folder


def test_new_ids_are_named_as_the_cause_not_drift(customers):
    # every new customer was flagged for an id never seen, and score blamed a drift
    with pytest.warns(UserWarning) as said:
        result = ok(invoke("score", customers / "run", customers / "new.csv", "-o",
                           customers / "s.csv"))  # fmt: skip
    warning = next(str(w.message) for w in said if "not seen in training" in str(w.message))
    assert "Most rows hold a value of 'customer' never seen in training" in warning
    assert "(the command line: --id-column customer)" in warning
    assert "200 of them for a category never seen in training" in result.output
    assert "drift" not in result.output


def test_predict_of_a_detector_run_names_score(customers):
    result = invoke("predict", customers / "run", customers / "new.csv", "-o", customers / "p.csv")
    refused(result, "predict needs a cvae or a finetune run; a detector's flags: aekit score")
