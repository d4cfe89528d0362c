"""The GPU half of scripts/gpu_check.sh: a T4-shaped training benchmark of sr_colab's Trainer.

What the Colab tutorial trains on a T4 (ResidualSRPlus width 32, 8 blocks; 256-pixel HR crops, batch 16; L1 + L2 + SSIM
+ VGG-16 perceptual loss), timed in two settings on the same machine, in one process, interleaved:
  fp32                 precision='fp32', NCHW
  fp16_channels_last   precision='fp16' (what a T4 gets: GradScaler on), channels_last
The perceptual loss uses explicitly random VGG-16 weights (`PerceptualLoss(weights='random')`): the same
arithmetic as the ImageNet weights, nothing to download. Reports training images/s, the speed-up, peak GPU memory
and whether every loss was finite. Batches are made once and reused, so the data loader is not what is timed.

    python scripts/gpu_check.py                     # on a CUDA machine; writes benchmarks/results/gpu_check.md/.json
    python scripts/gpu_check.py --tiny --out DIR    # a CPU smoke test of this script (tiny sizes, no fp16)
    python scripts/gpu_check.py --notebooks FILE    # add the `#| gpu` notebook results (gpu_check.sh passes them)
"""
from __future__ import annotations
import argparse, json, math, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'benchmarks'))
from machine import describe_machine, load_now  # noqa: E402
from sr_colab.core import atomic_write_text  # noqa: E402
from sr_colab.data import RandomCropDataset, procedural_image  # noqa: E402
from sr_colab.losses import CombinedLoss, PerceptualLoss  # noqa: E402
from sr_colab.models import build_model  # noqa: E402
from sr_colab.train import Trainer  # noqa: E402

T4 = dict(crop=256, batch=16, width=32, blocks=8, warmup=5, steps=25, rounds=2)  # the tutorial's GPU settings
TINY = dict(crop=32, batch=2, width=8, blocks=2, warmup=0, steps=1, rounds=1)  # the VGG term alone costs ~1 s a step on 2 cores

def settings(device:torch.device) -> dict:
    "The two settings compared: fp32 NCHW against fp16 + channels_last (on a CPU, where fp16 is no option: fp32 + channels_last)."
    fast = dict(precision='fp16', channels_last=True) if device.type == 'cuda' else dict(precision='fp32', channels_last=True)
    return {'fp32': dict(precision='fp32', channels_last=False),
            ('fp16_channels_last' if device.type == 'cuda' else 'fp32_channels_last'): fast}

def make_trainer(size:dict, device:torch.device, precision:str, channels_last:bool, perceptual:PerceptualLoss) -> Trainer:
    torch.manual_seed(0)
    model = build_model('ResidualSRPlus', width=size['width'], blocks=size['blocks'])
    loss = CombinedLoss(perceptual=perceptual)
    data = RandomCropDataset([procedural_image(i, max(300, size['crop'] + 8)) for i in range(4)], crop=size['crop'], length=10**6)
    return Trainer(model, data, loss_fn=loss, steps=10**9, batch_size=size['batch'], lr=1e-4, degradation='grader',
                   device=device, precision=precision, channels_last=channels_last, checkpoints=False, progress=False)

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize(device)

def time_steps(trainer:Trainer, batches:list, n:int) -> tuple:
    "Seconds for `n` steps (synchronised), and the losses."
    losses = []
    sync(trainer.device); t0 = time.perf_counter()
    for i in range(n): losses.append(trainer.train_step(batches[i % len(batches)]))
    sync(trainer.device)
    return time.perf_counter() - t0, losses

def benchmark(size:dict, device:torch.device) -> dict:
    "images/s, peak memory and loss health of each setting; the settings take turns for `rounds` rounds, best kept."
    g = torch.Generator().manual_seed(0)
    perceptual = PerceptualLoss(weights='random')  # random VGG-16 weights, on purpose: nothing to download; frozen, so shared
    trainers = {name: make_trainer(size, device, perceptual=perceptual, **cfg) for name, cfg in settings(device).items()}
    batches = [torch.stack([trainers['fp32'].dataset[int(i)] for i in torch.randint(10**6, (size['batch'],), generator=g)])
               for _ in range(4)]
    out = {name: dict(seconds=[], finite=True, peak_memory_gb=None, amp_dtype=str(t.amp_dtype), grad_scaler=t.scaler.is_enabled(),
                      channels_last=t.channels_last) for name, t in trainers.items()}
    for name, t in trainers.items(): time_steps(t, batches, size['warmup'])  # cuDNN autotuning, allocator, lazy init
    for _ in range(size['rounds']):
        for name, t in trainers.items():
            if device.type == 'cuda': torch.cuda.reset_peak_memory_stats(device)
            seconds, losses = time_steps(t, batches, size['steps'])
            out[name]['seconds'].append(seconds)
            out[name]['finite'] &= all(math.isfinite(l) for l in losses)
            if device.type == 'cuda': out[name]['peak_memory_gb'] = torch.cuda.max_memory_allocated(device) / 2**30
    for r in out.values(): r['images_per_s'] = size['steps'] * size['batch'] / min(r['seconds'])
    return out

def write(results:dict, out_dir:Path) -> None:
    "gpu_check.json and a short gpu_check.md in `out_dir`."
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_dir/'gpu_check.json', json.dumps(results, indent=1) + '\n')
    b, s = results['benchmark'], results['size']
    lines = [f"# GPU check\n\nMachine: {results['machine']}\n",
             f"Training step of ResidualSRPlus (width {s['width']}, {s['blocks']} blocks), {s['crop']}px HR crops, batch "
             f"{s['batch']}, loss L1 + L2 + SSIM + VGG-16 perceptual (random VGG weights); best of {s['rounds']} round(s) "
             f"of {s['steps']} steps after {s['warmup']} warm-up steps.\n",
             "| setting | images/s | peak GPU memory (GiB) | autocast | GradScaler | all losses finite |", "|---|---|---|---|---|---|"]
    for name, r in b.items():
        mem = f"{r['peak_memory_gb']:.2f}" if r['peak_memory_gb'] is not None else 'n/a (CPU)'
        lines.append(f"| {name} | {r['images_per_s']:.1f} | {mem} | {r['amp_dtype']} | {r['grad_scaler']} | {r['finite']} |")
    lines.append(f"\nSpeed-up of the second setting over fp32: {results['speedup']:.2f}x\n")
    if results.get('notebooks'): lines += ["## `#| gpu` notebook cells\n", results['notebooks'].strip(), '']
    atomic_write_text(out_dir/'gpu_check.md', '\n'.join(lines) + '\n')

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--tiny', action='store_true', help='tiny sizes; runs on a CPU (a smoke test of this script)')
    p.add_argument('--out', type=Path, default=None, help='folder for gpu_check.md/.json (default benchmarks/results; required with --tiny)')
    p.add_argument('--notebooks', type=Path, default=None, help="a text file with the `#| gpu` notebook test summary to include")
    args = p.parse_args(argv)
    if not torch.cuda.is_available() and not args.tiny:
        sys.exit("gpu_check.py: torch sees no CUDA GPU, so there is nothing to measure: run it on a GPU machine "
                 "(Colab: Runtime > Change runtime type > T4 GPU), or pass --tiny --out DIR for a CPU smoke test.")
    if args.tiny and args.out is None: sys.exit("gpu_check.py: --tiny needs --out DIR (tiny numbers must not replace the real results)")
    device = torch.device('cuda' if torch.cuda.is_available() and not args.tiny else 'cpu')
    load, size = load_now(), (TINY if args.tiny else T4)
    b = benchmark(size, device)
    names = list(b)
    results = dict(machine=describe_machine(device, load), device=str(device), size=size, benchmark=b,
                   speedup=b[names[1]]['images_per_s'] / b[names[0]]['images_per_s'],
                   notebooks=args.notebooks.read_text() if args.notebooks else None)
    write(results, args.out or ROOT/'benchmarks'/'results')
    for name, r in b.items(): print(f"{name}: {r['images_per_s']:.1f} images/s, peak {r['peak_memory_gb']} GiB, finite={r['finite']}")
    print(f"speed-up {results['speedup']:.2f}x; wrote {(args.out or ROOT/'benchmarks'/'results')/'gpu_check.md'}")
    if not all(r['finite'] for r in b.values()): sys.exit("gpu_check.py: a setting produced a non-finite loss (see the table)")

if __name__ == '__main__': main()
