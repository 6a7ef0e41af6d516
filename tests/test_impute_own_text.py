"""``aekit impute`` of a CSV writes every cell that was no gap as the file wrote it: a zip code
'01000' came back 1000 and '41.0' came back 41 (the table was written from the parsed numbers),
and a spreadsheet's UTF-8 export lost its byte-order mark and CRLF line ends."""

import numpy as np
import pandas as pd
from cli_helpers import invoke, ok

QUICK = ["--epochs", "2", "--quiet"]


def _table(rows: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "id": [f"C{i:04d}" for i in range(rows)],
            "age": [f"{v:.1f}" for v in rng.integers(20, 70, rows)],  # 41.0, as a sheet writes
            "spend": [f"{v:.2f}" for v in rng.normal(500, 50, rows)],
            "zip": rng.choice(["01000", "75001", "02100"], rows),  # codes with leading zeros
        }
    )


def _cells(path, **read) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, **read)


def test_only_the_gaps_change_and_codes_keep_their_zeros(tmp_path):
    table = _table()
    table.loc[[3, 17], "spend"] = ""
    table.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("impute", tmp_path / "t.csv", "--id-column", "id", "-o", tmp_path / "f.csv", *QUICK))
    before, after = _cells(tmp_path / "t.csv"), _cells(tmp_path / "f.csv")
    changed = before != after
    assert changed.to_numpy().sum() == 2 and changed.loc[[3, 17], "spend"].all()
    assert (after["zip"] == table["zip"]).all() and after["age"].str.endswith(".0").all()
    assert np.isfinite(after.loc[[3, 17], "spend"].astype(float)).all()


def test_a_spreadsheet_export_keeps_its_mark_line_ends_and_decimal_commas(tmp_path):
    table = _table()
    table["spend"] = table["spend"].str.replace(".", ",")
    table.loc[5, "spend"] = ""
    text = table.to_csv(index=False, sep=";", lineterminator="\r\n")
    (tmp_path / "t.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ok(invoke("impute", tmp_path / "t.csv", "--sep", ";", "--decimal", ",", "--id-column", "id",
              "-o", tmp_path / "f.csv", *QUICK))  # fmt: skip
    written = (tmp_path / "f.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and written.count(b"\r\n") == len(table) + 1
    before, after = text.split("\r\n"), written[3:].decode("utf-8").split("\r\n")
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] == [6]  # row 5's line
    fill = after[6].split(";")[2]
    assert "," in fill and "." not in fill and float(fill.replace(",", ".")) > 0


def test_a_parquet_output_of_a_csv_still_holds_its_numbers(tmp_path):
    table = _table()
    table.loc[3, "spend"] = ""
    table.to_csv(tmp_path / "t.csv", index=False)
    ok(invoke("impute", tmp_path / "t.csv", "--id-column", "id", "-o", tmp_path / "f.parquet",
              *QUICK))  # fmt: skip
    filled = pd.read_parquet(tmp_path / "f.parquet")
    assert filled["spend"].dtype.kind == "f" and filled["spend"].notna().all()


def test_a_quoted_cell_with_a_blank_in_a_whitespace_file_keeps_its_row(tmp_path):
    # read by pandas' python engine the quoted "New York" was two cells: the row shifted and
    # a value was lost, with the names and the row count alike
    rows = ["city a b", '"New York" 10.251 9.736', "Paris 11.281 nan"]
    rows += [f"Town{i} {i % 5 + 8}.5 {i % 4 + 8}.25" for i in range(40)]
    (tmp_path / "t.txt").write_text("\n".join(rows) + "\n")
    ok(invoke("impute", tmp_path / "t.txt", "--sep", " ", "--ignore-column", "city",
              "-o", tmp_path / "f.csv", *QUICK))  # fmt: skip
    lines = (tmp_path / "f.csv").read_text().splitlines()
    assert lines[:2] == rows[:2] and lines[3:] == rows[3:]
    city, a, b = lines[2].split(" ")
    assert (city, a) == ("Paris", "11.281") and float(b) > 0


def test_a_file_without_a_header_row_is_written_without_one(tmp_path):
    table = _table().drop(columns=["id", "zip"])
    table.loc[4, "spend"] = ""
    table.to_csv(tmp_path / "t.csv", index=False, header=False)
    ok(invoke("impute", tmp_path / "t.csv", "--no-header", "-o", tmp_path / "f.csv", *QUICK))
    before = (tmp_path / "t.csv").read_text().splitlines()
    after = (tmp_path / "f.csv").read_text().splitlines()
    assert len(after) == len(before) and [a != b for a, b in zip(before, after)].count(True) == 1
