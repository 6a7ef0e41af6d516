"""``aekit demo``'s samples figure says what it shows, as a run's samples.png does."""

from __future__ import annotations

from cli_helpers import invoke, ok


def test_demo_samples_figure_has_a_title_and_names_each_row_s_digit(tmp_path, saved_figures):
    drawn = saved_figures
    ok(invoke("demo", "--epochs", "1", "--quiet", "--out", tmp_path / "demo"))
    (ax,) = drawn
    assert ax.get_title() == "ConditionalVAE samples of the digits: one row per digit"
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(d) for d in range(10)]
    assert (tmp_path / "demo" / "samples.png").read_bytes().startswith(b"\x89PNG")
