"""Quality against CPU time: the x4-bicubic release recipe trained for several time budgets, on Set5/Set14 by the one protocol.

Each point is a full run of `scripts/train_release.py`'s x4-bicubic recipe (same model, data, seed, EMA) whose learning
rate anneals over its own budget (`TrainingClock`), so a 5-minute point is what 5 minutes can do, not the first 5 minutes
of a longer run. Points already trained are read from their run folders' results (`runs_dir()/frontier/`), and the
shipped x4-bicubic is the point at its own budget (its card's scores), so the curve grows one budget at a time:
    flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/frontier.py --minutes 5 15
Scored on the official MATLAB-bicubic LR files: Y-PSNR, border 4, Set14's bridge on its grey values
(`sr_colab.evaluate.score_benchmark`). Writes benchmarks/results/frontier.{md,json,png}, with the published anchors drawn.
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'scripts'))
from machine import describe_machine, load_now
from train_release import RECIPES, training_images, make_trainer, score, ANCHORS
from sr_colab.core import atomic_write_text, runs_dir, shared_dir
from sr_colab.pretrained import load_pretrained

OUT = ROOT/'benchmarks'/'results'

def train_point(minutes, images, root, load):
    "One run of the recipe with a `minutes` budget (resumes if cut); its scores, kept beside its checkpoints."
    folder = runs_dir()/'frontier'/f'x4-bicubic-{minutes:g}min'
    done = folder/'scores.json'
    if done.is_file(): return {**json.loads(done.read_text()), 'source': f'runs_dir()/frontier/{folder.name}'}
    recipe = {**RECIPES['x4-bicubic'], 'minutes': minutes}
    trainer = make_trainer(f'frontier-{minutes:g}', recipe, images, folder, None)
    trainer.fit()
    point = dict(minutes=minutes, steps=trainer.step, scores=score(trainer.ema.model, 'x4-bicubic', recipe, root),
                 machine=describe_machine('cpu', load), source=f'runs_dir()/frontier/{folder.name}')
    atomic_write_text(done, json.dumps(point, indent=1))
    return point

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--minutes', type=float, nargs='+', default=[5, 15], help='training budgets to train (or read) besides the shipped one')
    args = p.parse_args()
    torch.set_num_threads(1)
    load, start, root = load_now(), time.time(), shared_dir()
    _, images = training_images(root)
    points = [train_point(m, images, root, load) for m in args.minutes]
    card = load_pretrained('x4-bicubic').card
    points.append(dict(minutes=card['train_seconds'] / 60, steps=card['steps'], scores=card['scores'], machine=card['machine'],
                       source='the shipped x4-bicubic (its card)'))
    points.sort(key=lambda q: q['minutes'])
    res = dict(points=points, recipe={k: v for k, v in RECIPES['x4-bicubic'].items() if k != 'minutes'}, anchors=ANCHORS,
               machine=describe_machine('cpu', load), seconds=time.time() - start)
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/'frontier.json', json.dumps(res, indent=1))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, bench, i in zip(axes, ('Set5', 'Set14'), (0, 1)):
        ax.plot([q['minutes'] for q in points], [q['scores'][bench]['psnr_y'] for q in points], 'o-', label='x4-bicubic recipe (233K params)')
        for name, vals in ANCHORS.items(): ax.axhline(vals[i], ls=':', lw=1, color='grey'); ax.text(points[-1]['minutes'], vals[i], f' {name}', fontsize=7, va='center')
        ax.set_xscale('log'); ax.set_xticks([q['minutes'] for q in points], [f"{q['minutes']:g}" for q in points]); ax.minorticks_off()
        ax.set_xlabel('training budget, CPU minutes (1 thread)'); ax.set_ylabel('Y-PSNR (dB)'); ax.set_title(bench)
    axes[0].legend(fontsize=7, loc='lower right'); fig.tight_layout(); fig.savefig(ROOT/'docs'/'frontier.png', dpi=80)
    rows = [f"| {q['minutes']:g} | {q['steps']:,} | {q['scores']['Set5']['psnr_y']:.2f} / {q['scores']['Set5']['ssim_y']:.4f} | "
            f"{q['scores']['Set14']['psnr_y']:.2f} / {q['scores']['Set14']['ssim_y']:.4f} | {q['source']} |" for q in points]
    md = f"""# Quality against CPU time (x4-bicubic recipe)

Each row is a whole run of the x4-bicubic release recipe (ResidualSRPlus width 32, 8 blocks, 233K parameters; 391 training
photos; batch 16 of 64px crops; Adam 1e-3, EMA 0.999; one torch thread) whose learning rate anneals over that row's own
budget. Scores on the official MATLAB-bicubic LR files, Y-PSNR / SSIM-Y, border 4, Set14's bridge on its grey values.

| budget (min) | steps | Set5 | Set14 | run |
|---|---|---|---|---|
{chr(10).join(rows)}

Published anchors (same protocol): {', '.join(f'{k} {a:.2f} / {b:.2f}' for k, (a, b) in ANCHORS.items())}. The picture is
`docs/frontier.png`. Steps per minute differ between rows because the machine was shared (each run's load is in the JSON).

Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/frontier.py --minutes {' '.join(f'{m:g}' for m in args.minutes)}`
Machine: {res['machine']}; {res['seconds']:.0f} s.
"""
    atomic_write_text(OUT/'frontier.md', md)
    print(md)

if __name__ == '__main__': main()
