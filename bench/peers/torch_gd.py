"""Straightforward PyTorch (CPU, float64, autograd) GD on a matrix chain.

The idiomatic PyTorch version of one GD step: build the product, take
loss = ||M - P||_F^2 (no 1/2), loss.backward(), update under no_grad.
Single-threaded (torch.set_num_threads(1)) to compare one core.

Usage (prints one JSON line):
  torch_gd.py info
  torch_gd.py steps --input f.json --seconds 0.5 [--reps 1]
  torch_gd.py serve     (JSON requests on stdin, see serve())
"""
import argparse
import json
import sys
import time

import torch


def load_chain(path):
    with open(path) as f:
        spec = json.load(f)
    factors = [torch.tensor(w, dtype=torch.float64, requires_grad=True)
               for w in spec["factors"]]
    if spec.get("target") is not None:
        target = torch.tensor(spec["target"], dtype=torch.float64)
    else:
        with torch.no_grad():
            target = product(factors)
    return spec, factors, target


def product(factors):
    p = factors[0]
    for w in factors[1:]:
        p = w @ p
    return p


def gd_step(factors, target, eta):
    loss = ((target - product(factors)) ** 2).sum()
    loss.backward()
    with torch.no_grad():
        for w in factors:
            w -= eta * w.grad
            w.grad = None
    return loss.item()


def steps_per_second(factors, target, eta, seconds):
    count = 0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < seconds:
        gd_step(factors, target, eta)
        count += 1
        elapsed = time.perf_counter() - started
    return count / elapsed


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
    parser.add_argument("mode", choices=["info", "steps", "serve"])
    parser.add_argument("--input")
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--reps", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(1)

    if args.mode == "serve":
        serve()
        return
    if args.mode == "info":
        out = {"torch": torch.__version__,
               "python": sys.version.split()[0],
               "threads": torch.get_num_threads(),
               "config": torch.__config__.show().strip().splitlines()[:12]}
    else:
        spec, factors, target = load_chain(args.input)
        eta = spec["stepSize"]
        steps_per_second(factors, target, eta, min(0.1, args.seconds))
        out = {"rates": [steps_per_second(factors, target, eta, args.seconds)
                         for _ in range(args.reps)],
               "loss": gd_step(factors, target, eta)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
