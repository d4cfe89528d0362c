"""What eight views of the input buy: each shipped model alone and as `SelfEnsemble` on Set5 + Set14.

Usage: flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/self_ensemble.py
Writes benchmarks/results/self_ensemble.md and .json.

Protocol (the library's, `sr_colab.evaluate.score_benchmark`): the official MATLAB-bicubic x4 LR files, Y-PSNR / SSIM-Y
with border 4, Set14's bridge on its grey values. Time: wall seconds for both sets on this machine, model alone and
ensembled in the same run (the ratio is the cost). Models trained on the grader's off-centre nearest LR are left out:
`SelfEnsemble` refuses them (a mirror moves the pixel that downsampling keeps).
"""
import json, time
from pathlib import Path
import torch
from sr_colab.core import atomic_write_text
from sr_colab.evaluate import score_benchmark
from sr_colab.infer import ASYMMETRIC_DEGRADATIONS, SelfEnsemble
from sr_colab.pretrained import list_pretrained, load_pretrained
from machine import describe_machine, load_now

OUT = Path(__file__).parent/'results'
SETS = ('Set5', 'Set14')

def timed_scores(model):
    start = time.perf_counter()
    scores = {b: {k: v for k, v in score_benchmark(model, b).items() if k in ('psnr_y', 'ssim_y')} for b in SETS}
    return scores, time.perf_counter() - start

def main():
    torch.set_num_threads(1)
    load, start = load_now(), time.time()
    names = [c['name'] for c in list_pretrained() if c['degradation'] not in ASYMMETRIC_DEGRADATIONS]
    results = {}
    for name in names:
        model = load_pretrained(name)
        (alone, t1), (ens, t8) = timed_scores(model), timed_scores(SelfEnsemble(model))
        results[name] = dict(alone=alone, ensemble=ens, seconds_alone=t1, seconds_ensemble=t8,
                             degradation=model.card['degradation'], parameters=model.card['parameters'])
        print(name, results[name], flush=True)
    res = dict(results=results, machine=describe_machine('cpu', load), seconds=time.time() - start)
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/'self_ensemble.json', json.dumps(res, indent=1))
    cell = lambda s: ' | '.join(f"{s[b]['psnr_y']:.2f} / {s[b]['ssim_y']:.4f}" for b in SETS)
    rows = [f"| {n} | {r['degradation']} | {cell(r['alone'])} | {cell(r['ensemble'])} | "
            + ' / '.join(f"{r['ensemble'][b]['psnr_y'] - r['alone'][b]['psnr_y']:+.2f}" for b in SETS)
            + f" | {r['seconds_ensemble'] / r['seconds_alone']:.1f}x |" for n, r in results.items()]
    md = f"""# Self-ensemble: eight flips and turns of the input, averaged

Each shipped model whose degradation is symmetric, alone and wrapped in `sr_colab.infer.SelfEnsemble` (the mean of its
answers to the 8 flips and quarter turns of the input, each turned back; no weight changes). Official MATLAB-bicubic
LR files, Y-PSNR / SSIM-Y, border 4, Set14's bridge on its grey values. Cost: wall time for Set5 + Set14, ensembled
over alone, in this run. The published anchors are single passes: compare them with the 'alone' columns.

| model | trained on | alone: Set5 | Set14 | self-ensemble: Set5 | Set14 | gain (dB) | time |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Left out: models trained on the grader's Pillow-nearest LR (`SelfEnsemble` refuses them; that downsampling keeps pixel
4i+2 of each block of 4, and a mirror makes it 4i+1).

Command: `flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/self_ensemble.py`
Machine: {res['machine']}; {res['seconds']:.0f} s.
"""
    atomic_write_text(OUT/'self_ensemble.md', md)
    print(md)

if __name__ == '__main__': main()
