"""The first cell that is not a number is named with its place, however far down it is."""

import numpy as np
import pytest

from aekit.data.array_messages import text_cell_message


@pytest.mark.parametrize("row", [0, 1023, 1024, 9998])  # in the first block, at its edge, later
def test_the_first_text_cell_is_named_wherever_it_is(row):
    cells = np.arange(40000, dtype=np.float64).reshape(10000, 4).astype(str)
    cells[row, 3], cells[-1, 0] = "x", "y"
    said = text_cell_message(cells, "X")
    assert said.startswith(f"X holds 'x' at row {row}, column 3 (0-based), not a number")


def test_a_none_beside_the_text_is_passed_over():
    # numpy reads None as NaN: the text cell is what it refused (None was named first)
    cells = np.array([[None, "x"], [1.0, 2.0]], dtype=object)
    assert text_cell_message(cells, "X").startswith("X holds 'x' at row 0, column 1")


def test_a_cell_of_more_axes_is_named_by_its_plain_position():
    cells = np.array([["1", "2", "3"], ["3", "4", "y"]]).reshape(2, 3, 1)
    assert "holds 'y' at position (1, 2, 0) (0-based)" in text_cell_message(cells, "X")


def test_a_dataloader_is_named_with_the_rows_to_pass():
    # it said "X contains a value that is not a number: float() argument must be ... not
    # 'DataLoader'"
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    import aekit

    rows = torch.rand(20, 3)
    with pytest.raises(TypeError, match=r"X is a DataLoader, which aekit does not read.*"
                       r"loader\.dataset\.tensors\[0\]"):  # fmt: skip
        aekit.Autoencoder(max_iter=1).fit(DataLoader(TensorDataset(rows), batch_size=4))
