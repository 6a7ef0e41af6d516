"""scikit-learn's own estimator checks, and the estimators inside scikit-learn's machinery."""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import aekit

TINY = dict(max_iter=2, hidden_layer_sizes=(8,), latent_dim=2, random_state=0)
ESTIMATORS = [
    aekit.Autoencoder(**TINY),
    aekit.DenoisingAutoencoder(**TINY),
    aekit.SparseAutoencoder(**TINY),
    aekit.ContractiveAutoencoder(**TINY),
    aekit.VariationalAutoencoder(**TINY),
    aekit.ConditionalVAE(**TINY),
    # codes are float32 for any input (declared: preserves_dtype); a dict in a text column is
    # a TypeError naming the column (was pandas' "unhashable type: 'dict'")
    aekit.TabularEncoder(),
]


# No expected failures: every check passes for every estimator.
@parametrize_with_checks(ESTIMATORS)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_vae_features_in_a_grid_searched_pipeline_on_the_digits():
    X, y = aekit.data.datasets.load_digits()
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            # 5 epochs, not 15: test accuracy 0.75-0.78 over seeds 0-2 (15, seeds 1-2: 0.81-0.82),
            # still far above the bar of 0.6
            ("vae", aekit.VariationalAutoencoder(latent_dim=8, max_iter=5, random_state=0)),
            ("classify", LogisticRegression(max_iter=500)),
        ]
    )
    search = GridSearchCV(pipe, {"vae__beta": [0.5, 1.0]}, cv=2).fit(X[:600], y[:600])
    assert search.best_params_["vae__beta"] in (0.5, 1.0)
    # Features learned without labels carry the digit identity: far above chance (0.1).
    assert search.score(X[600:], y[600:]) > 0.6


def test_set_output_pandas_names_latent_columns_and_keeps_feature_names():
    X, _ = aekit.data.datasets.load_digits()
    frame = pd.DataFrame(X[:200], columns=[f"pixel_{i}" for i in range(64)])
    est = aekit.Autoencoder(latent_dim=3, max_iter=2, random_state=0).set_output(transform="pandas")
    Z = est.fit(frame).transform(frame)
    assert isinstance(Z, pd.DataFrame) and list(Z.columns) == ["z0", "z1", "z2"]
    assert list(est.feature_names_in_) == list(frame.columns)
    cloned = clone(est)
    assert cloned.get_params() == est.get_params() and not hasattr(cloned, "model_")
    np.testing.assert_array_equal(Z.index, frame.index)


def test_set_output_is_kept_by_save_and_load(tmp_path):
    # a pickle kept it; the model file lost it, and a loaded model returned arrays
    from aekit.io.files import read_header
    from aekit.io.model_file import MODEL

    X, _ = aekit.data.datasets.load_digits()
    frame = pd.DataFrame(X[:100], columns=[f"p{i}" for i in range(64)])
    est = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0).set_output(transform="pandas")
    est.fit(frame).save(tmp_path / "ae.safetensors")
    loaded = aekit.load(tmp_path / "ae.safetensors")
    pd.testing.assert_frame_equal(loaded.transform(frame), est.transform(frame))
    plain = aekit.Autoencoder(latent_dim=2, max_iter=1, random_state=0).fit(X[:100])
    plain.save(tmp_path / "plain.safetensors")
    assert read_header(tmp_path / "ae.safetensors", MODEL)["output"] == {"transform": "pandas"}
    assert "output" not in read_header(tmp_path / "plain.safetensors", MODEL)  # as before
    assert isinstance(aekit.load(tmp_path / "plain.safetensors").transform(X[:5]), np.ndarray)


# The checks' data are 2-D blobs: an encoder of 16 units and a 1-d code, fine-tuned at full speed.
ENCODER = {**TINY, "latent_dim": 1, "hidden_layer_sizes": (16,)}
# 20 epochs, not 60: the two checks that score the fit still pass far above their bars
# (check_classifiers_train's accuracy 0.98 and 0.93 against 0.83, at 60: 0.98 and 0.94;
# check_regressors_train's R2 0.88 against 0.5, at 60: 0.94), in a third of the steps
FINE_TUNED = dict(max_iter=20, learning_rate_init=0.02, encoder_lr_factor=1.0, random_state=0)
FINE_TUNED["min_rows_per_epoch"] = 1  # one pass per epoch: the checks fit many times
FINE_TUNED["early_stopping"] = False


@parametrize_with_checks(
    [
        aekit.FineTunedClassifier(aekit.Autoencoder(**ENCODER), **FINE_TUNED),
        aekit.FineTunedRegressor(aekit.Autoencoder(**ENCODER), **FINE_TUNED),
    ]
)
def test_fine_tuning_estimators_pass_scikit_learn_checks(estimator, check):
    check(estimator)


def test_the_readme_scorers_resolve_in_a_fresh_session():
    # aekit.estimators was an attribute only once an estimator had imported it: the README's
    # cross_val_score(..., scoring=aekit.estimators.anomaly_roc_auc) failed as a script's first use
    import subprocess
    import sys

    probe = "import aekit; aekit.estimators.anomaly_roc_auc; aekit.estimators.labelled_accuracy"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_set_params_after_fit_leaves_the_fitted_codes_width_and_names():
    # the names, the draws and the checks read the parameter, not the fitted network: after
    # set_params(latent_dim=4) 4 names for 2 columns broke set_output, sample drew 4 units
    X = np.random.default_rng(1).normal(size=(120, 6))
    vae = aekit.VariationalAutoencoder(latent_dim=2, max_iter=2, random_state=0).fit(X)
    vae.set_params(latent_dim=4)
    assert list(vae.get_feature_names_out()) == ["z0", "z1"]
    codes = vae.set_output(transform="pandas").transform(X)
    assert list(codes.columns) == ["z0", "z1"]
    assert vae.inverse_transform(codes.to_numpy()).shape == X.shape
    assert vae.sample(3).shape == (3, 6) and vae.manifold_grid(2).shape == (2, 2, 6)
    import torch

    assert vae.decoder_module()(torch.zeros(1, 2)).shape == (1, 6)  # the export's module
    assert vae.latent_dim_ == 2 and vae.get_params()["latent_dim"] == 4
    compressor = aekit.Compressor(latent_dim=2, max_iter=2, random_state=0).fit(X)
    compressor.set_params(latent_dim=5)
    assert compressor.decompress(compressor.compress(X)).shape == X.shape
    hasher = aekit.SemanticHasher(n_bits=8, max_iter=2, random_state=0).fit(X)
    hasher.set_params(n_bits=16)
    assert len(hasher.get_feature_names_out()) == hasher.transform(X).shape[1] == 8
