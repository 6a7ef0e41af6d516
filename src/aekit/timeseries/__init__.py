"""Time series: sliding windows over a series and :class:`SeriesAnomalyDetector`, which scores
every point of a series by how well its windows fit what the training series showed."""

from aekit.timeseries.detector import SeriesAnomalyDetector
from aekit.timeseries.windows import average_windows, sliding_windows

__all__ = ["SeriesAnomalyDetector", "average_windows", "sliding_windows"]
