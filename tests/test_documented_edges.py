"""Public docstrings say what the code does at its edges, checked against the code: the file
names a save refuses, the float rounding a score or a round trip keeps, the errors raised."""

import numpy as np
import pytest

import aekit


def test_hamming_index_save_documents_the_names_it_refuses(tmp_path):
    index = aekit.HammingIndex(np.eye(4, 8, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"not \.bin\. Give a file name ending \.index"):
        index.save(tmp_path / "idx.bin")
    with pytest.raises(ValueError, match="it is a folder"):
        index.save(tmp_path)
    index.save(tmp_path / "idx.index")
    doc = aekit.HammingIndex.save.__doc__
    assert '"codes.index"' in doc and "\n        Raises\n" in doc and "``.bin``" in doc
