"""Run the main job (`sr_colab.demo.run_demo`, what `sr-colab demo` does) and record its numbers for the README.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/demo.py [--degradation grader|bicubic] [--steps N]
Writes benchmarks/results/demo_<degradation>.md and .json.
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path
import torch
from sr_colab.core import atomic_write_text
from sr_colab.demo import run_demo

def main():
    p = argparse.ArgumentParser()
    p.add_argument('--degradation', default='grader'); p.add_argument('--steps', type=int, default=600)
    p.add_argument('--seconds', type=float, default=1e9, help='no cap by default: record what the steps buy')
    args = p.parse_args()
    load = os.getloadavg()[0]
    r = run_demo(Path(tempfile.mkdtemp()), steps=args.steps, seconds=args.seconds, degradation=args.degradation, progress=False)
    out = Path(__file__).parent/'results'
    name = f'demo_{args.degradation}'
    atomic_write_text(out/f'{name}.json', json.dumps(r, indent=2))
    p_, s_ = r['psnr_y'], r['ssim_y']
    lines = [f"| LR made by | steps | train time | held-out bicubic Y-PSNR / SSIM | held-out ResidualSR Y-PSNR / SSIM | gain |",
             "|---|---|---|---|---|---|",
             f"| {args.degradation} | {r['steps']} | {r['train_seconds']:.0f} s | {p_['bicubic']:.3f} / {s_['bicubic']:.4f} | "
             f"{p_['model']:.3f} / {s_['model']:.4f} | {p_['model'] - p_['bicubic']:+.3f} dB |", '',
             f"Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/demo.py --degradation {args.degradation} --steps {args.steps}`  ",
             f"Machine: 2-core CPU sandbox, no GPU ({platform.machine()}), torch {torch.__version__}, "
             f"load average {load:.1f} at start (other jobs shared the cores, so the time is pessimistic)."]
    atomic_write_text(out/f'{name}.md', '\n'.join(lines) + '\n')
    print('\n'.join(lines))

if __name__ == '__main__': main()
