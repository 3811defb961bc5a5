"""One escape trial in straightforward NumPy (startup included when timed).

Same protocol as `sharpsweep escape --input f.json --json`:
  1. exact sharpness at the minimizer w* through the small operator
     T = sum_i kron(A_i A_i^T, B_i^T B_i) (row-major vec), eigh on the
     dense T; lambda_max(H) = 2 lambda_max(T); top direction
     U_i = A_i^T X B_i^T, normalised, sign rule of the reference cases;
  2. GD from w* + radius * U for maxSteps steps (no early stop), escape
     step = first step after which ||w - w*|| > escapeDistance;
  3. final exact sharpness (T route) when the run converged.

LIMITATION: only direction "top" is supported (a "random" direction would
need sharpsweep's seeded generator), so the whole-trial benchmark compares
top-direction trials only. When d_L * d_0 > EIGH_LIMIT the dense
T does not fit a straightforward eigh in the time budget (16384^2 for a
128x128 target), so SciPy's eigsh on the matrix-free T is used instead.

Usage: numpy_escape.py --input f.json   (prints one JSON line)
"""
import argparse
import json
import math

import numpy as np

from numpy_gd import load_chain, loss_and_grads

EIGH_LIMIT = 4096
DIVERGED_LOSS = 1e100
SIGN_THRESHOLD = 1e-12


def grams(factors):
    d0, dl = factors[0].shape[1], factors[-1].shape[0]
    right = [np.eye(d0)]                      # B_1 ... B_L
    for w in factors[:-1]:
        right.append(w @ right[-1])
    left = [np.eye(dl)]                       # A_L ... A_1, reversed below
    for w in reversed(factors[1:]):
        left.append(left[-1] @ w)
    left.reverse()
    return left, right


def exact_sharpness(factors):
    """(lambda_max of the Hessian, unit top direction, route) at P = M."""
    left, right = grams(factors)
    ga = [a @ a.T for a in left]
    gb = [b.T @ b for b in right]
    n = ga[0].shape[0] * gb[0].shape[0]
    if n <= EIGH_LIMIT:
        t = sum(np.kron(x, y) for x, y in zip(ga, gb))
        values, vectors = np.linalg.eigh(t)
        value, x, route = values[-1], vectors[:, -1], "eigh"
    else:
        from scipy.sparse.linalg import LinearOperator, eigsh

        shape = (ga[0].shape[0], gb[0].shape[0])

        def apply(v):
            m = v.reshape(shape)
            return sum(x @ m @ y for x, y in zip(ga, gb)).ravel()

        op = LinearOperator((n, n), matvec=apply, dtype=np.float64)
        values, vectors = eigsh(op, k=1, which="LA", tol=1e-12)
        value, x, route = values[0], vectors[:, 0], "eigsh"
    xm = x.reshape(ga[0].shape[0], gb[0].shape[0])
    parts = [(a.T @ xm @ b.T).ravel() for a, b in zip(left, right)]
    top = np.concatenate(parts)
    top /= np.linalg.norm(top)
    first = np.flatnonzero(np.abs(top) > SIGN_THRESHOLD)
    if first.size and top[first[0]] < 0:
        top = -top
    return 2.0 * value, top, route


def run(spec, factors, target):
    if spec.get("direction", "top") != "top":
        raise SystemExit("numpy_escape.py supports direction 'top' only")
    sharpness, top, route = exact_sharpness(factors)
    eta = spec.get("stepSize") or spec["stepRatio"] * 2.0 / sharpness
    radius = spec["radius"]
    max_steps = spec.get("maxSteps", 20000)
    delta = spec.get("escapeDistance", 1e-3)
    converged_loss = spec.get("convergedLoss", 1e-20)

    anchor = [w.copy() for w in factors]
    offset = 0
    for w in factors:
        w += radius * top[offset:offset + w.size].reshape(w.shape)
        offset += w.size

    escape_step = diverged_step = final_loss = None
    steps, distance = 0, radius
    for k in range(max_steps + 1):
        loss, grads = loss_and_grads(factors, target)
        if not loss <= DIVERGED_LOSS:
            diverged_step = k
            break
        if k == max_steps:
            final_loss = loss
            break
        for w, g in zip(factors, grads):
            w -= eta * g
        distance = math.sqrt(sum(float(np.sum((w - a) ** 2))
                                 for w, a in zip(factors, anchor)))
        steps = k + 1
        if escape_step is None and distance > delta:
            escape_step = steps

    outcome, final_sharpness = "unconverged", None
    if diverged_step is not None:
        outcome = "diverged"
    elif final_loss < converged_loss:
        outcome = "stayed" if distance <= delta else "escaped"
        final_sharpness = exact_sharpness(factors)[0]
    return {
        "outcome": outcome, "sharpness": sharpness, "stepSize": eta,
        "stepRatio": eta * sharpness / 2.0, "escapeStep": escape_step,
        "divergedStep": diverged_step, "finalLoss": final_loss,
        "finalDistance": distance, "finalSharpness": final_sharpness,
        "steps": steps, "route": route,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    args = parser.parse_args()
    spec, factors, target = load_chain(args.input)
    print(json.dumps(run(spec, factors, target)))


if __name__ == "__main__":
    main()
