"""``aekit info FILE.aek``: what the header of an 'aekit compress' file says.

Kept apart from the compression package, whose import brings in the estimators (and
scikit-learn): ``aekit info`` of a model file reads its header before anything heavy is imported
(``tests/test_fuzz.py``), so the magic bytes are compared here and the package is imported only
for a file that has them.
"""

from __future__ import annotations

from pathlib import Path

MAGIC = b"AEKC"  # aekit.compression.container.MAGIC (a test checks they agree)


def is_compressed_file(path: Path) -> bool:
    """Whether ``path`` is a file that starts as 'aekit compress' writes."""
    if not path.is_file():
        return False
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def describe_compressed(path: Path) -> dict[str, object]:
    """What the header of an .aek file says (checked whole: a corrupt file is a ValueError)."""
    from aekit.compression.container import unpack

    size = path.stat().st_size
    box = unpack(path.read_bytes())
    return {
        "kind": "compressed rows ('aekit decompress RUN FILE' with the compressor that wrote it)",
        "rows": box.n_rows,
        "row shape": list(box.row_shape),
        "bytes": size,
        "bits per row": round(8 * size / max(box.n_rows, 1), 1),
        "latent units": box.latent_dim,
        "quantization step": box.step,
        "compressor fingerprint": box.fingerprint.hex(),
    }
