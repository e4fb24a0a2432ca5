"""Result dataclasses of the pooling engine.

One frozen object per analysis carries every number the app, the CLI, the
tables, the forest plot and the exports show, so they cannot disagree
(a recurring complaint about other tools: the table and the plot differ).
Proportions are on the 0-1 scale; ``*_t`` fields are on the transformed
scale the model was fitted on (logit for the GLMM).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd  # imported by the methods that build frames: the CLI never needs it


def _clean(value: Any) -> Any:
    """Make a value JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class StudyEstimate:
    """One study as entered and as displayed.

    ``weight`` is the percentage weight in the pooled estimate.  For the
    GLMM, which has no inverse-variance weights (metafor gives none for
    ``rma.glmm``), it is the approximate weight 1/(v_i + tau^2) of the
    logit inverse-variance model evaluated at the GLMM's tau^2, so a forest
    plot can still size its boxes; the method label says so.
    """

    label: str
    events: int
    total: int
    proportion: float
    ci_low: float
    ci_high: float
    weight: float | None
    yi: float | None = None
    vi: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


@dataclass(frozen=True)
class PoolResult:
    """A pooled proportion with its intervals, heterogeneity and studies.

    Attributes are documented in ``docs/methods-pooling.md``.  ``pi_df`` is
    None when the prediction interval uses the normal quantile (metafor's
    ``predict`` with ``test="z"``) and k - 1 with Hartung-Knapp.
    """

    k: int
    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float | None
    pi_high: float | None
    pi_df: int | None
    tau2: float | None
    tau: float | None
    tau2_ci_low: float | None
    tau2_ci_high: float | None
    i2: float | None
    i2_q: float | None
    h2: float | None
    q: float | None
    q_df: int
    q_p: float | None
    model: str
    transform: str
    tau2_method: str | None
    ci_method: str
    level: float
    method_label: str
    converged: bool
    fallback: str | None
    notes: tuple[str, ...]
    studies: tuple[StudyEstimate, ...]
    estimate_t: float
    se_t: float
    ci_low_t: float = math.nan
    ci_high_t: float = math.nan
    pi_low_t: float | None = None
    pi_high_t: float | None = None
    ci_df: int | None = None
    q_lrt: float | None = None
    q_lrt_p: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def summary_frame(self) -> pd.DataFrame:
        """One row per study plus a pooled row (the forest-plot data).

        Columns: label, kind ("study"/"pooled"), events, total, proportion,
        ci_low, ci_high, pi_low, pi_high, weight.
        """
        import pandas as pd

        rows = [
            {"label": s.label, "kind": "study", "events": s.events, "total": s.total,
             "proportion": s.proportion, "ci_low": s.ci_low, "ci_high": s.ci_high,
             "pi_low": None, "pi_high": None, "weight": s.weight}
            for s in self.studies
        ]
        rows.append({
            "label": f"Pooled ({self.method_label})", "kind": "pooled",
            "events": sum(s.events for s in self.studies),
            "total": sum(s.total for s in self.studies),
            "proportion": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high,
            "pi_low": self.pi_low, "pi_high": self.pi_high, "weight": 100.0,
        })
        return pd.DataFrame(rows)

    def forest_data(self) -> pd.DataFrame:
        """Alias of :meth:`summary_frame` for plotting code."""
        return self.summary_frame()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict (NaN as None); includes the CLI's keys."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "studies"}
        out["studies"] = [s.to_dict() for s in self.studies]
        return _clean(out)


@dataclass(frozen=True)
class TestBetween:
    """Test for subgroup differences (Wald Q between, chi^2 with df)."""

    q: float
    df: int
    p: float

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


@dataclass(frozen=True)
class SubgroupResult:
    """Overall pooled result, one result per subgroup, and the test between."""

    overall: PoolResult
    subgroups: dict[str, PoolResult]
    test_between: TestBetween
    notes: tuple[str, ...] = ()

    def summary_frame(self) -> pd.DataFrame:
        """One row per subgroup and one overall row with k, estimate, CI, PI, tau2, I2."""
        import pandas as pd

        items = [*self.subgroups.items(), ("Overall", self.overall)]
        return pd.DataFrame([
            {"subgroup": name, "k": r.k, "estimate": r.estimate, "ci_low": r.ci_low,
             "ci_high": r.ci_high, "pi_low": r.pi_low, "pi_high": r.pi_high,
             "tau2": r.tau2, "i2": r.i2, "fallback": r.fallback}
            for name, r in items
        ])

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--by`` JSON: exactly overall, subgroups, test_between.

        Notes about the test (subgroups left out) go inside ``test_between``.
        """
        between = self.test_between.to_dict()
        if self.notes:  # e.g. a subgroup left out of the test
            between["notes"] = list(self.notes)
        return {
            "overall": self.overall.to_dict(),
            "subgroups": {name: r.to_dict() for name, r in self.subgroups.items()},
            "test_between": between,
        }


@dataclass(frozen=True)
class MetaRegressionResult:
    """Mixed-effects meta-regression on one covariate (transformed scale).

    ``coef``, ``se``, ``ci_low``, ``ci_high``, ``pvalue`` are (intercept,
    slope); ``qm`` is the omnibus test of the slope (chi^2 with 1 df, or F
    with (1, k - 2) df under Hartung-Knapp), ``qe`` the residual
    heterogeneity, ``r2`` metafor's pseudo-R^2 in percent.
    """

    k: int
    coef: tuple[float, float]
    se: tuple[float, float]
    ci_low: tuple[float, float]
    ci_high: tuple[float, float]
    pvalue: tuple[float, float]
    tau2: float
    i2: float
    qm: float
    qm_df: int
    qm_p: float
    qe: float
    qe_df: int
    qe_p: float
    r2: float | None
    transform: str
    tau2_method: str
    ci_method: str
    level: float
    notes: tuple[str, ...] = ()

    def summary_frame(self) -> pd.DataFrame:
        """Coefficient table: term, estimate, se, ci_low, ci_high, pvalue."""
        import pandas as pd

        return pd.DataFrame({
            "term": ["intercept", "slope"], "estimate": self.coef, "se": self.se,
            "ci_low": self.ci_low, "ci_high": self.ci_high, "pvalue": self.pvalue,
        })

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))
