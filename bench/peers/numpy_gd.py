"""Straightforward NumPy gradient descent on a deep matrix chain.

The peer of sharpsweep's GD loop, written the way a researcher would:
a list of float64 arrays and `@` products. Loss ||M - W_L...W_1||_F^2
(no 1/2); gradient -2 A_i^T (M - P) B_i^T, with the back-propagated
residual C_i = A_i^T R so no suffix products are formed.

Usage (prints one JSON line):
  numpy_gd.py info
  numpy_gd.py dgemm --sizes 128,512 --seconds 0.5
  numpy_gd.py steps --input f.json --seconds 0.5 [--reps 1]
  numpy_gd.py serve     (JSON requests on stdin, see serve())

f.json: {"factors": [W_1, ..., W_L], "target": M, "stepSize": eta}
"""
import argparse
import ctypes
import json
import os
import sys
import time

import numpy as np


def load_chain(path):
    with open(path) as f:
        spec = json.load(f)
    factors = [np.array(w, dtype=np.float64) for w in spec["factors"]]
    if spec.get("target") is not None:
        target = np.array(spec["target"], dtype=np.float64)
    else:
        target = product(factors)
    return spec, factors, target


def product(factors):
    p = factors[0]
    for w in factors[1:]:
        p = w @ p
    return p


def loss_and_grads(factors, target):
    """Forward prefix products, then back-propagate the residual."""
    prefix = [factors[0]]
    for w in factors[1:]:
        prefix.append(w @ prefix[-1])
    r = target - prefix[-1]
    grads = [None] * len(factors)
    c = r
    for i in range(len(factors) - 1, -1, -1):
        grads[i] = -2.0 * (c @ prefix[i - 1].T) if i > 0 else -2.0 * c
        if i > 0:
            c = factors[i].T @ c
    return float(np.sum(r * r)), grads


def gd_step(factors, target, eta):
    loss, grads = loss_and_grads(factors, target)
    for w, g in zip(factors, grads):
        w -= eta * g
    return loss


def steps_per_second(factors, target, eta, seconds):
    count = 0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        gd_step(factors, target, eta)
        count += 1
        elapsed = time.perf_counter() - started
    return count / elapsed


def dgemm_gflops(n, seconds):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    out = np.empty((n, n))
    np.matmul(a, b, out=out)
    count = 0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        np.matmul(a, b, out=out)
        count += 1
        elapsed = time.perf_counter() - started
    return 2.0 * n ** 3 * count / elapsed / 1e9


def blas_info():
    """Which BLAS library, core type and thread count NumPy runs on."""
    info = {"numpy": np.__version__, "source": None}
    try:
        from threadpoolctl import threadpool_info

        pools = threadpool_info()
        info["source"] = "threadpoolctl"
        info["pools"] = [
            {k: p.get(k) for k in
             ("internal_api", "version", "architecture", "num_threads",
              "threading_layer", "filepath")}
            for p in pools
        ]
        return info
    except ImportError:
        pass
    # Without threadpoolctl: ask the OpenBLAS that NumPy loaded directly.
    with open("/proc/self/maps") as maps:
        paths = sorted({line.split()[-1] for line in maps
                        if "openblas" in line and "/" in line})
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("openblas_", ""),
                               ("scipy_openblas_", "64_"),
                               ("openblas_", "64_")):
            try:
                corename = getattr(lib, f"{prefix}get_corename{suffix}")
                config = getattr(lib, f"{prefix}get_config{suffix}")
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}")
            except AttributeError:
                continue
            corename.restype = ctypes.c_char_p
            config.restype = ctypes.c_char_p
            info["source"] = "ctypes (threadpoolctl not installed)"
            info["pools"] = [{
                "internal_api": "openblas",
                "version": config().decode(),
                "architecture": corename().decode(),
                "num_threads": threads(),
                "filepath": path,
            }]
            return info
    return info


def serve():
    """One JSON request per stdin line, {"input": f, "seconds": s}; one
    JSON answer per line. Keeps the interpreter warm between rounds so
    imports are paid once."""
    for line in sys.stdin:
        request = json.loads(line)
        spec, factors, target = load_chain(request["input"])
        eta = spec["stepSize"]
        seconds = request["seconds"]
        steps_per_second(factors, target, eta, min(0.1, seconds))
        rate = steps_per_second(factors, target, eta, seconds)
        answer = {"rate": rate, "loss": gd_step(factors, target, eta)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["info", "dgemm", "steps", "serve"])
    parser.add_argument("--input")
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--sizes", default="128,512")
    args = parser.parse_args()

    if args.mode == "serve":
        serve()
        return
    if args.mode == "info":
        out = blas_info()
        out["python"] = sys.version.split()[0]
        out["env"] = {k: os.environ.get(k) for k in
                      ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
                       "OPENBLAS_NUM_THREADS")}
    elif args.mode == "dgemm":
        sizes = [int(s) for s in args.sizes.split(",")]
        out = {str(n): dgemm_gflops(n, args.seconds) for n in sizes}
    else:
        spec, factors, target = load_chain(args.input)
        eta = spec["stepSize"]
        # One untimed warm-up pass, like the TypeScript side's JIT warm-up.
        steps_per_second(factors, target, eta, min(0.1, args.seconds))
        out = {"rates": [steps_per_second(factors, target, eta, args.seconds)
                         for _ in range(args.reps)],
               "loss": gd_step(factors, target, eta)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
