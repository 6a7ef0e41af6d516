"""A detector's warning of members that have not learned says how to reach them in Python:
through member_params (it advised "a larger max_iter", which the detector does not take)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import aekit

ROWS = np.random.default_rng(0).normal(size=(60, 3))


def unlearned_warning(detector) -> str:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        detector.fit(ROWS)
    (warning,) = [w for w in said if issubclass(w.category, ConvergenceWarning)]
    return str(warning.message)


@pytest.mark.parametrize("given, advised", [(1, 200), (150, 300)])
def test_the_default_members_are_advised_member_params_beyond_their_own(given, advised):
    detector = aekit.AnomalyDetector(
        n_estimators=1, member_params={"max_iter": given, "learning_rate_init": 1e-6}
    )
    said = unlearned_warning(detector)
    assert said.endswith(
        " The detector's members take max_iter, learning_rate_init and batch_size through "
        f"member_params, e.g. AnomalyDetector(member_params={{'max_iter': {advised}, "
        "'learning_rate_init': 0.003}).",
    )


def test_a_users_own_estimator_keeps_its_own_advice():
    member = aekit.Autoencoder(max_iter=1, learning_rate_init=1e-6, random_state=0)
    said = unlearned_warning(aekit.AnomalyDetector(estimator=member, n_estimators=1))
    assert "a larger max_iter" in said and "member_params" not in said


def test_detects_refusal_of_a_shared_checkpoint_names_its_options(tmp_path, capsys):
    # it advised "(n_estimators=1, trim_fraction=0)", Python's words: 'aekit detect' sets them
    # with --param
    import aekit.cli

    data = tmp_path / "rows.npy"
    np.save(data, ROWS)
    status = aekit.cli.run(
        ["detect", str(data), "--out", str(tmp_path / "RUN"), "--no-data-hash", "--param",
         f"member_params={{checkpoint_dir='{tmp_path / 'ck'}'}}"]
    )  # fmt: skip
    assert status == 2
    said = capsys.readouterr().err
    assert said.startswith("aekit: error: --param member_params sets checkpoint_dir=")
    assert said.endswith(
        "Leave checkpoint_dir out of it, or fit one member without a refit (--param "
        "n_estimators=1 --param trim_fraction=0).\n"
    )
    assert not (tmp_path / "RUN").exists()
