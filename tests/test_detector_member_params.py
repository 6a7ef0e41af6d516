"""``AnomalyDetector(member_params=...)``: the default member, sized to the data inside ``fit``,
tuned through a public parameter, so a search can reach it; it was out of reach
(``estimator=None`` has no ``estimator__max_iter`` to set, and the builder is internal)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold

import aekit
from aekit.anomaly.members import default_member, tuned_member

rng = np.random.RandomState(0)
X = rng.normal(size=(150, 4))
QUICK = dict(n_estimators=1, random_state=0)


def test_member_params_set_the_default_member_over_its_data_sized_values():
    default = aekit.AnomalyDetector(**QUICK).fit(X)
    (plain,) = default.estimators_
    tuned = aekit.AnomalyDetector(
        **QUICK, member_params={"max_iter": 3, "hidden_layer_sizes": [16]}
    )
    (member,) = tuned.fit(X).estimators_
    assert member.max_iter == member.n_iter_ == 3 and member.hidden_layer_sizes == [16]
    # the rest stays the default's: its kind, noise, code and batch sized to the data
    assert type(member) is type(plain) is aekit.DenoisingAutoencoder
    kept = ("noise", "noise_level", "latent_dim", "batch_size", "likelihood")
    assert {k: member.get_params()[k] for k in kept} == {k: plain.get_params()[k] for k in kept}
    # its data-sized value given back, or nothing, is the default detector, to the last bit
    same = {"max_iter": plain.max_iter, "hidden_layer_sizes": (64, 32)}
    for params in (same, {}):
        again = aekit.AnomalyDetector(**QUICK, member_params=params).fit(X)
        np.testing.assert_array_equal(again.score_samples(X), default.score_samples(X))


def test_a_grid_search_tunes_the_default_member_and_clones_keep_member_params():
    anomalies = rng.normal(size=(10, 4)) + 5.0
    rows, y = np.r_[X, anomalies], np.r_[np.zeros(len(X)), np.ones(10)]
    grid = {"member_params": [{"max_iter": 2}, {"max_iter": 4}]}
    detector = aekit.AnomalyDetector(**QUICK)
    folds = StratifiedKFold(2, shuffle=True, random_state=0)
    search = GridSearchCV(detector, grid, scoring=aekit.estimators.anomaly_roc_auc, cv=folds)
    search.fit(rows, y)
    chosen = search.best_params_["member_params"]["max_iter"]
    assert [m.n_iter_ for m in search.best_estimator_.estimators_] == [chosen]
    twin = clone(search.best_estimator_)
    assert twin.member_params == {"max_iter": chosen}
    assert twin.member_params is not search.best_estimator_.member_params


def test_member_params_survive_save_and_load(tmp_path):
    params = {"max_iter": 2, "hidden_layer_sizes": (16, 8)}
    fitted = aekit.AnomalyDetector(**QUICK, member_params=params).fit(X)
    fitted.save(tmp_path / "d.safetensors")
    loaded = aekit.load(tmp_path / "d.safetensors")
    assert loaded.member_params == params  # tuples come back as tuples, not JSON's lists
    np.testing.assert_array_equal(loaded.score_samples(X), fitted.score_samples(X))


@pytest.mark.parametrize(
    "given, said",
    [
        ({"member_params": {"max_itre": 3}}, r"names \['max_itre'\], which the default member, "
         r"a DenoisingAutoencoder, does not take \(did you mean max_iter\?\); its parameters "
         r"are \['activation'"),
        ({"member_params": {"random_state": 3}}, r"sets random_state, which the detector sets on "
         r"each member \(each seeded from AnomalyDetector\(random_state=\.\.\.\)"),
        ({"member_params": {"max_iter": 3}, "estimator": aekit.Autoencoder()},
         r"estimator=Autoencoder\(\.\.\.\) is given: set them there \(e\.g\. "
         r"Autoencoder\(max_iter=3\)\) and leave member_params=None"),
        ({"member_params": [("max_iter", 3)]}, r"'member_params' parameter of AnomalyDetector"),
    ],
)  # fmt: skip
def test_member_params_that_cannot_apply_are_refused_before_training(given, said):
    with pytest.raises(ValueError, match=said):
        aekit.AnomalyDetector(**QUICK, **given).fit(X)


def test_detects_advice_for_its_members_is_a_member_params_the_command_reads():
    # 'aekit detect' said its --param could not reach the members ("train them so in Python,
    # AnomalyDetector(estimator=Autoencoder(max_iter=200, ...))"); member_params does
    import re

    from aekit.anomaly.members import default_member, tuned_member
    from aekit.cli.errors import for_the_command_line
    from aekit.cli.runs import parse_value

    warnings = [
        "Train longer (a larger max_iter) or with a larger learning_rate_init.",
        "; train longer (a smaller tol or a larger n_iter_no_change) or with a larger "
        "learning_rate_init.",
        ": a smaller batch_size (e.g. 32) takes more.",
    ]
    advised = []
    for text in warnings:
        said = for_the_command_line(text, {"normal_rows", "param"})
        typed = re.search(r"--param 'member_params=(\{[^}]*\})'", said)[1]
        advised.append(parse_value(typed))
        tuned_member(default_member(150, 4), advised[-1])  # each one the member takes
    assert advised == [
        {"max_iter": 200, "learning_rate_init": 0.003},
        {"tol": 1e-5, "learning_rate_init": 0.003},
        {"batch_size": 32},
    ]


@pytest.mark.parametrize(
    "detector, why",
    [
        (dict(n_estimators=2, member_training="sequential"), r"n_estimators=2 members"),
        (dict(n_estimators=2, member_training="stacked"), r"n_estimators=2 members"),
        (dict(n_estimators=1, trim_fraction=0.1), r"with trim_fraction=0\.1 each refitted"),
    ],
    ids=["sequential", "stacked", "refit"],
)
@pytest.mark.parametrize("given", ["member_params", "estimator"])
def test_a_checkpoint_shared_by_several_networks_is_refused_before_any_trains(
    tmp_path, detector, why, given
):
    # member 2 found member 1's checkpoint mid-fit ("belongs to another run"); 'stacked' said
    # to train them one by one, which failed so
    folder = tmp_path / "ck"
    member = {"checkpoint_dir": str(folder), "max_iter": 2}
    params = (
        {"member_params": member}
        if given == "member_params"
        else {"estimator": aekit.DenoisingAutoencoder(**member)}
    )
    with pytest.raises(ValueError, match=rf"checkpoint_dir=.*\({why}.*Leave checkpoint_dir out"):
        aekit.AnomalyDetector(random_state=0, **detector, **params).fit(X)
    assert not folder.exists()  # no network trained
    one = aekit.AnomalyDetector(random_state=0, n_estimators=1, **params).fit(X)
    assert one.estimators_[0].n_iter_ == 2 and any(folder.iterdir())  # one network: checkpointed


UNLEARNED = (
    "It says: 3 epochs, squared error 0.9; it has not learned. Train longer (a larger max_iter) "
    "or with a larger learning_rate_init. An epoch of its 150 rows in batches of 128 is 2 "
    "gradient steps (6 in all): a smaller batch_size (e.g. 32) takes more."
)


def _advised(given_params, monkeypatch):
    """What 'aekit detect --param ...' says of UNLEARNED, and the member_params it advises."""
    import re

    from aekit.cli import outputs
    from aekit.cli.errors import for_the_command_line
    from aekit.cli.runs import parse_value

    monkeypatch.setattr(outputs, "current_call", ("detect", None, {"param": given_params}))
    said = for_the_command_line(UNLEARNED, {"normal_rows", "param"})
    tables = re.findall(r"--param 'member_params=(\{[^}]*\})'", said)
    return said, [parse_value(table) for table in tables]


def test_detects_advice_is_one_member_params_with_the_users_own_and_each_advised_value(
    monkeypatch,
):
    # two advices gave two member_params (each dropping the other's values), the words on the
    # other --param twice, and neither kept the member_params the user gave
    said, tables = _advised([], monkeypatch)
    assert tables == [{"max_iter": 200, "learning_rate_init": 0.003, "batch_size": 32}]
    assert said.count("the other --param set") == 1
    assert said.endswith("a smaller batch takes more (batch_size=32, in that member_params).")
    given = ["n_estimators=1", "member_params={max_iter=500, hidden_layer_sizes=[16]}"]
    said, tables = _advised(given, monkeypatch)
    # the user's max_iter already above the advice's 200: taken further, not back down
    assert tables == [
        {"max_iter": 1000, "hidden_layer_sizes": [16], "learning_rate_init": 0.003,
         "batch_size": 32}
    ]  # fmt: skip
    tuned_member(default_member(150, 4), tables[0])  # the member takes it


def test_an_unknown_member_parameter_lists_only_those_member_params_takes_and_in_cli_words():
    # the list held random_state and verbose, which member_params refuses; no nearest name was
    # offered; on the command line the seed was AnomalyDetector(random_state=...), not --seed
    from aekit.cli.errors import for_the_command_line

    member = default_member(150, 4)
    words = r"the default member, an Autoencoder, does not take; its parameters are \["
    with pytest.raises(ValueError, match=words) as unknown:
        tuned_member(member, {"zzz": 1})
    listed = str(unknown.value).rpartition("its parameters are ")[2]
    assert "'max_iter'" in listed
    assert "random_state" not in listed and "verbose" not in listed
    with pytest.raises(ValueError) as fixed:
        tuned_member(member, {"random_state": 3})
    said = for_the_command_line(str(fixed.value), {"seed", "param", "normal_rows"})
    assert said == (
        "--param member_params sets random_state, which the detector sets on each member (each "
        "seeded from --seed, none showing a progress bar): leave random_state out of --param "
        "member_params."
    )
