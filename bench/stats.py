"""Small statistics for the benchmarks: batch means with a confidence interval, and percentiles."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

__all__ = ("BATCHES", "Estimate", "batch_means", "percentile")

BATCHES = 10  # long batches: at 85% load consecutive waits stay correlated for thousands of calls
# Student's t, 97.5% quantile, by degrees of freedom (batches - 1): a two-sided 95% interval.
_T_975 = {9: 2.262, 14: 2.145, 19: 2.093, 29: 2.045, 39: 2.023, 49: 2.010}


@dataclass(frozen=True)
class Estimate:
    """A mean from batch means: the value, its standard error and a 95% confidence interval."""

    value: float
    stderr: float
    lag1: float  # correlation of consecutive batch means: near 0 when the batches are long enough
    t: float  # the t quantile for the interval

    @property
    def low(self) -> float:
        return self.value - self.t * self.stderr

    @property
    def high(self) -> float:
        return self.value + self.t * self.stderr


def batch_means(values: list[float], batches: int = BATCHES) -> Estimate:
    """Mean of a correlated series (waits of consecutive callers) and its standard error.

    The series is cut into `batches` consecutive batches of equal length (the remainder at the end
    is left out); batches much longer than the series' correlation have nearly independent means,
    whose spread gives the standard error.
    """
    if batches - 1 not in _T_975:
        raise ValueError(f"use one of {sorted(k + 1 for k in _T_975)} batches, not {batches}.")
    size = len(values) // batches
    if size < 2:
        raise ValueError(f"{len(values)} values are too few for {batches} batches: simulate more calls.")
    means = [statistics.fmean(values[i * size:(i + 1) * size]) for i in range(batches)]
    centre = statistics.fmean(means)
    deviations = [m - centre for m in means]
    spread = sum(x * x for x in deviations)
    lag1 = sum(a * b for a, b in zip(deviations, deviations[1:])) / spread if spread > 0 else 0.0
    return Estimate(centre, statistics.stdev(means) / math.sqrt(batches), lag1, _T_975[batches - 1])


def percentile(values: list[int] | list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]
