"""Pooling engine: metafor-exact meta-analysis of single proportions.

Pure functions on numbers (no database, no app): study-level exact CIs,
transforms, inverse-variance and GLMM pooling, heterogeneity, prediction
intervals, subgroups, leave-one-out, cumulative analysis, meta-regression
and a method-sensitivity table.  See ``docs/methods-pooling.md``.
"""

from .pooling import pool_proportions
from .proportions import study_ci
from .results import MetaRegressionResult, PoolResult, StudyEstimate, SubgroupResult, TestBetween

__all__ = [
    "MetaRegressionResult",
    "PoolResult",
    "StudyEstimate",
    "SubgroupResult",
    "TestBetween",
    "pool_proportions",
    "study_ci",
]
