"""Regenerate what the README shows of the shipped release models: their table and their pictures.

Usage: .venv/bin/python scripts/make_figures.py
Writes benchmarks/results/release_models.md (each model card's scores, measured when `scripts/train_release.py` finished
it, beside the published anchors) and docs/shipped_<name>.png (LR | bicubic | model | truth on zoomed crops of a photo
none of them trained on). Numbers come from the cards and from the models themselves: nothing is typed in here.
"""
from pathlib import Path
from sr_colab.core import atomic_write_text
from sr_colab.demo import shipped_comparison, shipped_figure
from sr_colab.pretrained import list_pretrained
from train_release import ANCHORS

ROOT = Path(__file__).resolve().parent.parent

def table(cards) -> str:
    out = ["# Release models (shipped in the package)", "",
           "Each was trained by `scripts/train_release.py NAME` with the package's own `Trainer`, across at least two processes",
           "(stopped by a session limit and resumed from its checkpoints), its learning rate following the fraction of its",
           "training-time budget spent. Scores: Y-PSNR / SSIM-Y, border 4, by `sr_colab.evaluate` (Set14's bridge on its grey",
           "values). `x4-bicubic` is scored on the official MATLAB-bicubic LR files; the others on Set5/Set14 HR degraded by",
           "their own degradation with fixed seeds (photos none of them trained on).", "",
           "| model | degradation | parameters | steps | training | sessions | Set5 | Set14 | sha256 |", "|---|---|---:|---:|---|---:|---|---|---|"]
    for c in cards:
        s5, s14 = c['scores']['Set5'], c['scores']['Set14']
        resumes = sum(1 for s in c['sessions'] if s['event'] == 'resumed')
        out.append(f"| `{c['name']}` | {c['degradation']} | {c['parameters']:,} | {c['steps']:,} | {c['train_seconds'] / 60:g} min, "
                   f"{c['threads']} thread(s) | {resumes + 1} | {s5['psnr_y']:.2f} / {s5['ssim_y']:.4f} | "
                   f"{s14['psnr_y']:.2f} / {s14['ssim_y']:.4f} | `{c['sha256'][:12]}` |")
    out += ["", "Published anchors on the same protocol (MATLAB-bicubic LR), Set5 / Set14: " +
            ', '.join(f"{k} {a:.2f} / {b:.2f}" for k, (a, b) in ANCHORS.items()) + ".", ""]
    graded = [c for c in cards if 'grader_protocol' in c['scores']]
    if graded:
        out += ["The course grader's protocol (GRADER.md) on " + graded[0]['scores']['grader_protocol']['images'] +
                "; no perceptual test (VGG-16's ImageNet weights cannot be downloaded here), so the most is 80 points:", "",
                "| model | noise | L1 | SSIM | consistency | diversity | points (consistency / L1 / SSIM / diversity) | total |",
                "|---|---|---|---|---|---|---|---|"]
        for c in graded:
            for key, g in c['scores']['grader_protocol'].items():
                if key == 'images': continue
                v, p = g['values'], g['points']
                out.append(f"| `{c['name']}` | {key.split()[-1]} | {v['l1']:.4f} | {v['ssim']:.4f} | {v['consistency']:.4f} | "
                           f"{v['diversity']:.4f} | {p['consistency']} / {p['l1']} / {p['ssim']} / {p['diversity']} | {g['total']} / {g['max_total']} |")
        out.append("")
    for c in cards:
        out += [f"- `{c['name']}`: {c['purpose']}. Machine: {c['machine']}. Finished {c['finished']}. "
                f"Reproduce: `{c['reproduce']}`"]
    return '\n'.join(out) + '\n'

def main():
    cards = list_pretrained()
    atomic_write_text(ROOT/'benchmarks'/'results'/'release_models.md', table(cards))
    for card in cards:
        if 'noise' in card: continue  # a noise-map model's picture is its seeds (benchmarks/diverse_release.py)
        result = shipped_comparison(card['name'])
        path = shipped_figure(result, ROOT/'docs'/f"shipped_{card['name']}.png", dpi=64)
        print(f"{path} ({path.stat().st_size // 1024} KB): photo Y-PSNR " +
              ', '.join(f"{k} {v:.2f}" for k, v in result['photo_psnr'].items() if 'LR' not in k))

if __name__ == '__main__': main()
