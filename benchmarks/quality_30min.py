"""Quality in a fixed CPU budget: the improved residual net trained N minutes on T91 + General100 + BSDS200, then Set5/Set14 Y-PSNR.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/quality_30min.py [--minutes 30] [--threads 2]
Writes benchmarks/results/quality_30min.md and .json (quality_<N>min.* when --minutes is not 30), and keeps the run's
checkpoints in runs_dir()/quality_<N>min (so a killed run continues where it stopped: run the same command again).

Protocol: training pairs are random HR crops of the 391 training images, degraded on the fly with MATLAB-style bicubic
(the kernel that made the benchmark LR files). Evaluation feeds each ../shared/benchmarks/<set>/LR_bicubic_x4 file to the
model (EMA weights) and scores it by `sr_colab.evaluate.score_benchmark`, the library's one benchmark protocol (HR[:4h, :4w],
output rounded to 8 bits, rounded BT.601 Y, border 4, Set14's greyscale bridge on its grey values).
Results made before that protocol scored bridge as RGB -> Y, which flattered Set14 by about 0.09 dB.
Floors/goals from the literature (Y-PSNR x4, Set5 / Set14): bicubic 28.42 / 26.00, SRCNN 30.48 / 27.50, VDSR 31.35 / 28.01.
"""
import argparse, json, platform, shutil, time
from pathlib import Path
import numpy as np
import torch
from tqdm.auto import tqdm
from sr_colab.core import atomic_write_text, shared_dir, runs_dir, seed_everything
from sr_colab.data import load_rgb, RandomCropDataset, IMAGE_SUFFIXES
from sr_colab.evaluate import benchmark_pairs, score_benchmark
from sr_colab.models import build_model
from sr_colab.train import Trainer, Checkpointer
from machine import describe_machine, load_now

OUT = Path(__file__).parent/'results'
PUBLISHED = {'bicubic': (28.42, 26.00), 'SRCNN': (30.48, 27.50), 'VDSR': (31.35, 28.01)}

def training_images(root):
    files = sorted(p for s in ('T91', 'General100', 'BSDS200') for p in (root/'datasets'/s).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(files) < 300: raise FileNotFoundError(f"expected ~391 training images under {root/'datasets'}, found {len(files)}")
    return [np.asarray(load_rgb(p)) for p in tqdm(files, desc='loading training images')]

def evaluate(model, pairs):
    "Mean Y-PSNR of `model` and of torch's bicubic upsampling on `pairs`, by the library's benchmark protocol."
    return tuple(score_benchmark(m, pairs, device='cpu')['psnr_y'] for m in (model, 'bicubic'))

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--minutes', type=float, default=30, help='training wall-clock budget')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--model', default='ResidualSRPlus')  # the improved net, its config the winner of benchmarks/results/residual_plus_sweep.md
    p.add_argument('--config', default='{"width": 32, "blocks": 8}')
    p.add_argument('--crop', type=int, default=64); p.add_argument('--batch', type=int, default=16)
    p.add_argument('--lr', type=float, default=1e-3); p.add_argument('--ema', type=float, default=0.999)
    p.add_argument('--degradation', default='matlab_bicubic'); p.add_argument('--seed', type=int, default=0)
    p.add_argument('--fresh', action='store_true', help='ignore checkpoints from an earlier run of the same name')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    root, load, start = shared_dir(), load_now(), time.time()
    tag = f'quality_{args.minutes:g}min'.replace('.', '_') if args.minutes != 30 else 'quality_30min'
    config = json.loads(args.config)
    config['widths'] = tuple(config['widths']) if 'widths' in config else config.get('widths')
    config = {k: v for k, v in config.items() if v is not None}
    dataset = RandomCropDataset(training_images(root), crop=args.crop, length=100_000)
    sets = {name: benchmark_pairs(name, shared=root) for name in ('Set5', 'Set14')}

    # the learning rate follows the fraction of the training-time budget spent (TrainingClock): no step count to plan from a
    # probe (a probe taken in a busy minute once planned 5,461 steps where an idle one planned 19,691)
    folder = runs_dir()/tag
    if args.fresh and folder.is_dir(): shutil.rmtree(folder)
    train_seconds = args.minutes * 60 - (time.time() - start)
    previous, _ = Checkpointer(folder).load_latest()
    if previous is not None: train_seconds = previous['config']['train_seconds']  # a continued run keeps its budget
    seed_everything(args.seed)
    model = build_model(args.model, **config)
    trainer = Trainer(model, dataset, steps=None, train_seconds=train_seconds, batch_size=args.batch, lr=args.lr, warmup_steps=200,
                      grad_clip=1.0, ema_decay=args.ema, degradation=args.degradation, folder=folder,
                      save_every_seconds=300, seed=args.seed, device='cpu',
                      channels_last=True)  # faster than NCHW on this CPU for the models timed in benchmarks/results/train_speed.md
    t_fit = time.time(); trainer.fit()
    train_s = time.time() - start
    fit_step_s = (time.time() - t_fit) / max(1, trainer.step)
    final = trainer.ema.model if trainer.ema is not None else trainer.model
    scores = {name: evaluate(final, pairs) for name, pairs in sets.items()}
    res = dict(set5_psnr_y=scores['Set5'][0], set14_psnr_y=scores['Set14'][0],
               bicubic_set5=scores['Set5'][1], bicubic_set14=scores['Set14'][1], published=PUBLISHED,
               steps_done=trainer.step, train_seconds=train_seconds, images_seen=trainer.step * args.batch, mean_step_s=fit_step_s,
               args=vars(args), model=dict(name=args.model, config={k: list(v) if isinstance(v, tuple) else v for k, v in config.items()},
                                             parameters=sum(p.numel() for p in model.parameters())),
               train_and_setup_seconds=train_s, total_seconds=time.time() - start, load_average_at_start=load,
               machine=describe_machine(trainer.device, load), torch=torch.__version__, python=platform.python_version(),
               checkpoints=str(trainer.folder))
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/f'{tag}.json', json.dumps(res, indent=1))
    cmd = (f"flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/quality_30min.py --minutes {args.minutes:g} --threads {args.threads}"
           f" --model {args.model} --config '{args.config}'")
    md = f"""# Quality after {args.minutes:g} CPU-minutes of training{' (a SHORTENED run: the target is 30 minutes)' if args.minutes < 30 else ''}

{args.model} {res['model']['config']} ({res['model']['parameters']:,} parameters), {trainer.step} steps in {train_seconds / 60:.1f} training minutes of batch {args.batch}
x {args.crop}px HR crops ({res['images_seen']:,} crops) from T91 + General100 + BSDS200, {args.degradation} LR made on the fly,
L1, Adam lr {args.lr:g} with warm-up and cosine decay over the budget, grad clip 1, EMA {args.ema}; evaluated with the EMA weights
on the official LR_bicubic_x4 files by `score_benchmark` (HR[:4h, :4w], output rounded to 8 bits, rounded Y, border 4,
Set14's greyscale bridge on its grey values).

| | Set5 Y-PSNR | Set14 Y-PSNR |
|---|---|---|
| this run | **{res['set5_psnr_y']:.2f}** | **{res['set14_psnr_y']:.2f}** |
| bicubic (torch, same protocol, measured here) | {res['bicubic_set5']:.2f} | {res['bicubic_set14']:.2f} |
| bicubic (published) | 28.42 | 26.00 |
| SRCNN (published, the floor) | 30.48 | 27.50 |
| VDSR (published, the goal) | 31.35 | 28.01 |

Command: `{cmd}`
Machine: {res['machine']};
training + setup {train_s / 60:.1f} min, total {res['total_seconds'] / 60:.1f} min.
"""
    atomic_write_text(OUT/f'{tag}.md', md)
    print(md)

if __name__ == '__main__': main()
