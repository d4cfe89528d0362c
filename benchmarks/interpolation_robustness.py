"""Does a model trained on one interpolation survive another? Models trained on nearest, bicubic and all_modes LR, each
scored on LR made by every interpolation and by the grader's own PIL nearest.

GRADER.md says the seed report scored zero for a long time because it trained on bicubic LR while the grader feeds
PIL-nearest LR, and recommends training on a mix of all modes. This measures that advice: the same architecture and
CPU budget per training degradation, then a table of Y-PSNR (rows: trained on, columns: LR made by) and a picture.

Training: L1 on 48px HR crops of T91 + General100, LR made on the fly by `degrade(hr, DEGRADATION)`, Adam with cosine
decay over a budget of process CPU time (--minutes per model), the same seed, crops and order for every model.
--mixed-minutes gives the all_modes model its own budget: one model that replaces the nearest and bicubic specialists can
fairly be given their combined budget (2 x --minutes), and the results say which budget each row had. --mixed-weights
skews its draw of modes (`Downsample.weights`, in ALL_MODES order): the three smooth modes make similar LR, so an equal
draw trains the aliased nearest a quarter of the time.
Evaluation: 256x256 centre crops (the grader's size) of the Set5 / Set14 HR images that are at least that large, LR made
by each of `sr_colab.degrade.ALL_MODES` (rounded to 8 bits, saved as PNG) and by `sr_colab.grader.grader_lowres`
(PIL NEAREST, as the grader does), every folder scored by `sr_colab.evaluate.score_benchmark` (Y-PSNR, border 4,
Set14's greyscale bridge on its grey values).

Run it under the shared benchmark lock:
    flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/interpolation_robustness.py --minutes 3
A smoke test (numbers meaningless): --minutes 0.3 --out /tmp/interp_smoke
"""
from __future__ import annotations
import argparse, json, math, platform, shlex, sys, tempfile, time
from pathlib import Path
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from sr_colab.core import shared_dir, atomic_write, atomic_write_text, make_generator
from sr_colab.data import load_rgb, centre_crop, image_to_tensor, tensor_to_image, RandomCropDataset, IMAGE_SUFFIXES
from sr_colab.degrade import degrade, ALL_MODES, Pipeline, Downsample
from sr_colab.evaluate import benchmark_pairs, score_benchmark, image_grid, as_upscaler
from sr_colab.grader import grader_lowres
from sr_colab.models import build_model
from sr_colab.train import infinite_batches
from machine import describe_machine, load_now

TRAINED_ON = ('nearest', 'bicubic', 'all_modes')
LR_KINDS = (*ALL_MODES, 'PIL nearest (grader)')
CROP = 256

def training_images(root:Path) -> list:
    "T91 and General100 as PIL RGB (Set5/Set14 are the evaluation images; BSDS200 is left out to keep loading short)."
    files = sorted(p for d in ('T91', 'General100') for p in (root/'datasets'/d).rglob('*') if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files: raise FileNotFoundError(f"no training images under {root/'datasets'}/T91 or General100")
    return [load_rgb(p) for p in files]

def make_eval_folder(root:Path, folder:Path) -> list:
    "HR/ with 256x256 centre crops of Set5/Set14 HR (grey files stay grey) and one LR folder per LR kind; returns the names."
    hr_dir = folder/'HR'; hr_dir.mkdir(parents=True)
    names = []
    for p in sorted((root/'benchmarks'/'Set5'/'HR').glob('*.png')) + sorted((root/'benchmarks'/'Set14'/'HR').glob('*.png')):
        with Image.open(p) as im:
            if min(im.size) < CROP: continue
            centre_crop(im, CROP).save(hr_dir/p.name)
        names.append(p.name)
    for kind in LR_KINDS:
        lr_dir = folder/lr_folder_name(kind); lr_dir.mkdir()
        for name in names:
            hr = load_rgb(hr_dir/name)
            if kind in ALL_MODES: lr = tensor_to_image(degrade(image_to_tensor(hr)[None], kind).clamp(0, 1)[0])
            else: lr = grader_lowres(hr)
            lr.save(lr_dir/name)
    return names

def lr_folder_name(kind:str) -> str: return 'LR_' + kind.split()[0] + ('_pil' if kind not in ALL_MODES else '')

def train(model, dataset, degradation:str, cpu_seconds:float, batch_size:int, lr:float, seed:int) -> dict:
    "L1 on `degradation` LR until `cpu_seconds` of process CPU time are spent; cosine decay over that budget."
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = make_generator(seed)
    model.train()
    cpu0, wall0, steps, losses = time.process_time(), time.time(), 0, []
    for hr in infinite_batches(dataset, batch_size, seed):
        used = time.process_time() - cpu0
        if used >= cpu_seconds: break
        for g in opt.param_groups: g['lr'] = lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * used / cpu_seconds)))
        hr = hr.float().div_(255)
        loss = F.l1_loss(model(degrade(hr, degradation, generator=gen)), hr)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        steps += 1; losses.append(loss.item())
    model.eval()
    return dict(steps=steps, cpu_s=time.process_time() - cpu0, wall_s=time.time() - wall0,
                final_train_l1=float(np.mean(losses[-50:])) if losses else math.nan)

def picture(upscalers:dict, sets:dict, name:str) -> Image.Image:
    "One image: a row per model, the SR of each LR kind side by side."
    rows = []
    for label, up in upscalers.items():
        tiles = []
        for kind in LR_KINDS:
            pair = next(p for p in sets[kind] if p.name == name)
            with torch.no_grad(): tiles.append((kind if kind in ALL_MODES else 'PIL nearest', tensor_to_image(up(pair.lr).clamp(0, 1)[0])))
        rows.append((label, tiles))
    return image_grid(rows, tile=192)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--minutes', type=float, default=3, help='CPU minutes of training per model')
    ap.add_argument('--mixed-minutes', type=float, default=None,
                    help='CPU minutes for the all_modes model (default: --minutes); 2 x --minutes is the budget of the two specialists it replaces')
    ap.add_argument('--mixed-weights', default=None, help=f"the all_modes model's relative chance of each of {ALL_MODES}, e.g. 3,1,1,1 (default: equal)")
    ap.add_argument('--model', default='ResidualSRPlus'); ap.add_argument('--config', default='{"width": 32, "blocks": 4}')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--crop', type=int, default=48); ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--shared', default=None)
    ap.add_argument('--out', default=str(Path(__file__).parent/'results'/'interpolation_robustness'),
                    help='results path without suffix: .md, .json and .png are written')
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    root, load, start = shared_dir(args.shared), load_now(), time.time()
    config = json.loads(args.config)
    weights = tuple(float(w) for w in args.mixed_weights.split(',')) if args.mixed_weights else None
    mixed_lr = Pipeline([Downsample(ALL_MODES, weights)])  # checks the weights before any training
    weights_text = '' if weights is None else ' (modes drawn ' + ':'.join(f'{w:g}' for w in weights) + ')'
    budget = {d: (args.mixed_minutes if d == 'all_modes' and args.mixed_minutes is not None else args.minutes) for d in TRAINED_ON}
    dataset = RandomCropDataset(training_images(root), crop=args.crop, length=10**7)
    folder = Path(tempfile.mkdtemp(prefix='interp_robustness_'))
    names = make_eval_folder(root, folder)
    sets = {kind: benchmark_pairs(folder, lr=lr_folder_name(kind)) for kind in LR_KINDS}
    rows, upscalers = [], {'bicubic upsampling': as_upscaler('bicubic')}
    rows.append(dict(label='bicubic upsampling (no training)', scores={k: score_benchmark('bicubic', p, device='cpu')['psnr_y'] for k, p in sets.items()}))
    for degradation in TRAINED_ON:
        torch.manual_seed(args.seed)
        model = build_model(args.model, **config)
        print(f"== trained on {degradation}", file=sys.stderr)
        stats = train(model, dataset, mixed_lr if degradation == 'all_modes' else degradation, budget[degradation] * 60, args.batch, args.lr, args.seed)
        rows.append(dict(label=f'trained on {degradation}', minutes=budget[degradation], **stats,
                         scores={k: score_benchmark(model, p, device='cpu')['psnr_y'] for k, p in sets.items()}))
        upscalers[f'trained on {degradation}'] = as_upscaler(model, device='cpu')
        print(rows[-1], file=sys.stderr)
    out = Path(args.out); out.parent.mkdir(parents=True, exist_ok=True)
    shown = 'butterfly.png' if 'butterfly.png' in names else names[0]
    grid = picture(upscalers, sets, shown)
    atomic_write(out.with_suffix('.png'), lambda f: grid.save(f, format='PNG'))
    # the README's copy, small enough to commit, named after the results so a run with --out beside the default keeps both
    docs = Path(__file__).resolve().parent.parent/'docs'/f'{out.name}.jpg'
    atomic_write(docs, lambda f: grid.convert('RGB').save(f, format='JPEG', quality=88))
    cmd = 'flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/interpolation_robustness.py ' + shlex.join(argv if argv is not None else sys.argv[1:])  # quoted: --config holds JSON
    same_budget = len(set(budget.values())) == 1
    budget_text = (f"**{args.minutes:g} CPU-minutes of training per model**" if same_budget else
                   f"**{args.minutes:g} CPU-minutes of training per specialist, {budget['all_modes']:g} for the all_modes model** "
                   f"({budget['all_modes'] / args.minutes:g}x: " + ("the two specialists' combined budget" if budget['all_modes'] == 2 * args.minutes
                   else "not the specialists' combined budget") + ")")
    if weights: budget_text += (f"; the all_modes model draws {', '.join(ALL_MODES)} in the ratio {':'.join(f'{w:g}' for w in weights)}"
                                f" (nearest {weights[ALL_MODES.index('nearest')] / sum(weights):.0%} of its images)")
    lines = [f"# Interpolation robustness{' (a SMOKE run: budget far too small to read anything into)' if args.minutes < 1 else ''}", '',
             f"{args.model} {config}, L1 on {args.crop}px HR crops of T91 + General100, batch {args.batch}, Adam {args.lr:g} with cosine "
             f"decay, seed {args.seed}; {budget_text} ({args.threads} torch threads). "
             f"Scored by `score_benchmark` (Y-PSNR dB, border 4, bridge on grey values) on {len(names)} 256x256 centre crops of "
             f"Set5/Set14 HR; columns: how the LR was made (tensor downsamplers of `sr_colab.degrade`, and PIL NEAREST as the grader does).", '',
             '| model | CPU min | steps | ' + ' | '.join(LR_KINDS) + ' |', '|---|---|---|' + '---|' * len(LR_KINDS)]
    for r in rows:
        lines.append(f"| {r['label']}{weights_text if r['label'] == 'trained on all_modes' else ''} | {r['minutes']:g} | {r['steps']} | " if 'steps' in r else f"| {r['label']} | - | - | ")
        lines[-1] += ' | '.join(f"{r['scores'][k]:.2f}" for k in LR_KINDS) + ' |'
    same = all(r['scores']['nearest'] == r['scores']['PIL nearest (grader)'] for r in rows)
    lines += ['', "The tensor `nearest` and the grader's PIL NEAREST columns are " + ("identical, as they must be (both take pixel (4i+2, 4j+2))."
              if same else "NOT identical: `nearest_downsample` no longer matches PIL; check it before reading the table.")]
    mixed = next((r for r in rows if r['label'] == 'trained on all_modes'), None)
    gaps = {k: next(r for r in rows if r['label'] == f'trained on {k}')['scores'][k] - mixed['scores'][k]
            for k in LR_KINDS if mixed and any(r['label'] == f'trained on {k}' for r in rows)}
    if gaps:
        lines += ['', "All modes against each mode's specialist (the specialist's Y-PSNR minus the all-modes model's, on that "
                  "mode's LR; the goal is at most 0.3 dB" + ("" if same_budget else
                  f", the all_modes model trained {budget['all_modes']:g} minutes against {args.minutes:g}") + "): " + '; '.join(f"{k}: {g:+.2f} dB" for k, g in gaps.items()) +
                  f" -> {'met' if max(gaps.values()) <= 0.3 else 'NOT met'}."]
    lines += ['', f"Picture: `docs/{docs.name}` ({shown}; one row per model, one column per LR kind).", '',
              f"Command: `{cmd}`", f"Machine: {describe_machine('cpu', load)}; total {(time.time() - start) / 60:.1f} min.", '']
    atomic_write_text(out.with_suffix('.md'), '\n'.join(lines))
    atomic_write_text(out.with_suffix('.json'), json.dumps(dict(args=vars(args), mixed_weights=weights, budgets=budget, images=names, rows=rows, gaps=gaps, torch=torch.__version__,
                                                                python=platform.python_version(), machine=describe_machine('cpu', load)), indent=1))
    print('\n'.join(lines))

if __name__ == '__main__': main()
