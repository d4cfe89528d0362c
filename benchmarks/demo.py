"""Run the main job (`sr_colab.demo.run_demo`, what `sr-colab demo` does) and record its numbers for the README.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/demo.py [--degradation grader|bicubic] [--steps N]
Writes benchmarks/results/demo_<degradation>.md and .json.
"""
import argparse, inspect, json, tempfile
from pathlib import Path
from sr_colab.core import atomic_write_text
from sr_colab.demo import run_demo
from machine import describe_machine, load_now

def main():
    p = argparse.ArgumentParser()
    defaults = {k: v.default for k, v in inspect.signature(run_demo).parameters.items()}
    p.add_argument('--degradation', default=defaults['degradation'])
    p.add_argument('--steps', type=int, default=defaults['steps'], help="default: what `sr-colab demo` runs")
    p.add_argument('--seconds', type=float, default=defaults['seconds'], help="default: the demo's own wall-clock cap")
    args = p.parse_args()
    load = load_now()
    r = run_demo(Path(tempfile.mkdtemp()), steps=args.steps, seconds=args.seconds, degradation=args.degradation, progress=False)
    out = Path(__file__).parent/'results'
    name = f'demo_{args.degradation}'
    atomic_write_text(out/f'{name}.json', json.dumps(r, indent=2))
    p_, s_ = r['psnr_y'], r['ssim_y']
    capped = r['steps'] < args.steps
    lines = [f"# The demo: `sr-colab demo`, measured", '',
             f"What the README's first command trains: a small ResidualSR (no BatchNorm, global bicubic skip, widths "
             f"{tuple(r['model']['config']['widths'])}) on the images that ship with our dependencies, scored on held-out images "
             f"({r['heldout_images']}) with LR made the same way." + (f" The {args.seconds:g} s cap stopped it after {r['steps']} of {args.steps} steps." if capped else ''), '',
             f"| LR made by | steps | train time | held-out bicubic Y-PSNR / SSIM | held-out ResidualSR Y-PSNR / SSIM | gain |",
             "|---|---|---|---|---|---|",
             f"| {args.degradation} | {r['steps']} | {r['train_seconds']:.0f} s | {p_['bicubic']:.3f} / {s_['bicubic']:.4f} | "
             f"{p_['model']:.3f} / {s_['model']:.4f} | {p_['model'] - p_['bicubic']:+.3f} dB |", '',
             f"Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/demo.py --degradation {args.degradation} --steps {args.steps} --seconds {args.seconds:g}`  ",
             f"Machine: {describe_machine(r['device'], load)}."]
    atomic_write_text(out/f'{name}.md', '\n'.join(lines) + '\n')
    print('\n'.join(lines))

if __name__ == '__main__': main()
