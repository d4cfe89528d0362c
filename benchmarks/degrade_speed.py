"""Degradation throughput, images/s for a batch of 16 256x256 RGB images: sr_colab's batched pipeline vs per-image PIL.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/degrade_speed.py [--reps 5] [--device cpu]
Writes benchmarks/results/degrade_speed.md and .json. Both sides run interleaved in the same process.
"""
import argparse, io, json, statistics, time
from pathlib import Path
import numpy as np
import torch
from PIL import Image, ImageFilter
from sr_colab.core import atomic_write_text, pick_device
from sr_colab.data import grace_hopper, relief_map, procedural_image, image_to_tensor
from sr_colab.degrade import degrade
from machine import describe_machine, load_now

BATCH, SIZE, SCALE = 16, 256, 4
PIL_SIDE = {'grader': 'resize NEAREST', 'bicubic': 'resize BICUBIC', 'matlab_bicubic': 'resize BICUBIC',
            'realistic': 'GaussianBlur, resize, NumPy noise, JPEG'}
PIL_MODES = {'nearest': Image.NEAREST, 'bicubic': Image.BICUBIC, 'bilinear': Image.BILINEAR, 'area': Image.BOX}

def pil_realistic(im, rng):
    "Per-image PIL/NumPy version of the 'realistic' preset: blur (isotropic), resize, noise, JPEG, same probabilities and ranges."
    if rng.random() < 0.7: im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 3.0)))
    im = im.resize((SIZE // SCALE, SIZE // SCALE), PIL_MODES[rng.choice(list(PIL_MODES))])
    if rng.random() < 0.5:
        a = np.asarray(im, np.float32) / 255
        n = rng.normal(0, 1, a.shape[:2] + ((1,) if rng.random() < 0.4 else (3,))).astype(np.float32)
        im = Image.fromarray((np.clip(a + n * rng.uniform(1, 30) / 255, 0, 1) * 255 + 0.5).astype(np.uint8))
    if rng.random() < 0.5:
        buf = io.BytesIO(); im.save(buf, 'JPEG', quality=int(rng.integers(30, 96))); buf.seek(0)
        im = Image.open(buf); im.load()
    return im

def pil_fn(preset, rng):
    if preset == 'realistic': return lambda im: pil_realistic(im, rng)
    mode = {'grader': Image.NEAREST, 'bicubic': Image.BICUBIC, 'matlab_bicubic': Image.BICUBIC}[preset]
    return lambda im: im.resize((SIZE // SCALE, SIZE // SCALE), mode)

def main():
    p = argparse.ArgumentParser(); p.add_argument('--reps', type=int, default=5); p.add_argument('--device', default='cpu')
    p.add_argument('--threads', type=int, default=1)  # PIL is single-threaded; and on a shared 2-core box 2 OpenMP threads thrash
    args = p.parse_args()
    device = pick_device(args.device)
    torch.set_num_threads(args.threads)
    load = load_now()
    sources = [grace_hopper(), relief_map()] + [procedural_image(i, 400) for i in range(2)]
    images = [sources[i % 4].crop((i * 7, i * 5, i * 7 + SIZE, i * 5 + SIZE)) for i in range(BATCH)]
    batch = torch.stack([image_to_tensor(im) for im in images]).to(device)
    rows, start = [], time.time()
    for preset in ['grader', 'bicubic', 'matlab_bicubic', 'all_modes', 'realistic']:
        pil_preset = 'bicubic' if preset == 'all_modes' else preset  # PIL side of all_modes: one resize per image
        g, rng = torch.Generator(device=device).manual_seed(0), np.random.default_rng(0)
        fn = pil_fn(pil_preset, rng)
        degrade(batch, preset, SCALE, g); [fn(im) for im in images]  # warm up
        t_batch, t_pil = [], []
        for _ in range(args.reps):
            if device.type == 'cuda': torch.cuda.synchronize()
            t = time.perf_counter(); degrade(batch, preset, SCALE, g)
            if device.type == 'cuda': torch.cuda.synchronize()
            t_batch.append(time.perf_counter() - t)
            t = time.perf_counter(); [fn(im) for im in images]; t_pil.append(time.perf_counter() - t)
        ips_b, ips_p = BATCH / statistics.median(t_batch), BATCH / statistics.median(t_pil)
        rows.append(dict(preset=preset, batched_images_per_s=round(ips_b, 1), pil_images_per_s=round(ips_p, 1),
                         ratio=round(ips_b / ips_p, 2), pil_equivalent=PIL_SIDE[pil_preset]))
        print(rows[-1])
    cmd = f'flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/degrade_speed.py --reps {args.reps} --device {args.device} --threads {args.threads}'
    machine = describe_machine(device, load)
    lines = ['# Degradation throughput', '',
             f'Batch of {BATCH} RGB {SIZE}x{SIZE} float images -> {SIZE // SCALE}x{SIZE // SCALE}, median of {args.reps} interleaved runs per side.',
             "Batched: `sr_colab.degrade.degrade(batch, preset)` on the device. PIL: a loop of per-image `Image.resize` "
             "(for `realistic`: PIL GaussianBlur, resize, NumPy noise, libjpeg round trip, same probabilities and ranges; "
             "PIL has no anisotropic blur and no MATLAB resize, so those rows compare against the closest PIL work, named in the last column).", '',
             '| preset | batched images/s | per-image PIL images/s | batched / PIL | PIL side |', '|---|---|---|---|---|']
    for r in rows:
        lines.append(f"| {r['preset']} | {r['batched_images_per_s']:.1f} | {r['pil_images_per_s']:.1f} | {r['ratio']:.2f}x | {r['pil_equivalent']} |")
    lines += ['', f'Command: `{cmd}`', f'Machine: {machine}; {time.time() - start:.0f} s.', '']
    out = Path(__file__).parent/'results'
    atomic_write_text(out/'degrade_speed.md', '\n'.join(lines))
    atomic_write_text(out/'degrade_speed.json', json.dumps(dict(rows=rows, command=cmd, machine=machine), indent=1))
    print('\n'.join(lines))

if __name__ == '__main__': main()
