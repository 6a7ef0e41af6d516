"""A pickle of an aekit estimator records the aekit that wrote it, and loading it under another
warns, naming both versions: scikit-learn's ``BaseEstimator`` records scikit-learn's version
for scikit-learn's own classes alone, so an aekit estimator's pickle recorded no version and
loaded silently under any aekit."""

import pickle
import warnings

import numpy as np
import pytest

import aekit
import aekit.io.pickled_versions as versions
from aekit.io.pickled_versions import VERSION_KEY, InconsistentAekitVersionWarning

X = np.random.default_rng(0).normal(size=(60, 4))


def pickled_under(version: str, estimator: object, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """``estimator`` pickled as aekit ``version`` would pickle it."""
    with monkeypatch.context() as patch:
        patch.setattr(versions, "__version__", version)
        return pickle.dumps(estimator)


@pytest.mark.parametrize(
    "estimator",
    [aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0), aekit.TabularEncoder()],
    ids=lambda e: type(e).__name__,
)
def test_a_pickle_of_another_aekit_warns_naming_both_versions(estimator, monkeypatch):
    fitted = estimator.fit(X)
    expected = fitted.transform(X)
    assert VERSION_KEY not in vars(fitted)  # the pickle's state has it, the estimator does not
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same aekit: silent
        same = pickle.loads(pickle.dumps(fitted))
    assert VERSION_KEY not in vars(same)
    blob = pickled_under("0.0.1", fitted, monkeypatch)
    with pytest.warns(InconsistentAekitVersionWarning) as said:
        loaded = pickle.loads(blob)
    (warning,) = said.list
    name = type(estimator).__name__
    assert str(warning.message).startswith(
        f"This {name} was pickled by aekit 0.0.1 and is loaded by aekit {aekit.__version__}"
    )
    assert warning.message.original_aekit_version == "0.0.1"
    assert warning.filename == __file__  # the line that loads it
    assert VERSION_KEY not in vars(loaded)
    np.testing.assert_array_equal(loaded.transform(X), expected)  # a warning, the model loads


def test_a_pickle_that_recorded_no_version_warns_that_it_did_not(monkeypatch):
    # a pickle of an aekit before this one recorded nothing: what BaseEstimator's state was
    fitted = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0).fit(X)

    def unrecorded(self):  # the state below the mixin: what an earlier aekit pickled
        return super(versions.RecordsAekitVersion, self).__getstate__()

    monkeypatch.setattr(versions.RecordsAekitVersion, "__getstate__", unrecorded)
    blob = pickle.dumps(fitted)
    monkeypatch.undo()
    with pytest.warns(InconsistentAekitVersionWarning, match="an earlier aekit, which recorded no"):
        pickle.loads(blob)


def test_each_estimator_of_a_detectors_pickle_records_the_version(monkeypatch):
    detector = aekit.AnomalyDetector(n_estimators=1, contamination=0.1, random_state=0)
    blob = pickled_under("0.0.1", detector.fit(X), monkeypatch)
    with pytest.warns(InconsistentAekitVersionWarning) as said:
        pickle.loads(blob)
    named = {w.message.estimator_name for w in said.list}
    assert named == {"AnomalyDetector", "DenoisingAutoencoder", "TabularEncoder"}


def test_joblib_load_warns_at_the_line_that_loads(monkeypatch, tmp_path):
    # joblib's unpickler is pickle's pure-Python one: the warning named pickle.py's line
    import joblib

    fitted = aekit.TabularEncoder().fit(X)
    with monkeypatch.context() as patch:
        patch.setattr(versions, "__version__", "0.0.1")
        joblib.dump(fitted, tmp_path / "e.joblib")
    with pytest.warns(InconsistentAekitVersionWarning) as said:
        joblib.load(tmp_path / "e.joblib")
    assert [warning.filename for warning in said.list] == [__file__]
