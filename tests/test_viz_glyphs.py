"""Text a figure's font cannot draw (a CJK column name) is said once, with the fix: matplotlib
warned once a character, 'Glyph 28201 (...) missing from font(s) DejaVu Sans.', no fix."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from aekit.viz.figures import save_figure  # noqa: E402

UNDRAWN = "\ue000\ue001"  # private-use characters: in no font


def test_missing_glyphs_are_one_warning_with_the_fix(tmp_path):
    fig, ax = plt.subplots()
    ax.set_title(f"x {UNDRAWN}")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        save_figure(fig, tmp_path / "f.png")
    plt.close(fig)
    texts = [str(w.message) for w in said]
    assert not [t for t in texts if t.startswith("Glyph ")], texts
    assert len(texts) == 1 and texts[0].startswith("f.png: its font ("), texts
    assert f"has no glyph for {UNDRAWN!r}" in texts[0] and "rcParams['font.family']" in texts[0]
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
