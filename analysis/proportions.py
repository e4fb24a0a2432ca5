"""Study-level proportions: input checks, exact CIs, transforms and back-transforms.

Everything here works on plain arrays of event counts and sample sizes so the
same code serves the pooling engine, the sensitivity analyses and the CLI.
The conventions (continuity correction, variance formulas, harmonic-mean
back-transform of the Freeman-Tukey double arcsine) are those of R metafor's
``escalc`` and ``transf.*`` functions, because reviewers check our numbers
against metafor.

Validated against metafor 3.8 (``escalc`` yi/vi, ``transf.ipft.hm``,
``transf.iarcsin``, ``transf.ilogit``; see ``tests/analysis``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import special

TRANSFORMS = ("logit", "ft", "arcsine", "raw")
STUDY_CI_METHODS = ("cp", "wilson")
CORRECTION_RULES = ("only0", "all", "if0all", "none")

#: Transforms to which the continuity correction applies.  metafor's escalc
#: sets ``add = 0`` by default for PAS and PFT, which are defined at 0 and n.
CORRECTED_TRANSFORMS = ("logit", "raw")


def _label(i: int, labels: Sequence[str] | None) -> str:
    if labels is None:
        return f"study {i}"
    return f"study {i} ({labels[i]!r})"


def _as_count_array(values: Sequence[float], name: str, labels: Sequence[str] | None) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    checks = ((~np.isfinite(arr), "is missing or not finite"), (arr < 0, "is negative"),
              (arr != np.round(arr), "is not an integer"))
    for bad, what in checks:
        bad = bad & np.isfinite(arr) if what != "is missing or not finite" else bad
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(f"{name} of {_label(i, labels)} {what}: {arr[i]:g}")
    return arr


def validate_counts(
    events: Sequence[float],
    totals: Sequence[float],
    labels: Sequence[str] | None = None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Check event counts and sample sizes and return them as float arrays.

    Checking once at the entry of every public function means the numerical
    code can assume clean input and errors name the study a reviewer must fix.

    Parameters
    ----------
    events, totals : sequence of int
        Events and patients per study.
    labels : sequence of str, optional
        Study labels used in messages and results; default ``"1".."k"``.

    Returns
    -------
    x, n : ndarray of float
    labels : tuple of str

    Raises
    ------
    ValueError
        On empty input, length mismatch, negative, non-integer or missing
        counts, a total of 0, or events > total; the message names the study.
    """
    if labels is not None:
        labels = [str(lab) for lab in labels]
    x_list = list(events)
    n_list = list(totals)
    if len(x_list) == 0 or len(n_list) == 0:
        raise ValueError("no studies to pool: events and totals are empty")
    if len(x_list) != len(n_list):
        raise ValueError(f"length mismatch: {len(x_list)} event counts but {len(n_list)} totals")
    if labels is not None and len(labels) != len(x_list):
        raise ValueError(f"length mismatch: {len(labels)} labels for {len(x_list)} studies")
    x = _as_count_array(x_list, "events", labels)
    n = _as_count_array(n_list, "total", labels)
    if (n == 0).any():
        i = int(np.argmax(n == 0))
        raise ValueError(f"total of {_label(i, labels)} is 0")
    if (x > n).any():
        i = int(np.argmax(x > n))
        raise ValueError(f"events > total in {_label(i, labels)}: {x[i]:g} events of {n[i]:g}")
    if labels is None:
        labels = [str(i + 1) for i in range(len(x))]
    return x, n, tuple(labels)


def study_ci(
    events: Sequence[float],
    totals: Sequence[float],
    method: str = "cp",
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of each study's proportion.

    Clopper-Pearson (exact) is the default because, unlike Wald intervals on
    a transformed scale, it never collapses at 0/n or n/n, which are common
    in phase I CAR-T series; it is also meta::metaprop's default.

    Parameters
    ----------
    events, totals : sequence of int
    method : {"cp", "wilson"}
        Clopper-Pearson or Wilson score (without continuity correction).
    level : float
        Coverage, e.g. 0.95.

    Returns
    -------
    lower, upper : ndarray

    References
    ----------
    Clopper CJ, Pearson ES (1934) Biometrika 26:404-413.
    Wilson EB (1927) J Am Stat Assoc 22:209-212.

    Notes
    -----
    Validated against R ``qbeta`` (CP) and the closed-form Wilson interval.
    """
    x, n, _ = validate_counts(events, totals)
    alpha = 1.0 - level
    if method == "cp":
        with np.errstate(all="ignore"):
            lower = np.where(x == 0, 0.0, special.betaincinv(x, n - x + 1, alpha / 2))
            upper = np.where(x == n, 1.0, special.betaincinv(x + 1, n - x, 1 - alpha / 2))
        return lower, upper
    if method == "wilson":
        z = special.ndtri(1 - alpha / 2)
        p = x / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
        return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    raise ValueError(f"unknown study_ci_method {method!r}; expected one of {STUDY_CI_METHODS}")


def continuity_correct(
    x: np.ndarray, n: np.ndarray, add: float = 0.5, to: str = "only0"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add ``add`` to events and non-events as metafor's ``escalc(add=, to=)``.

    Returns the corrected events, corrected totals and a boolean mask of the
    studies that were corrected.  ``to="only0"`` corrects only studies with 0
    or n events (not a bias-free choice: at low rates it pulls the logit up,
    which is why the GLMM is the default).
    """
    if to not in CORRECTION_RULES:
        raise ValueError(f"unknown correction rule to={to!r}; expected one of {CORRECTION_RULES}")
    extreme = (x == 0) | (x == n)
    if to == "all":
        mask = np.ones_like(x, dtype=bool)
    elif to == "only0":
        mask = extreme
    elif to == "if0all":
        mask = np.full(x.shape, bool(extreme.any()))
    else:
        mask = np.zeros_like(x, dtype=bool)
    if add == 0:
        mask = np.zeros_like(mask)
    xc = x + add * mask
    nc = n + 2 * add * mask
    return xc, nc, mask


def transform(
    events: Sequence[float],
    totals: Sequence[float],
    transform: str = "logit",
    add: float = 0.5,
    to: str = "only0",
) -> tuple[np.ndarray, np.ndarray]:
    """Effect sizes ``yi`` and sampling variances ``vi`` on a transformed scale.

    Parameters
    ----------
    events, totals : sequence of int
    transform : {"logit", "ft", "arcsine", "raw"}
        metafor measures PLO, PFT (Freeman-Tukey, half scale), PAS, PR.
    add, to : float, str
        Continuity correction; applied to logit and raw only, as metafor's
        escalc does by default (PFT/PAS are finite at 0 and n).

    Returns
    -------
    yi, vi : ndarray

    References
    ----------
    Freeman MF, Tukey JW (1950) Ann Math Stat 21:607-611.
    Viechtbauer W (2010) J Stat Softw 36(3) (``escalc``).

    Notes
    -----
    Validated against metafor 3.8 ``escalc``.
    """
    x, n, _ = validate_counts(events, totals)
    return transform_arrays(x, n, transform, add, to)


def transform_arrays(
    x: np.ndarray, n: np.ndarray, transform: str, add: float = 0.5, to: str = "only0"
) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked core of :func:`transform` (arrays already validated)."""
    if transform in CORRECTED_TRANSFORMS:
        xc, nc, _ = continuity_correct(x, n, add, to)
    else:
        xc, nc = x, n
    if transform == "logit":
        with np.errstate(divide="ignore"):
            yi = np.log(xc / (nc - xc))
            vi = 1.0 / xc + 1.0 / (nc - xc)
        return yi, vi
    if transform == "raw":
        p = xc / nc
        return p, p * (1 - p) / nc
    if transform == "arcsine":
        return np.arcsin(np.sqrt(x / n)), 1.0 / (4 * n)
    if transform == "ft":
        yi = 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))
        return yi, 1.0 / (4 * n + 2)
    raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")


def harmonic_mean(totals: np.ndarray) -> float:
    """Harmonic mean of the sample sizes (the n of Miller's FT inverse)."""
    totals = np.asarray(totals, dtype=float)
    return float(1.0 / np.mean(1.0 / totals))


def _ipft(t: np.ndarray, n: float) -> np.ndarray:
    """Miller (1978) inverse of the half-scale Freeman-Tukey transform."""
    with np.errstate(all="ignore"):
        s = np.sin(2 * t)
        p = 0.5 * (1 - np.sign(np.cos(2 * t)) * np.sqrt(1 - (s + (s - 1 / s) / n) ** 2))
    t0 = 0.5 * (np.arcsin(0.0) + np.arcsin(np.sqrt(1 / (n + 1))))
    t1 = 0.5 * (np.arcsin(np.sqrt(n / (n + 1))) + np.arcsin(1.0))
    p = np.where(t > t1, 1.0, p)
    p = np.where(t < t0, 0.0, p)
    return p


def back_transform(
    values: float | np.ndarray, transform: str, totals: np.ndarray | None = None
) -> np.ndarray:
    """Map pooled values from the transformed scale to proportions.

    For ``"ft"`` this is metafor's ``transf.ipft.hm``: Miller's inverse at
    the harmonic mean of the study sizes, set to 0/1 outside the range the
    transform can take.  That single n is why FT results can be misleading
    when study sizes differ (Schwarzer et al. 2019); the pooling engine adds
    a note whenever FT is used.

    References
    ----------
    Miller JJ (1978) Am Stat 32:138.
    Schwarzer G et al. (2019) Res Synth Methods 10:476-483.

    Notes
    -----
    Validated against metafor 3.8 ``transf.ilogit``, ``transf.iarcsin``,
    ``transf.ipft.hm``.  Raw-scale values are returned unclipped.
    """
    v = np.asarray(values, dtype=float)
    if transform == "logit":
        return special.expit(v)
    if transform == "raw":
        return v
    if transform == "arcsine":
        return np.where(v < 0, 0.0, np.where(v > np.pi / 2, 1.0, np.sin(v) ** 2))
    if transform == "ft":
        if totals is None:
            raise ValueError("the Freeman-Tukey back-transform needs the study sizes")
        return _ipft(v, harmonic_mean(totals))
    raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")
