"""A refusal of unseen categories names every column that holds one, how many rows, the first
row, and the known category a value is near (another case, a stray space, a typo)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aekit.data.tabular import TabularEncoder


def _fitted() -> tuple[TabularEncoder, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "a": np.arange(40.0),
            "segment": ["gold", "silver"] * 20,
            "region": ["Île-de-France", "Bretagne"] * 20,
            "member": ["yes", "no"] * 20,
        }
    )
    return TabularEncoder().fit(frame), frame.head(8).copy()


def test_every_column_with_unseen_categories_is_named_with_its_rows():
    # "column 'segment' has the category 'platinum'" alone: row 5 not named, and the 490
    # rows of the next column learned only once it was fixed
    encoder, rows = _fitted()
    rows.loc[5, "segment"] = "platinum"
    rows.loc[[2, 4, 6], "region"] = "Île-de-France "
    rows.loc[1, "member"] = "Yes"
    with pytest.raises(ValueError) as caught:
        encoder.transform(rows)
    said = str(caught.value)
    assert said.startswith("column 'segment' has the category 'platinum', not seen in fit")
    assert "): row 5 (0-based)." in said
    assert "'region' in 3 rows (e.g. 'Île-de-France ', row 2;" in said
    assert "'Île-de-France ' is 'Île-de-France' with a trailing space" in said
    assert "'member' in 1 row (e.g. 'Yes', row 1; 'Yes' vs trained 'yes': another case)" in said


def test_the_first_column_says_its_count_and_near_match():
    encoder, rows = _fitted()
    rows.loc[[3, 7], "segment"] = "silvr"
    said = r"\): row 3 \(0-based\) and 1 other row\. Did you mean 'silver'\?"
    with pytest.raises(ValueError, match=said):
        encoder.transform(rows)


@pytest.mark.parametrize("source", ["frame", "parquet"])
def test_rows_read_a_chunk_at_a_time_are_named_as_rows_of_the_data(tmp_path, source):
    # a 70,000-row Parquet file scored in chunks of 65,536 named row 66000 as 'row 464', the
    # count that of its chunk alone
    import aekit

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"c": rng.choice(["a", "b", "c"], 300), "x": rng.normal(size=300)})
    detector = aekit.AnomalyDetector(n_estimators=1, random_state=0).fit(frame)
    new = frame.copy()
    new.loc[[250, 260], "c"] = "zz"
    new.to_parquet(tmp_path / "new.parquet")
    X = new if source == "frame" else aekit.open_dataset(tmp_path / "new.parquet")
    with pytest.raises(ValueError) as caught:
        aekit.write_outputs(detector, X, tmp_path / "s.csv", batch_rows=100)
    assert "): row 250 (0-based) and 1 other row, of the first 300 rows read." in str(caught.value)
    with pytest.raises(ValueError, match=r"row 250 \(0-based\) and 1 other row\. Refit"):
        detector.score_samples(new)  # one frame: no chunk to count from


def test_a_code_of_digits_is_not_said_to_be_a_typo_of_its_neighbour():
    # 'Did you mean '68836'?' of the zip code 68837: another place, not a typo
    from aekit.data.unseen_categories import near_match

    zips = ["05713", "43889", "68836", "75001"]
    assert near_match("68837", zips) == ""
    assert near_match("68836 ", zips) == " '68836 ' is '68836' with a trailing space."
    assert near_match("silvr", ["gold", "silver"]) == " Did you mean 'silver'?"
