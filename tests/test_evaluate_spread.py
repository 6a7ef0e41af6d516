"""The standard errors ``aekit evaluate`` prints beside its means, merged over chunks."""

import numpy as np
import pytest

import aekit
from aekit.cli.evaluate import Sums, _merged_spread, standard_error


def numpy_standard_error(values) -> float:
    return float(np.std(values, ddof=1) / np.sqrt(len(values)))


@pytest.mark.parametrize("offset", [0.0, 1e9])
def test_chunks_merge_to_the_standard_error_of_all_values(offset):
    values = offset + np.random.default_rng(0).normal(size=1001)
    spread = None
    for part in np.array_split(values, [1, 300, 301, 700]):  # one of a single value
        spread = _merged_spread(spread, part)
    # far from zero too, where a sum of squares would have lost every digit of the spread
    assert standard_error(spread) == pytest.approx(numpy_standard_error(values - offset), rel=1e-6)
    assert standard_error(_merged_spread(None, values[:1])) is None


def test_a_vae_evaluated_in_chunks_reports_its_rows_spread(digits):
    X = digits[0]
    vae = aekit.VAE(latent_dim=4, max_iter=2, random_state=0).fit(X)
    sums = Sums(variational=True, n_samples=5)
    for part in (X[:25], X[25:]):  # evaluate reads DATA a chunk at a time
        sums.add(vae, part, None)
    result = sums.result()
    nll = -vae.log_likelihood(X, n_samples=5)  # per-row draws: a row's value is its own
    assert result["nll"] == pytest.approx(nll.mean(), rel=1e-6)
    assert result["nll_standard_error"] == pytest.approx(numpy_standard_error(nll), rel=1e-4)
    assert result["mean_score_standard_error"] == pytest.approx(
        numpy_standard_error(vae.elbo(X)), rel=1e-4
    )


def test_evaluate_writes_json_to_a_json_file_only(tmp_path):
    # -o e.npy and -o e.png were written JSON, unsaid (np.load then failed)
    from cli_helpers import invoke, refused

    result = invoke("evaluate", "nothere", "digits", "-o", tmp_path / "e.npy")
    refused(result, f"-o {tmp_path / 'e.npy'}: evaluate writes JSON; name a .json file")
    assert not (tmp_path / "e.npy").exists()
