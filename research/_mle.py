"""Maximum likelihood that gives the same answer on every machine (private).

The customer-base models (BG/NBD, Gamma-Gamma and their limits) are fitted here with one
recipe, chosen so that the estimate depends on the data alone, not on the processor, the BLAS
library, the thread count, the row order or the starting point:

* the objective is the **mean** negative log-likelihood over customers (so tolerances mean the
  same on 300 customers and on 3 million) with its **analytic gradient**, on the log scale of
  the parameters, inside a wide box (``LOG_BOUND``) so a runaway parameter stops at a known
  value instead of overflowing;
* L-BFGS-B is started from several points (starting values computed from the data plus the
  caller's), and the best end point is **polished by Newton steps** whose Hessian comes from
  central differences of the analytic gradient, until a step changes no parameter by more than
  1e-12 in log: the answer is then the maximum itself, not wherever an optimiser happened to
  stop on a flat surface;
* the likelihood is written with elementwise NumPy and SciPy functions and weighted sums
  (no BLAS reductions, whose blocking depends on the thread count and the processor).

No well-kept library combines these for us (scipy.optimize gives the parts), hence this file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

# exp(±18.42) = 1e±8: the box of every log-parameter. A parameter that ends on it ran away.
LOG_BOUND = float(np.log(1e8))

FunGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class Optimum:
    """Where the search ended: log-parameters, mean objective, gradient and diagnostics."""

    theta: np.ndarray
    value: float
    grad: np.ndarray
    converged: bool
    at_bound: np.ndarray
    message: str


def _hessian(fun_grad: FunGrad, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Symmetrised central-difference Hessian of the analytic gradient."""
    k = len(theta)
    hess = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        hess[i] = (fun_grad(theta + e)[1] - fun_grad(theta - e)[1]) / (2 * step)
    return (hess + hess.T) / 2


def _polish(fun_grad: FunGrad, theta: np.ndarray, free: np.ndarray) -> np.ndarray:
    """Newton steps on the free coordinates, each accepted only if the objective does not rise."""
    value, _ = fun_grad(theta)
    for _ in range(50):
        _, grad = fun_grad(theta)
        hess = _hessian(fun_grad, theta)[np.ix_(free, free)]
        try:
            np.linalg.cholesky(hess)
        except np.linalg.LinAlgError:
            return theta  # not a local minimum in every free direction: leave it
        step = np.zeros_like(theta)
        step[free] = -np.linalg.solve(hess, grad[free])
        for _ in range(30):
            trial = np.clip(theta + step, -LOG_BOUND, LOG_BOUND)
            trial_value, _ = fun_grad(trial)
            if np.isfinite(trial_value) and trial_value <= value + 1e-15 * abs(value):
                break
            step /= 2
        else:
            return theta
        moved = float(np.max(np.abs(trial - theta)))
        theta, value = trial, trial_value
        if moved < 1e-12:
            break
    return theta


# a coordinate beyond exp(±9.2) = 1e±4 that the likelihood still pushes outwards is tried at the
# edge of the box: a likelihood that rises towards a limit is flat there, and the optimiser would
# stop at a point that depends on where it started
SNAP = float(np.log(1e4))


def _search(
    fun_grad: FunGrad, x0: np.ndarray, fixed: np.ndarray | None = None
) -> optimize.OptimizeResult:
    bounds = [
        (float(x0[i]), float(x0[i])) if fixed is not None and fixed[i] else (-LOG_BOUND, LOG_BOUND)
        for i in range(len(x0))
    ]
    return optimize.minimize(
        fun_grad,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 3000, "ftol": 1e-15, "gtol": 1e-11},
    )


def minimise(fun_grad: FunGrad, starts: Sequence[np.ndarray]) -> Optimum:
    """Minimise a mean negative log-likelihood over unbounded coordinates from several starts.

    Parameters
    ----------
    fun_grad : callable
        ``theta -> (value, gradient)``; may return non-finite values where undefined.
    starts : sequence of arrays
        Starting coordinates; the best end point is snapped to the edges of the box where the
        likelihood rises towards a limit, then polished by Newton steps.
    """

    def safe(theta: np.ndarray) -> tuple[float, np.ndarray]:
        with np.errstate(all="ignore"):
            value, grad = fun_grad(theta)
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return 1e300, np.zeros_like(theta)
        return float(value), np.asarray(grad, dtype=float)

    best = None
    for start in starts:
        x0 = np.clip(np.asarray(start, dtype=float), -LOG_BOUND + 1, LOG_BOUND - 1)
        res = _search(safe, x0)
        # ties (the same optimum reached twice) are broken by the start's order, not by noise
        if best is None or res.fun < best.fun - 1e-12 * abs(best.fun):
            best = res
    theta = np.asarray(best.x, dtype=float)
    value = float(best.fun)
    # snap runaway coordinates to the edge, one set at a time, and keep what is not worse
    far = np.abs(theta) > SNAP
    if far.any():
        snapped = theta.copy()
        snapped[far] = np.sign(theta[far]) * LOG_BOUND
        res = _search(safe, snapped, fixed=far)
        if res.fun <= value + 1e-10 * abs(value):
            theta, value = np.asarray(res.x, dtype=float), float(res.fun)
    at_bound = np.abs(np.abs(theta) - LOG_BOUND) < 1e-6
    if (~at_bound).any():
        theta = _polish(safe, theta, ~at_bound)
    value, grad = safe(theta)
    converged = value < 1e300 and bool(np.all(np.abs(grad[~at_bound]) < 1e-6))
    return Optimum(theta, value, grad, converged, at_bound, str(best.message))


def covariance(fun_grad: FunGrad, theta: np.ndarray, n: float, free: np.ndarray) -> np.ndarray:
    """Covariance of the free coordinates: inverse Hessian of the total objective there.

    Coordinates at the edge of the box get NaN rows and columns.
    """
    k = len(theta)
    hess = _hessian(fun_grad, theta)[np.ix_(free, free)] * n
    cov = np.full((k, k), np.nan)
    cov[np.ix_(free, free)] = np.linalg.inv(hess)
    return cov
