"""Which shipped model for which input: every release model and bicubic on Set5 + Set14, LR made three ways.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/release_comparison.py
Writes benchmarks/results/release_comparison.md and .json.

Protocol (the library's, `sr_colab.evaluate`): Y-PSNR / SSIM-Y with border 4, Set14's bridge on its grey values.
LR columns: the official MATLAB-bicubic x4 files (`score_benchmark`); the `realistic` preset (blur, mixed resizes, noise,
JPEG; each image's draw seeded by its index, the same draw for every model); and the course grader's Pillow nearest.
None of the models trained on Set5 or Set14.
"""
import json, time
from pathlib import Path
import torch
from sr_colab.core import atomic_write_text, shared_dir
from sr_colab.evaluate import evaluate, score_benchmark
from sr_colab.pretrained import list_pretrained, load_pretrained
from machine import describe_machine, load_now

OUT = Path(__file__).parent/'results'
LR_KINDS = {'matlab_bicubic': 'official MATLAB-bicubic LR files', 'realistic': "'realistic' preset (seeded)", 'grader': 'grader (Pillow nearest)'}

def scores(model, bench, kind, root):
    if kind == 'matlab_bicubic': s = score_benchmark(model, bench)
    else: s = evaluate(model, root/'benchmarks'/bench/'HR', degradation=kind, seed=0, out_dir=None, progress=False)['summary']
    return {'psnr_y': s['psnr_y'], 'ssim_y': s['ssim_y']}

def main():
    torch.set_num_threads(1)
    load, start, root = load_now(), time.time(), shared_dir()
    models = {'bicubic (torch)': 'bicubic', **{c['name']: load_pretrained(c['name']) for c in list_pretrained()}}
    results = {name: {kind: {b: scores(m, b, kind, root) for b in ('Set5', 'Set14')} for kind in LR_KINDS} for name, m in models.items()}
    best = {kind: max(results, key=lambda n: results[n][kind]['Set5']['psnr_y'] + results[n][kind]['Set14']['psnr_y']) for kind in LR_KINDS}
    res = dict(results=results, best=best, machine=describe_machine('cpu', load), seconds=time.time() - start)
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/'release_comparison.json', json.dumps(res, indent=1))
    head = '| model | ' + ' | '.join(f'{v} Set5 / Set14' for v in LR_KINDS.values()) + ' |'
    rows = [head, '|---|' + '---|' * len(LR_KINDS)]
    for name in results:
        cells = [f"{'**' if best[k] == name else ''}{results[name][k]['Set5']['psnr_y']:.2f} / {results[name][k]['Set14']['psnr_y']:.2f}"
                 f"{'**' if best[k] == name else ''}" for k in LR_KINDS]
        rows.append(f"| {name} | " + ' | '.join(cells) + ' |')
    md = f"""# Which shipped model for which input

Y-PSNR (dB, border 4, Set14's bridge on grey values) of every shipped model and of bicubic upsampling, with the LR
made three ways from the same HR images; the best per column in bold (SSIM-Y in the JSON).

{chr(10).join(rows)}

Best by LR kind (Set5 + Set14): {'; '.join(f"{LR_KINDS[k]}: {v}" for k, v in best.items())}.

Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/release_comparison.py`
Machine: {res['machine']}; {res['seconds']:.0f} s.
"""
    atomic_write_text(OUT/'release_comparison.md', md)
    print(md)

if __name__ == '__main__': main()
