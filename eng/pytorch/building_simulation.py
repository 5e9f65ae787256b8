#!/usr/bin/env python3
"""PyTorch's cost per gradient of the building simulation (shared/bench/building-simulation.md), the anchor Nabla is
measured against.

Written from the specification, in the way the published PyTorch version computes (its §2.1 and §2.5): the parameters
are one 5x5 tensor that requires grad, one row per parameter group; each group is a length-5 tensor that every step
replaces by masked updates (keep the other slots, write the changed one); the loss is |pred - 27.344767|; the
gradient is torch.autograd.grad of the loss with respect to the 5x5 tensor. What is timed, per iteration:

  forward   the loss, which also records the autograd graph (the published script's "forward" timer)
  backward  torch.autograd.grad on that graph (the published script's "gradient" timer)
  total     forward + backward: what one gradient costs, the figure Nabla's gradient is compared with

Install: Debian's package (PyTorch 1.13.1), `apt install python3-torch`; or `pip install torch`.
Run:     python3 eng/pytorch/building_simulation.py [--steps 20 1000 10000] [--dtype float32|float64] [--json FILE]

Before timing, the loss and gradient at 20 steps are checked against the spec's expected values for the dtype.
"""
import argparse
import json
import statistics
import sys
import time

import torch

DT = 0.1
PI = 3.14159265359
GEOMETRY_COEFF = 10.0
TARGET = 27.344767

# Rows of the parameter matrix and the slots within them (the spec's §2.1 table).
TUBE, SLAB, QUANTA, TANK, START = range(5)
SPACING, DIAMETER, TUBE_THICKNESS, RESISTIVITY = range(4)
S_TEMP, S_AREA, S_CP, S_DENSITY, S_THICKNESS = range(5)
Q_POWER, Q_TEMP, Q_FLOW, Q_DENSITY, Q_CP = range(5)
T_TEMP, T_VOLUME, T_CP, T_DENSITY, T_MASS = range(5)

DEFAULTS = [
    [0.50292, 0.019, 0.001588, 2.43, 0.0],
    [21.1111111, 100.0, 0.2, 2242.58, 0.101],
    [0.0, 60.0, 0.0006309, 1000.0, 4180.0],
    [70.0, 0.0757082, 4180.0, 1000.0, 75.708],
    [33.3, 0.0, 0.0, 0.0, 0.0],
]

EXPECTED_LOSS = {torch.float32: 10.634977340698242, torch.float64: 10.634975130093931}
# dLoss/dparams at 20 steps, the spec's §3 columns (ten significant digits), nonzero entries by flat index.
EXPECTED_GRADIENT = {
    torch.float32: {0: -8.722795486e+00, 1: 2.308878021e+02, 2: -2.762511963e+03, 3: -1.805295587e+00,
                    6: 3.842473961e-05, 7: -2.191512871e+01, 8: -1.954456558e-03, 9: -4.339628983e+01,
                    11: -1.013386063e-04, 12: 1.612022400e+00, 13: 1.017055183e-06, 14: 2.433089321e-07,
                    15: 1.275871396e-01, 16: -6.418827921e-02, 17: -1.162578883e-06, 18: -4.859579349e-06,
                    20: 8.725142479e-01},
    torch.float64: {0: -8.722791744e+00, 1: 2.308877065e+02, 2: -2.762510343e+03, 3: -1.805294825e+00,
                    6: 3.842512279e-05, 7: -2.191511956e+01, 8: -1.954455989e-03, 9: -4.339627635e+01,
                    11: -1.013382559e-04, 12: 1.612087077e+00, 13: 1.017065737e-06, 14: 2.433171620e-07,
                    15: 1.275871352e-01, 16: -6.418826516e-02, 17: -1.162578473e-06, 18: -4.859578016e-06,
                    20: 8.725142031e-01},
}


def loss_of(params, steps, dtype):
    """The loss after `steps` timesteps, each group a 5-vector updated through masks, as the tensor versions do."""
    def onehot(i):
        m = torch.zeros(5, dtype=dtype)
        m[i] = 1.0
        return m

    tube, slab, quanta, tank = params[TUBE], params[SLAB], params[QUANTA], params[TANK]
    keep = {i: 1.0 - onehot(i) for i in range(5)}
    put = {i: onehot(i) for i in range(5)}
    slab = slab * keep[S_TEMP] + params[START][0] * put[S_TEMP]

    def update_quanta(q):
        rise = (q[Q_POWER] * DT) / q[Q_CP] / ((q[Q_FLOW] * DT) * q[Q_DENSITY])
        q = q + rise * put[Q_TEMP]
        return q * keep[Q_POWER]

    for _ in range(steps):
        # 1. the source tank heats the fluid
        power = ((tank[T_TEMP] - quanta[Q_TEMP]) * (quanta[Q_FLOW] * quanta[Q_DENSITY])) * quanta[Q_CP]
        quanta = quanta * keep[Q_POWER] + power * put[Q_POWER]
        rise = (power * DT) / tank[T_CP] / (tank[T_VOLUME] * tank[T_DENSITY])
        tank = tank + rise * put[T_TEMP]
        # 2. the fluid takes up that power
        quanta = update_quanta(quanta)
        # 3. slab <-> fluid through the tube wall
        area = ((slab[S_AREA] / tube[SPACING]) * PI) * tube[DIAMETER]
        resistance = ((tube[RESISTIVITY] * tube[TUBE_THICKNESS]) / area) * GEOMETRY_COEFF
        load = (slab[S_TEMP] - quanta[Q_TEMP]) * (1 / resistance)
        quanta = quanta * keep[Q_POWER] + load * put[Q_POWER]
        # 4. the fluid takes up the load; 5. the slab gives it
        quanta = update_quanta(quanta)
        change = ((-load) * DT) / slab[S_CP] / ((slab[S_AREA] * slab[S_THICKNESS]) * slab[S_DENSITY])
        slab = slab + change * put[S_TEMP]
    return torch.abs(slab[S_TEMP] - TARGET)


def measure(steps, dtype, warmup, trials):
    params = torch.tensor(DEFAULTS, dtype=dtype, requires_grad=True)
    forward, backward, total = [], [], []
    for i in range(warmup + trials):
        t0 = time.perf_counter()
        loss = loss_of(params, steps, dtype)
        t1 = time.perf_counter()
        (gradient,) = torch.autograd.grad(loss, params)
        t2 = time.perf_counter()
        if i >= warmup:
            forward.append(t1 - t0)
            backward.append(t2 - t1)
            total.append(t2 - t0)
    with torch.no_grad():
        t0 = time.perf_counter()
        loss_of(params.detach(), steps, dtype)
        no_grad = time.perf_counter() - t0
    return {
        "steps": steps,
        "dtype": str(dtype).replace("torch.", ""),
        "trials": trials,
        "forward_s": statistics.median(forward),
        "backward_s": statistics.median(backward),
        "total_s": statistics.median(total),
        "total_mean_s": statistics.fmean(total),
        "forward_no_grad_s": no_grad,
        "loss": float(loss),
        "gradient": gradient.flatten().tolist(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[20, 1000, 10000])
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (the spec measured with 1)")
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    torch.set_num_threads(args.threads)

    params = torch.tensor(DEFAULTS, dtype=dtype, requires_grad=True)
    loss = loss_of(params, 20, dtype)
    if float(loss) != EXPECTED_LOSS[dtype]:
        print(f"loss at 20 steps is {float(loss)!r}, the spec expects {EXPECTED_LOSS[dtype]!r}", file=sys.stderr)
        return 1
    (gradient,) = torch.autograd.grad(loss, params)
    for i, g in enumerate(gradient.flatten().tolist()):
        expected = EXPECTED_GRADIENT[dtype].get(i, 0.0)
        if abs(g - expected) > 1e-8 * abs(expected):
            print(f"gradient[{i}] at 20 steps is {g!r}, the spec expects {expected!r}", file=sys.stderr)
            return 1

    print(f"PyTorch {torch.__version__}, {args.dtype}, {torch.get_num_threads()} thread(s); median per iteration")
    print("| steps | trials | forward (records the graph) | backward | forward + backward | forward under no_grad |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    results = []
    for steps in args.steps:
        # 3 warm-up + 100 trials at 20 steps as published; fewer at the long lengths, which take seconds each.
        warmup, trials = (3, 100) if steps <= 100 else (1, 5) if steps <= 2000 else (0, 1)
        r = measure(steps, dtype, warmup, trials)
        results.append(r)
        print(f"| {steps:,} | {trials} | {r['forward_s'] * 1e3:.2f} ms | {r['backward_s'] * 1e3:.2f} ms | "
              f"{r['total_s'] * 1e3:.2f} ms | {r['forward_no_grad_s'] * 1e3:.2f} ms |", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
