"""x4-diverse against the two ways to buy diversity without learning it, at equal diversity, over three training seeds.

GRADER.md's diversity test (mean pixel L1 over the 45 pairs of ten seeded outputs, full points at >= 0.05) can be bought
with noise that has nothing to do with the picture: input noise on a plain model (the seed report's trick) and bicubic
plus per-pixel noise with the LR pixels pinned. A learned sampler is worth shipping only if it pays less L1 and SSIM
for the same diversity. This measures that on 256x256 centre crops of Set5 + Set14 (never trained on), by the grader's
protocol (PIL-nearest LR, LR pixels re-imposed, no perceptual test):

1. x4-diverse's noise strength is chosen on training images (8 BSDS200 crops) as the one giving diversity 0.055 there,
   so the test images never tune it; the shipped model (seed 0) and two more runs of its recipe (seeds 1, 2, trained here
   with the same `scripts/train_release.py` code under the same time budget) are each scored on the held-out crops.
2. The baselines are swept over their noise strength on the same crops (input noise on the shipped x4-grader, the model
   x4-diverse starts from; bicubic + noise) and their L1 / SSIM read at each run's measured diversity by linear
   interpolation between the two nearest strengths.
3. The margin is 1 - L1(x4-diverse) / L1(baseline at equal diversity); the issue's bar is >= 5% for every seed.
A picture shows seeds of the shipped model on a smooth and a textured crop, where they differ, and the baselines at the same diversity.

Run under the shared lock (two trainings of the recipe's minutes, 48 now, and about 10 minutes of sweeps):
    flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/diverse_release.py
Writes benchmarks/results/diverse_release.{md,json} and docs/diverse_seeds.png.
"""
from __future__ import annotations
import json, sys, time
from pathlib import Path
import numpy as np
import torch
from PIL import Image
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'scripts'))
from machine import describe_machine, load_now
from diversity_curve import bicubic_noise  # the same baseline as the quality/diversity curve
from train_release import RECIPES, DIVERSITY_TARGET as TARGET, training_images, make_trainer, heldout_crops, calibrate_noise
from sr_colab.core import atomic_write_text, runs_dir, shared_dir
from sr_colab.grader import grade, grader_function, grader_lowres
from sr_colab.infer import upscale
from sr_colab.pretrained import load_pretrained

OUT = ROOT/'benchmarks'/'results'

def measure(fn, crops):
    "The grader's L1, SSIM and diversity of `fn` on `crops` (no perceptual test)."
    v = grade(fn, crops, perceptual=None, verbose=False, progress=False).values
    return {k: float(v[k]) for k in ('l1', 'ssim', 'diversity', 'consistency')}

def at_diversity(sweep, d, keys=('l1', 'ssim')):
    "`keys` of a swept baseline read at diversity `d` by linear interpolation between the bracketing strengths."
    sweep = sorted(sweep, key=lambda r: r['diversity'])
    ds = [r['diversity'] for r in sweep]
    if not ds[0] <= d <= ds[-1]: raise RuntimeError(f"diversity {d:.4f} is outside the sweep ({ds[0]:.4f}..{ds[-1]:.4f}): widen it")
    return {k: float(np.interp(d, ds, [r[k] for r in sweep])) for k in keys}

def train_seed(seed, images):
    "One more run of x4-diverse's recipe with another seed (its own folder; resumes if a run was cut)."
    recipe = {**RECIPES['x4-diverse'], 'seed': seed}
    trainer = make_trainer(f'x4-diverse-seed{seed}', recipe, images, runs_dir()/'release'/f'x4-diverse-seed{seed}', None)
    trainer.fit()
    return trainer.ema.model.eval(), trainer.step

def seeds_picture(model, windows, strength, baselines, path, seeds=8, shown=4):
    """A row per (crop, box) in `windows`: LR | truth | where the seeds differ | seeds 0-3 | each baseline's seed 0.

    Each tile is the 96x96 `box` of its crop, zoomed 2x, with its name under it. `baselines` maps a name to a
    `superresolve(img, seed=...)` already set to the model's diversity. The spread tile is the per-pixel standard
    deviation over `seeds` seeds (x6, grey): a sampler that learned where the answer is uncertain varies on edges and
    texture, noise varies everywhere."""
    from PIL import ImageDraw
    tiles = []
    for crop, box in windows:
        zoom = lambda im: im.crop(box).resize((192, 192), Image.NEAREST)
        lr = grader_lowres(crop)
        outs = [upscale(model, lr, seed=s, noise=strength, mode='map', consistency='nearest') for s in range(seeds)]
        spread = np.stack([np.asarray(o, np.float32) for o in outs]).std(0).mean(-1)
        spread = Image.fromarray(np.clip(spread * 6, 0, 255).astype(np.uint8)).convert('RGB')
        tiles += [(zoom(lr.resize((256, 256), Image.NEAREST)), 'LR (nearest up)'), (zoom(crop), 'truth'),
                  (zoom(spread), f'spread over {seeds} seeds, x6')]
        tiles += [(zoom(o), f'x4-diverse seed {s}') for s, o in enumerate(outs[:shown])]
        tiles += [(zoom(fn(lr, seed=0)), f'{name}, seed 0') for name, fn in baselines.items()]
    cols, w, h = len(tiles) // len(windows), 196, 212
    sheet = Image.new('RGB', (cols * w, len(windows) * h), 'white')
    draw = ImageDraw.Draw(sheet)
    for i, (tile, label) in enumerate(tiles):
        x, y = (i % cols) * w + 2, (i // cols) * h + 2
        sheet.paste(tile, (x, y)); draw.text((x, y + 194), label, fill='black')
    path.parent.mkdir(exist_ok=True); sheet.save(path)

def main():
    torch.set_num_threads(1)
    load, start, root = load_now(), time.time(), shared_dir()
    heldout = heldout_crops(root)
    plain, shipped = load_pretrained('x4-grader'), load_pretrained('x4-diverse')
    sweeps = {'input noise on x4-grader': [dict(strength=s, **measure(grader_function(plain, noise=s, mode='input'), heldout))
                                           for s in (0.03, 0.05, 0.07, 0.1, 0.14)],
              'bicubic + noise (pinned)': [dict(strength=s, **measure(bicubic_noise(s), heldout)) for s in (8, 12, 16, 20, 26)]}
    reference = measure(grader_function(plain, noise=0, mode='input'), heldout)
    _, images = training_images(root)
    runs = []
    for seed in (0, 1, 2):
        model, steps = (shipped, shipped.card['steps']) if seed == 0 else train_seed(seed, images)
        strength, calib = (shipped.card['noise'], shipped.card['noise_calibration']['sweep']) if seed == 0 else calibrate_noise(model, root)
        m = measure(grader_function(model, noise=strength, mode='map'), heldout)
        base = {name: at_diversity(sw, m['diversity']) for name, sw in sweeps.items()}
        runs.append(dict(seed=seed, steps=steps, strength=strength, calibration=calib, **m,
                         baselines=base, margin={n: 1 - m['l1'] / b['l1'] for n, b in base.items()}))
        print(f"seed {seed}: strength {strength:.2f}, L1 {m['l1']:.4f} SSIM {m['ssim']:.4f} diversity {m['diversity']:.4f}; "
              + '; '.join(f"{n}: L1 {b['l1']:.4f} ({100 * runs[-1]['margin'][n]:+.1f}%)" for n, b in base.items()), flush=True)
    d0 = runs[0]['diversity']  # the baselines in the picture at the shipped model's measured diversity
    at = lambda sweep: at_diversity(sweep, d0, ('strength',))['strength']
    windows = [(heldout[0], (96, 64, 192, 160)), (heldout[4], (0, 150, 96, 246))]  # baby's skin and nose; baboon's whiskers and fur
    seeds_picture(shipped, windows, runs[0]['strength'],
                  {'input noise': grader_function(plain, noise=at(sweeps['input noise on x4-grader']), mode='input'),
                   'bicubic + noise': bicubic_noise(at(sweeps['bicubic + noise (pinned)']))}, ROOT/'docs'/'diverse_seeds.png')
    names = list(sweeps)
    worst = {n: min(r['margin'][n] for r in runs) for n in names}  # the bar holds only if it holds for every seed
    res = dict(runs=runs, worst_margin=worst, sweeps=sweeps, reference=reference, target=TARGET, heldout=len(heldout),
               recipe=RECIPES['x4-diverse'], machine=describe_machine('cpu', load), seconds=time.time() - start)
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/'diverse_release.json', json.dumps(res, indent=1))
    rows = [f"| {r['seed']}{' (shipped)' if r['seed'] == 0 else ''} | {r['steps']} | {r['strength']:.2f} | {r['diversity']:.4f} | "
            f"{r['l1']:.4f} / {r['ssim']:.3f} | " + ' | '.join(f"{r['baselines'][n]['l1']:.4f} / {r['baselines'][n]['ssim']:.3f} ({100 * r['margin'][n]:+.2f}%)" for n in names)
            + ' |' for r in runs]
    lo, hi = RECIPES['x4-diverse']['loss'].get('strengths', (1, 1))
    outside = [r for r in runs if not lo <= r['strength'] <= hi]  # the drawn training strengths were meant to cover the shipped one
    trained_range = (' Strength outside the training range ' + f'{lo:g}-{hi:g}: ' + ', '.join(f"seed {r['seed']} ({r['strength']:.2f})" for r in outside) + '.') if outside else ''
    sweep_rows = [f"| {n} | {s['strength']:g} | {s['diversity']:.4f} | {s['l1']:.4f} | {s['ssim']:.3f} |" for n in names for s in sweeps[n]]
    md = f"""# x4-diverse against noise that knows nothing of the picture, at equal diversity

{len(heldout)} held-out 256x256 centre crops of Set5 + Set14 (never trained on), the grader's protocol (PIL-nearest LR,
LR pixels re-imposed; diversity = mean pixel L1 over the 45 pairs of seeds 0-9). Each x4-diverse run's noise strength
is the one giving diversity {TARGET} on 8 BSDS200 training crops (`train_release.calibrate_noise`) (the test crops never tune it). The
baselines' L1 / SSIM are read at each run's measured diversity from their sweeps below. Margin: 1 - L1(x4-diverse) /
L1(baseline). Noise-free x4-grader on the same crops: L1 {reference['l1']:.4f}, SSIM {reference['ssim']:.3f}.

| training seed | steps | strength | diversity | x4-diverse L1 / SSIM | {' | '.join(f'{n} at that diversity (margin)' for n in names)} |
|---|---|---|---|---|{'---|' * len(names)}
{chr(10).join(rows)}

Worst margin over the three seeds: {'; '.join(f'{n}: {100 * w:+.3f}%' for n, w in worst.items())} (the bar: +5% over each baseline, for every seed) -> {'met' if min(worst.values()) >= 0.05 else 'NOT met'}.{trained_range}

Sweeps on the same crops:

| baseline | strength | diversity | L1 | SSIM |
|---|---|---|---|---|
{chr(10).join(sweep_rows)}

Recipe: `{json.dumps(RECIPES['x4-diverse'])}`; seeds 1 and 2 trained here with it ({RECIPES['x4-diverse']['minutes']} minutes each; a run's steps depend on its machine and load, hence the steps column).
Earlier results of this script: the same 48-minute recipe with the shipped seed trained while seed 2 trained on the other core (so fewer steps), `git show 7f499cf:benchmarks/results/diverse_release.md`; at 24 minutes, `git show c2b4726:benchmarks/results/diverse_release.md`; a fixed training strength before that, `git show 1f11603:benchmarks/results/diverse_release.md`.
Picture: `docs/diverse_seeds.png` (on Set5's baby and Set14's baboon: LR, truth, the per-pixel spread over 8 seeds, seeds 0-3 of the shipped model at strength {runs[0]['strength']:.2f}, then seed 0 of each baseline at the same diversity; zoomed 2x).
Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/diverse_release.py`
Machine: {res['machine']}; {res['seconds']:.0f} s.
"""
    atomic_write_text(OUT/'diverse_release.md', md)
    print(md)

if __name__ == '__main__': main()
