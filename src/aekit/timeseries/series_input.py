"""How :class:`SeriesAnomalyDetector` reads X: one series or a list of them, each read by
:func:`aekit.timeseries.inputs.read_series`, checked against each other (same value columns,
same channels, time step) and, after fit, against what the detector was fitted on. Reading in
fit is also where the detector learns its channels, their names and the time step."""

from __future__ import annotations

from typing import Any

import numpy as np

from aekit.timeseries.inputs import (
    Series,
    check_steps,
    check_value_names,
    is_several,
    read_series,
    warn_left_out_text,
)


class SeriesInput:
    """Mixin of :class:`SeriesAnomalyDetector`: read X into checked series (``n_features_in_``,
    ``feature_names_in_`` and ``time_step_`` set when fitting)."""

    def _read(self, X: Any, fitting: bool = False) -> tuple[list[Series], bool]:
        several = is_several(X)
        parts = list(X) if several else [X]
        if not parts:
            raise ValueError("X holds no series.")
        read = [
            read_series(p, self.time_column, self.value_columns, self.handle_missing) for p in parts
        ]
        names = read[0][1]
        if any(n != names for _, n in read):
            raise ValueError("every series of X must have the same value columns.")
        widths = {s.values.shape[1] for s, _ in read}
        if len(widths) > 1:
            raise ValueError(
                f"every series of X must have the same channels; got {sorted(widths)}."
            )
        series = [s for s, _ in read]
        check_steps(series, getattr(self, "time_step_", None), fitting)
        if fitting:
            if self.value_columns is None:
                warn_left_out_text(parts[0], self.time_column)
            self.time_step_ = next((s.step for s in series if s.step is not None), None)
            self.n_features_in_ = widths.pop()
            if names is not None:
                self.feature_names_in_ = np.asarray(names, dtype=object)
            else:
                self.__dict__.pop("feature_names_in_", None)
        else:
            check_value_names(getattr(self, "feature_names_in_", None), names, type(self).__name__)
            if series[0].values.shape[1] != self.n_features_in_:
                raise ValueError(
                    f"X has {series[0].values.shape[1]} channels, but SeriesAnomalyDetector was "
                    f"fitted on {self.n_features_in_}; pass the same value columns as in fit."
                )
        for s in series:
            if len(s.values) < int(self.window):
                raise ValueError(
                    f"a series has {len(s.values)} points, fewer than window={self.window}; "
                    "use a smaller window or a longer series."
                )
        if fitting and sum(len(s.values) - int(self.window) + 1 for s in series) < 2:
            # one window is one row: "X has n_samples=1; a detector needs at least 2 rows"
            raise ValueError(
                f"the series has {len(series[0].values)} points, one window of {self.window}: "
                f"fitting needs at least {int(self.window) + 1} points (two windows); use a "
                "smaller window or a longer series."
            )
        return series, several
