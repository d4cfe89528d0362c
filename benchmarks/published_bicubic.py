"""Reproduce the SR literature's published x4 "Bicubic" rows (Set5, Set14; Y-PSNR/SSIM, border 4) with sr_colab.evaluate.score_benchmark.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/published_bicubic.py [--shared PATH]
Writes benchmarks/results/published_bicubic.md and .json.
"""
import argparse, json, time
from pathlib import Path
from sr_colab.core import shared_dir, atomic_write_text
from sr_colab.evaluate import benchmark_pairs, score_benchmark
from machine import describe_machine, load_now

PUBLISHED = {'Set5': (28.42, 0.8104), 'Set14': (26.00, 0.7027)}  # EDSR / RCAN / ESRGAN supplementary tables
RUNS = [  # (set, LR folder, upscaler, what it shows)
    ('Set5', 'LR_bicubic_x4_edsr_uint8', 'matlab_bicubic', 'the published protocol'),
    ('Set14', 'LR_bicubic_x4', 'matlab_bicubic', 'the published protocol (bridge on grey values)'),
    ('Set5', 'LR_bicubic_x4', 'matlab_bicubic', 'BasicSR mod-12 LR files instead'),
    ('Set5', 'LR_bicubic_x4_edsr_uint8', 'bicubic', "torch's bicubic (a=-0.75) instead of MATLAB's"),
    ('Set14', 'LR_bicubic_x4', 'bicubic', "torch's bicubic (a=-0.75) instead of MATLAB's"),
]

def main():
    p = argparse.ArgumentParser(); p.add_argument('--shared', default=None); args = p.parse_args()
    root = shared_dir(args.shared)
    rows, start, load = [], time.time(), load_now()
    for name, folder, model, note in RUNS:
        s = score_benchmark(model, benchmark_pairs(name, folder, shared=root), device='cpu')
        pub = PUBLISHED[name]
        rows.append(dict(set=name, lr=folder, upscaler=model, note=note, images=s['images'], psnr_y=round(s['psnr_y'], 3),
                         ssim_y=round(s['ssim_y'], 4), published_psnr=pub[0], published_ssim=pub[1],
                         d_psnr=round(s['psnr_y'] - pub[0], 3), d_ssim=round(s['ssim_y'] - pub[1], 4)))
        print(rows[-1])
    lines = ['# Published bicubic rows, reproduced', '',
             'x4, `sr_colab.evaluate.score_benchmark`: HR[:4h, :4w], SR rounded to 8 bits, Y channel (BT.601, rounded to 8 bits; '
             "Set14's greyscale bridge on its grey values), 4-pixel border, SSIM Gaussian 11x11 sigma 1.5 valid.",
             'LR files from ../shared/benchmarks (see its SOURCES.md). Tolerance asked: 0.02 dB / 0.002.', '',
             '| set | LR files | upscaler | ours Y-PSNR / SSIM | published | difference | note |', '|---|---|---|---|---|---|---|']
    for r in rows:
        lines.append(f"| {r['set']} ({r['images']}) | {r['lr']} | {r['upscaler']} | {r['psnr_y']:.3f} / {r['ssim_y']:.4f} | "
                     f"{r['published_psnr']:.2f} / {r['published_ssim']:.4f} | {r['d_psnr']:+.3f} / {r['d_ssim']:+.4f} | {r['note']} |")
    cmd = 'flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/published_bicubic.py'
    lines += ['', f'Command: `{cmd}`', f'Machine: {describe_machine("cpu", load)}; '
              f'{time.time() - start:.0f} s.', '']
    out = Path(__file__).parent/'results'
    atomic_write_text(out/'published_bicubic.md', '\n'.join(lines))
    atomic_write_text(out/'published_bicubic.json', json.dumps(dict(rows=rows, command=cmd, machine=describe_machine('cpu', load)), indent=1))
    print('\n'.join(lines))

if __name__ == '__main__': main()
