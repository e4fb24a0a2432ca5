#!/usr/bin/env Rscript
# Reference values for the pooling engine (analysis/), produced with R metafor.
#
# Usage: Rscript tests/analysis/reference/metafor_reference.R [OUT.json]
# (default OUT: metafor_reference.json next to this script).
#
# Every fit below is the plain metafor call a reviewer would type; only the
# convergence controls are tightened (threshold/tol 1e-12) so the stored
# values are the converged optima rather than metafor's default stopping
# points (threshold 1e-5 for Fisher scoring, uniroot tol ~1.2e-4 for PM and
# the Q-profile).  The Python engine solves the same equations to machine
# precision, so only tight references can support 1e-6 comparisons.
#
# Datasets: hand-picked edge cases (example8, sparse_tox, all zero, all
# events, k = 2, n = 1, homogeneous, very heterogeneous, ...) plus random
# datasets (k 2..30, n 1..60) drawn with a fixed seed.  The datasets are
# written into the JSON so the Python tests never need R.

suppressPackageStartupMessages({
  library(metafor)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
script_dir <- local({
  f <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
  if (length(f)) dirname(normalizePath(f)) else "."
})
out_file <- if (length(args)) args[1] else file.path(script_dir, "metafor_reference.json")

tight <- list(threshold = 1e-12, maxiter = 10000, tol = 1e-12)

# ---------------------------------------------------------------- datasets
hand <- list(
  list(name = "example8", x = c(5, 4, 3, 0, 7, 2, 12, 1), n = c(5, 6, 3, 4, 8, 10, 15, 3)),
  list(name = "sparse_tox", x = c(0, 0, 1, 0, 2, 0, 1), n = c(3, 6, 10, 4, 20, 12, 9)),
  list(name = "all_zero", x = c(0, 0, 0, 0), n = c(5, 10, 8, 3)),
  list(name = "all_events", x = c(4, 6, 3, 12), n = c(4, 6, 3, 12)),
  list(name = "k2_plain", x = c(3, 5), n = c(10, 12)),
  list(name = "k2_zero", x = c(0, 4), n = c(5, 9)),
  list(name = "k2_identical", x = c(2, 2), n = c(8, 8)),
  list(name = "homogeneous", x = c(3, 6, 9, 12, 15, 5), n = c(10, 20, 30, 40, 50, 17)),
  list(name = "very_heterogeneous", x = c(1, 19, 2, 18, 10, 0, 20), n = c(20, 20, 20, 20, 20, 20, 20)),
  list(name = "n_one", x = c(0, 1, 1, 0, 1, 1), n = c(1, 1, 1, 1, 1, 1)),
  list(name = "zeros_and_alls", x = c(0, 5, 0, 3, 3, 8), n = c(4, 5, 6, 3, 10, 8)),
  list(name = "one_zero_large", x = c(0, 12, 15, 20), n = c(60, 50, 55, 58)),
  list(name = "high_rate_remission", x = c(5, 6, 4, 8, 3, 10, 2, 15), n = c(5, 6, 5, 8, 3, 12, 2, 15)),
  list(name = "single_event", x = c(0, 0, 0, 1, 0, 0), n = c(10, 12, 4, 15, 6, 20)),
  list(name = "large_k_sparse", x = c(0, 1, 0, 0, 2, 0, 1, 0, 0, 3, 0, 1, 0, 0, 0, 1, 0, 2, 0, 0),
       n = c(5, 8, 3, 12, 20, 4, 10, 6, 7, 30, 9, 11, 2, 5, 14, 16, 3, 25, 8, 6))
)

set.seed(20261121)
random_sets <- lapply(seq_len(30), function(j) {
  k <- sample(2:30, 1)
  n <- sample(1:60, k, replace = TRUE)
  mu <- sample(c(-4, -2.5, -1, 0, 1, 2.5), 1)
  tau <- sample(c(0, 0.3, 1, 2), 1)
  p <- plogis(mu + tau * rnorm(k))
  list(name = sprintf("random_%02d", j), x = rbinom(k, n, p), n = n)
})
datasets <- c(hand, random_sets)

# covariate (meta-regression) and subgroup labels, stored with the data
for (j in seq_along(datasets)) {
  k <- length(datasets[[j]]$x)
  datasets[[j]]$covariate <- round(seq(2016, 2026, length.out = k) + (j %% 3) * 0.1 * ((seq_len(k) %% 4) - 1.5), 2)
  datasets[[j]]$group <- rep(c("A", "B", "C"), length.out = k)[order((seq_len(k) * 7) %% k)]
  if (k < 4) datasets[[j]]$group <- NULL
  if (k >= 4 && k < 6) datasets[[j]]$group <- rep(c("A", "B"), length.out = k)
}

# ---------------------------------------------------------------- helpers
safe <- function(expr) tryCatch(expr, error = function(e) list(error = conditionMessage(e)))
num <- function(v) { v <- as.numeric(v); v[is.infinite(v)] <- NA; v }

backtransf <- function(measure, v, ni) {
  switch(measure,
    PLO = transf.ilogit(v),
    PR = v,
    PAS = transf.iarcsin(v),
    PFT = transf.ipft.hm(v, targs = list(ni = ni)))
}

# Fisher scoring can stall at 1e-12 from rounding (step back to 1e-10) or
# oscillate on sparse logit data; then use metafor's documented remedy,
# stepadj = 0.5.  The control actually used is stored with each fit.
controls <- list(tight, modifyList(tight, list(threshold = 1e-10)),
                 modifyList(tight, list(threshold = 1e-10, stepadj = 0.5)))
robust_rma <- function(yi, vi, ...) {
  for (ctl in controls) {
    res <- tryCatch(rma(yi, vi, ..., control = ctl), error = function(e) NULL)
    if (!is.null(res)) { res$control_used <- ctl; return(res) }
  }
  rma(yi, vi, ..., control = controls[[length(controls)]])
}

uni_fit <- function(d, measure, method, test) {
  es <- escalc(measure = measure, xi = d$x, ni = d$n)
  res <- robust_rma(es$yi, es$vi, method = method, test = test)
  pr <- predict(res)
  if (is.null(pr$pi.lb)) { pr$pi.lb <- NA_real_; pr$pi.ub <- NA_real_ }  # EE model: no PI
  out <- list(
    b = num(res$beta), se = num(res$se), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
    pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub),
    tau2 = num(res$tau2), I2 = num(res$I2), H2 = num(res$H2),
    QE = num(res$QE), QEp = num(res$QEp), control_used = res$control_used,
    est_p = num(backtransf(measure, res$beta, d$n)),
    ci_lb_p = num(backtransf(measure, res$ci.lb, d$n)), ci_ub_p = num(backtransf(measure, res$ci.ub, d$n)),
    pi_lb_p = num(backtransf(measure, pr$pi.lb, d$n)), pi_ub_p = num(backtransf(measure, pr$pi.ub, d$n)))
  if (method != "FE" && test == "z" && length(d$x) > 1) {
    ci <- safe(confint(res, control = list(tol = 1e-12, tau2.max = 1000)))
    if (!is.null(ci$random)) {
      out$tau2_ci_lb <- num(ci$random["tau^2", "ci.lb"])
      out$tau2_ci_ub <- num(ci$random["tau^2", "ci.ub"])
    }
  }
  out
}

glmm_fit <- function(d, test) {
  safe({
    res <- suppressWarnings(rma.glmm(measure = "PLO", xi = d$x, ni = d$n, method = "ML",
                                     nAGQ = 7, test = test))
    pr <- predict(res)
    list(b = num(res$beta), se = num(res$se), ci_lb = num(res$ci.lb), ci_ub = num(res$ci.ub),
         pi_lb = num(pr$pi.lb), pi_ub = num(pr$pi.ub), tau2 = num(res$tau2),
         I2 = num(res$I2), H2 = num(res$H2),
         QE_Wld = num(res$QE.Wld), QEp_Wld = num(res$QEp.Wld),
         QE_LRT = num(res$QE.LRT), QEp_LRT = num(res$QEp.LRT),
         est_p = num(transf.ilogit(res$beta)),
         ci_lb_p = num(transf.ilogit(res$ci.lb)), ci_ub_p = num(transf.ilogit(res$ci.ub)),
         pi_lb_p = num(transf.ilogit(pr$pi.lb)), pi_ub_p = num(transf.ilogit(pr$pi.ub)),
         loglik = num(logLik(res)))
  })
}

metareg_fit <- function(d) {
  es <- escalc(measure = "PLO", xi = d$x, ni = d$n)
  safe({
    res <- robust_rma(es$yi, es$vi, mods = cbind(d$covariate), method = "REML")
    hk <- robust_rma(es$yi, es$vi, mods = cbind(d$covariate), method = "REML", test = "knha")
    list(b = num(res$beta), se = num(res$se), tau2 = num(res$tau2),
         QM = num(res$QM), QMp = num(res$QMp), QE = num(res$QE), I2 = num(res$I2),
         R2 = num(res$R2), knha_se = num(hk$se), knha_QM = num(hk$QM), knha_QMp = num(hk$QMp),
         knha_ci_lb = num(hk$ci.lb), knha_ci_ub = num(hk$ci.ub))
  })
}

subgroup_fit <- function(d) {
  es <- escalc(measure = "PLO", xi = d$x, ni = d$n)
  g <- d$group
  lev <- sort(unique(g))
  fits <- lapply(lev, function(l) {
    sel <- g == l
    r <- robust_rma(es$yi[sel], es$vi[sel], method = "REML")
    list(level = l, k = sum(sel), b = num(r$beta), se = num(r$se), tau2 = num(r$tau2))
  })
  b <- sapply(fits, `[[`, "b"); se <- sapply(fits, `[[`, "se")
  between <- rma(b, se^2, mods = ~ factor(lev), method = "FE")
  list(subgroups = fits, Q_between = num(between$QM), df = length(lev) - 1, p = num(between$QMp))
}

loo_fit <- function(d) {
  es <- escalc(measure = "PLO", xi = d$x, ni = d$n)
  res <- robust_rma(es$yi, es$vi, method = "REML")
  l1 <- leave1out(res, control = res$control_used)
  cu <- cumul(res)  # studies are already in date order
  list(loo_b = num(l1$estimate), loo_se = num(l1$se), loo_tau2 = num(l1$tau2),
       cumul_b = num(cu$estimate), cumul_tau2 = num(cu$tau2))
}

study_cis <- function(d) {
  a <- 0.05; x <- d$x; n <- d$n
  cp_lb <- ifelse(x == 0, 0, qbeta(a / 2, x, n - x + 1))
  cp_ub <- ifelse(x == n, 1, qbeta(1 - a / 2, x + 1, n - x))
  z <- qnorm(1 - a / 2); p <- x / n
  w_c <- (p + z^2 / (2 * n)) / (1 + z^2 / n)
  w_h <- z * sqrt(p * (1 - p) / n + z^2 / (4 * n^2)) / (1 + z^2 / n)
  list(cp_lb = cp_lb, cp_ub = cp_ub, wilson_lb = w_c - w_h, wilson_ub = w_c + w_h)
}

# ---------------------------------------------------------------- run
measures <- c(logit = "PLO", ft = "PFT", arcsine = "PAS", raw = "PR")
methods <- c("FE", "DL", "REML", "PM", "ML")
tests <- c(z = "z", hk = "knha", "hk-adhoc" = "adhoc")

results <- lapply(datasets, function(d) {
  fits <- list()
  for (tr in names(measures)) for (m in methods) for (ts in names(tests)) {
    key <- paste(tr, m, ts, sep = "|")
    fits[[key]] <- safe(uni_fit(d, measures[[tr]], m, tests[[ts]]))
  }
  es <- escalc(measure = "PLO", xi = d$x, ni = d$n)
  entry <- list(name = d$name, events = d$x, totals = d$n, covariate = d$covariate,
                group = d$group, logit_yi = num(es$yi), logit_vi = num(es$vi),
                study_ci = study_cis(d), fits = fits,
                glmm = list(z = glmm_fit(d, "z"), t = glmm_fit(d, "t")))
  if (length(d$x) >= 3) {
    entry$metareg <- metareg_fit(d)
    entry$loo <- safe(loo_fit(d))
  }
  if (!is.null(d$group)) entry$subgroup <- safe(subgroup_fit(d))
  entry
})

out <- list(
  generated_by = "tests/analysis/reference/metafor_reference.R",
  r_version = R.version.string,
  metafor_version = as.character(packageVersion("metafor")),
  lme4_version = as.character(packageVersion("lme4")),
  control = tight,
  datasets = results)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE), out_file)
cat("wrote", out_file, "with", length(results), "datasets\n")
