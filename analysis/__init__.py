"""Pooling engine: metafor-exact meta-analysis of single proportions.

Pure functions on numbers (no database, no app): study-level exact CIs,
transforms, inverse-variance and GLMM pooling, heterogeneity, prediction
intervals, subgroups, leave-one-out, cumulative analysis, meta-regression
and a method-sensitivity table.  See ``docs/methods-pooling.md``.
"""

from .pooling import pool_proportions
from .proportions import study_ci
from .results import MetaRegressionResult, PoolResult, StudyEstimate, SubgroupResult, TestBetween
from .sensitivity import (
    cumulative,
    leave_one_out,
    metaregression,
    method_sensitivity,
    pool_by_subgroup,
)

__all__ = [
    "MetaRegressionResult",
    "PoolResult",
    "StudyEstimate",
    "SubgroupResult",
    "TestBetween",
    "cumulative",
    "leave_one_out",
    "metaregression",
    "method_sensitivity",
    "pool_by_subgroup",
    "pool_proportions",
    "study_ci",
]
