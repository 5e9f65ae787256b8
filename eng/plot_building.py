#!/usr/bin/env python3
"""Draws docs/building-simulation.svg (time per call against timesteps, log-log) from the benchmark's JSON
(BenchmarkDotNet.Artifacts/building-simulation.json, written by bench/Nabla.Benchmarks after a run) and PyTorch's
(eng/pytorch/building_simulation.py --json), and prints the speed-up over PyTorch. Standard library only.

  python3 eng/plot_building.py NABLA_JSON [PYTORCH_JSON] [-o docs/building-simulation.svg]
"""
import argparse
import json
import math

WIDTH, HEIGHT = 820, 460
LEFT, RIGHT, TOP, BOTTOM = 80, 290, 40, 60


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("nabla")
    parser.add_argument("pytorch", nargs="?")
    parser.add_argument("-o", "--output", default="docs/building-simulation.svg")
    args = parser.parse_args()

    rows = json.load(open(args.nabla))
    series = []  # (label, colour, dash, [(steps, seconds)])
    def nabla_series(type_, key, label, colour, dash=""):
        points = sorted((r["steps"], r[key] * 1e-9) for r in rows if r["type"] == type_ and r[key] == r[key])
        if points:
            series.append((label, colour, dash, points))
    nabla_series("double", "nabla_ns", "Nabla gradient (double)", "#1f77b4")
    nabla_series("float", "nabla_ns", "Nabla gradient (float)", "#1f77b4", "6,4")
    nabla_series("double", "manual_ns", "hand-written (double)", "#2ca02c")
    nabla_series("double", "forward_ns", "forward only (double)", "#7f7f7f", "2,3")

    torch = None
    if args.pytorch:
        torch = json.load(open(args.pytorch))
        points = sorted((r["steps"], r["total_s"]) for r in torch["results"])
        series.append((f"PyTorch {torch['torch']} fwd+bwd ({torch['results'][0]['dtype']}), this run", "#d62728", "", points))
        # The specification's §4 anchor: PyTorch forward + backward at 20 steps on a quiet machine like this one.
        series.append(("PyTorch fwd+bwd, spec's quiet-machine figure", "#ff9896", "", [(20, 10e-3)]))

    xs = [s for _, _, _, pts in series for s, _ in pts]
    ys = [t for _, _, _, pts in series for _, t in pts]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(steps):
        return LEFT + (math.log10(steps) - x0) / (x1 - x0) * pw

    def py(seconds):
        return TOP + (y1 - math.log10(seconds)) / (y1 - y0) * ph

    def time_label(exponent):
        units = [(0, "s"), (-3, "ms"), (-6, "µs"), (-9, "ns")]
        for base, unit in units:
            if exponent >= base:
                return f"{10 ** (exponent - base):g} {unit}"
        return f"1e{exponent} s"

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="14">Building simulation: time per call against timesteps (log-log, one machine, one run)</text>']
    for e in range(y0, y1 + 1):
        y = py(10 ** e)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{time_label(e)}</text>')
    for e in range(x0, x1 + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + ph}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + ph + 18}" text-anchor="middle">{10 ** e:,}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{LEFT + pw / 2}" y="{HEIGHT - 18}" text-anchor="middle">timesteps</text>')
    for i, (label, colour, dash, points) in enumerate(series):
        path = " ".join(f"{px(s):.1f},{py(t):.1f}" for s, t in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for s, t in points:
            out.append(f'<circle cx="{px(s):.1f}" cy="{py(t):.1f}" r="3" fill="{colour}"/>')
        ly = TOP + 10 + 20 * i
        out.append(f'<line x1="{LEFT + pw + 10}" y1="{ly}" x2="{LEFT + pw + 34}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        out.append(f'<text x="{LEFT + pw + 40}" y="{ly + 4}" font-size="11">{label}</text>')
    out.append("</svg>")
    with open(args.output, "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"written {args.output}")

    if torch:
        print("| steps | PyTorch fwd+bwd | Nabla gradient (float) | speed-up | Nabla gradient (double) | speed-up |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in sorted(torch["results"], key=lambda r: r["steps"]):
            cells = [f"{r['steps']:,}", f"{r['total_s'] * 1e3:.2f} ms"]
            for type_ in ("float", "double"):
                match = [x for x in rows if x["type"] == type_ and x["steps"] == r["steps"]]
                if match:
                    ns = match[0]["nabla_ns"]
                    cells += [f"{ns / 1e3:.2f} µs", f"{r['total_s'] * 1e9 / ns:,.0f}×"]
                else:
                    cells += ["–", "–"]
            print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
