"""Same data, same CPU-time budget: which 4x SR architecture learns most? Set5/Set14 Y-PSNR after training.

Each model trains with L1 on 64px HR crops of T91 + General100 + BSDS200 (bicubic LR made on the fly by
`sr_colab.degrade.degrade(hr, 'bicubic')`), Adam with a cosine learning-rate decay over the CPU-time budget, the same
seed, crops and order for every model. Then it is scored on Set5 and Set14 (LR files from LR_bicubic_x4) by
`sr_colab.evaluate.score_benchmark`, the library's one benchmark protocol: HR cropped top-left to 4x the LR size, output
rounded to 8 bits, Y-PSNR with border 4, Set14's greyscale bridge on its grey values.

Run it under the shared benchmark lock:
    flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/model_comparison.py --budget 180
Model specs are `label=Name:key=value,key=value` (values parsed as Python literals), e.g.
    --models "plus w32=ResidualSRPlus:width=32,blocks=4" "ESPCN=ESPCN"
"""
from __future__ import annotations
import argparse, ast, json, math, os, sys, time
from pathlib import Path
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm
from sr_colab.core import shared_dir, atomic_write_text
from sr_colab.data import load_rgb, RandomCropDataset, IMAGE_SUFFIXES
from sr_colab.degrade import degrade
from sr_colab.evaluate import benchmark_pairs, score_benchmark
from sr_colab.models import build_model
from sr_colab.train import infinite_batches
from machine import describe_machine

DEFAULT_MODELS = ['ResidualSR (seed, as drawn)=ResidualSR', 'ResidualSRPlus=ResidualSRPlus', 'SRCNN=SRCNN', 'ESPCN=ESPCN']

def parse_spec(spec:str) -> tuple[str, str, dict]:
    "`label=Name:k=v,k=v` (label and config optional) -> (label, name, config)."
    colon = spec.find(':') if ':' in spec else len(spec)
    eq = spec.find('=')
    label, rest = (spec[:eq], spec[eq + 1:]) if 0 <= eq < colon else (None, spec)
    name, _, cfg = rest.partition(':')
    config = {}
    for kv in filter(None, cfg.split(',')):
        k, _, v = kv.partition('=')
        try: config[k.strip()] = ast.literal_eval(v.strip())
        except (ValueError, SyntaxError): config[k.strip()] = v.strip()
    return (label or spec).strip(), name.strip(), config

def training_images(root:Path) -> list:
    "Every image of T91, General100 and BSDS200 under `root`/datasets, as PIL RGB."
    files = sorted(p for d in ('T91', 'General100', 'BSDS200') for p in (root/'datasets'/d).rglob('*')
                   if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files: raise FileNotFoundError(f"no training images under {root/'datasets'}")
    return [load_rgb(p) for p in files]

def score(model, pairs) -> dict:
    "Mean Y-PSNR of `model` (a baseline name, module or callable) on `pairs`, and per image, by the library's protocol."
    res = score_benchmark(model, pairs, device='cpu')
    return dict(mean=res['psnr_y'], ssim_y=res['ssim_y'], per_image={k: v['psnr_y'] for k, v in res['per_image'].items()})

def train_for(model, dataset, cpu_seconds:float, batch_size:int, lr:float, seed:int) -> dict:
    "Train `model` with L1 until `cpu_seconds` of process CPU time are spent; cosine LR decay over that budget."
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    model.train()
    cpu0, wall0, steps, losses = time.process_time(), time.time(), 0, []
    bar = tqdm(total=round(cpu_seconds), desc='train (CPU s)', leave=False)
    for hr in infinite_batches(dataset, batch_size, seed):
        used = time.process_time() - cpu0
        if used >= cpu_seconds: break
        for g in opt.param_groups: g['lr'] = lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * used / cpu_seconds)))
        hr = hr.float().div_(255)
        loss = F.l1_loss(model(degrade(hr, 'bicubic', generator=gen)), hr)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
        steps += 1; losses.append(loss.item())
        bar.n = min(round(used), bar.total); bar.set_postfix(loss=f'{losses[-1]:.4f}', steps=steps); bar.refresh()
    bar.close()
    model.eval()
    tail = losses[-50:]
    return dict(steps=steps, cpu_s=time.process_time() - cpu0, wall_s=time.time() - wall0,
                final_train_l1=sum(tail) / max(1, len(tail)))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--budget', type=float, default=600, help='CPU seconds of training per model (the issue asks 600)')
    ap.add_argument('--models', nargs='+', default=DEFAULT_MODELS, help='label=Name:k=v,... specs')
    ap.add_argument('--sets', nargs='+', default=['Set5', 'Set14'])
    ap.add_argument('--threads', type=int, default=1, help='torch threads (1: on a shared 2-core box more are slower)')
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--crop', type=int, default=64, help='HR crop size')
    ap.add_argument('--lr', type=float, default=1e-3, help='Adam learning rate at the start')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--shared', default=None, help='folder with datasets/ and benchmarks/ (default: ../shared)')
    ap.add_argument('--out', default='model_comparison', help='results name under benchmarks/results/')
    ap.add_argument('--note', default='', help='a sentence for the results file (e.g. why the budget was shortened)')
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    root = shared_dir(args.shared)
    load_start = os.getloadavg()  # all three averages, start and end: the budget is CPU time, wall time is what load changes
    t0 = time.time()
    images = training_images(root)
    dataset = RandomCropDataset(images, crop=args.crop, length=10**7)
    sets = {s: benchmark_pairs(s, shared=root) for s in args.sets}
    print(f"{len(images)} training images, loaded in {time.time() - t0:.0f} s", file=sys.stderr)
    rows = [dict(label='bicubic (torch, the skip)', name='bicubic', config={}, params=0,
                 **{s: score('bicubic', p) for s, p in sets.items()}),
            dict(label='bicubic (MATLAB)', name='matlab_bicubic', config={}, params=0,
                 **{s: score('matlab_bicubic', p) for s, p in sets.items()})]
    for spec in args.models:
        label, name, config = parse_spec(spec)
        torch.manual_seed(args.seed)
        model = build_model(name, **config)
        print(f"== {label}: {name} {config}", file=sys.stderr)
        stats = train_for(model, dataset, args.budget, args.batch, args.lr, args.seed)
        e0 = time.time()
        row = dict(label=label, name=name, config=config, params=sum(p.numel() for p in model.parameters()), **stats,
                   **{s: score(model, p) for s, p in sets.items()})
        row['eval_wall_s'] = time.time() - e0
        print({k: (v['mean'] if isinstance(v, dict) and 'mean' in v else v) for k, v in row.items()}, file=sys.stderr)
        rows.append(row)
    load_end = os.getloadavg()
    base = rows[1]  # MATLAB bicubic is the reference of the published tables
    cmd = 'flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/model_comparison.py ' + ' '.join(
        a if ' ' not in a and '(' not in a else repr(a) for a in (argv if argv is not None else sys.argv[1:]))
    lines = [f"# {args.out.replace('_', ' ')}", '',
             f"4x SR, L1 training on {args.crop}px HR crops of T91+General100+BSDS200 ({len(images)} images, bicubic LR "
             f"via `degrade(hr, 'bicubic')`), batch {args.batch}, Adam {args.lr:g} with cosine decay over the budget, "
             f"seed {args.seed}. **Budget: {args.budget:g} CPU-seconds of training per model** (process CPU time, "
             f"{args.threads} torch thread(s)). Scored as Y-PSNR (dB, border 4, output rounded to 8 bits, "
             f"`sr_colab.evaluate.score_benchmark`) on "
             + ', '.join(f"{s} ({len(p)} images)" for s, p in sets.items()) + " from LR_bicubic_x4.", '']
    if args.note: lines += [args.note, '']
    head = '| model | config | params | steps | CPU s | wall s | ' + ' | '.join(f'{s} dB | vs MATLAB bicubic' for s in sets) + ' |'
    lines += [head, '|' + '---|' * (6 + 2 * len(sets))]
    for r in rows:
        cells = [r['label'], ', '.join(f'{k}={v}' for k, v in r['config'].items()) or 'defaults' if r['params'] else '-',
                 f"{r['params']:,}" if r['params'] else '-', str(r.get('steps', '-')),
                 f"{r['cpu_s']:.0f}" if 'cpu_s' in r else '-', f"{r['wall_s']:.0f}" if 'wall_s' in r else '-']
        for s in sets: cells += [f"{r[s]['mean']:.2f}", f"{r[s]['mean'] - base[s]['mean']:+.2f}"]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines += ['', f"Machine: {describe_machine('cpu')}, load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end"
              + (" (shared with other jobs, so wall time per step is noisy)" if max(load_start[0], load_end[0]) > args.threads + 0.5 else "")
              + "; the budget is CPU time, so each model got the same compute regardless.",
              "Set14's bridge.png is greyscale: it is scored on its grey values (`score_benchmark`), as the "
              "published Set14 numbers are (see ../shared/benchmarks/SOURCES.md).", '',
              f"Command: `{cmd}`", '']
    out = Path(__file__).parent/'results'
    atomic_write_text(out/f'{args.out}.md', '\n'.join(lines))
    atomic_write_text(out/f'{args.out}.json', json.dumps(dict(args=vars(args), machine=describe_machine('cpu'),
                      load_average=dict(start=load_start, end=load_end), rows=rows), indent=1))
    print('\n'.join(lines))

if __name__ == '__main__': main()
