"""Quality against CPU time: training recipes for the x4-bicubic model, each trained for several time budgets, on Set5/Set14 by the one protocol.

Each point is a full run of a recipe (`scripts/train_release.py`'s `make_trainer`: same data, seed and EMA as a release
model) whose learning rate anneals over its own budget (`TrainingClock`), so a 5-minute point is what 5 minutes can do,
not the first 5 minutes of a longer run. The recipes are the release recipe x4-bicubic was first shipped with
('two-step tail') and the variants of the search, each a change to it. Points are kept in the committed results file and
beside their checkpoints (`runs_dir()/frontier/`), each with the machine it ran on (date and boot id): a CPU-minute buys
~2x more steps on some machines than on others, so a point answers only for its own machine (another machine trains the
budgets it is asked for, and both rows stay). A shipped x4-bicubic whose card's recipe is one of these is that recipe's
point at its own budget. The curve grows one run at a time:
    flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/frontier.py --minutes 5 --variants 'two-step tail' 'one-step tail'
A long point may be trained over several sessions: `--session-minutes N` stops it cleanly (exit 75) and the same command
resumes it from its checkpoint (its learning rate keeps following the whole budget); the point lists its processes.
Scored on the official MATLAB-bicubic LR files: Y-PSNR, border 4, Set14's bridge on its grey values
(`sr_colab.evaluate.score_benchmark`). Writes benchmarks/results/frontier.{md,json} and docs/frontier.png, anchors drawn.
"""
from __future__ import annotations
import argparse, json, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'scripts'))
from machine import describe_machine, load_now
from train_release import RECIPES, training_images, make_trainer, score, ANCHORS, sessions_from_log
from sr_colab.core import atomic_write_text, runs_dir, shared_dir
from sr_colab.models import build_model, collapse
from sr_colab.pretrained import load_pretrained

OUT = ROOT/'benchmarks'/'results'
# x4-bicubic's first release recipe, written out so that the variants stay what they were when RECIPES changes
FIRST = dict(degradation='matlab_bicubic', model='ResidualSRPlus', config=dict(width=32, blocks=8), crop=64, batch=16, lr=1e-3,
             warmup=200, ema=0.999, grad_clip=1.0, seed=0)
LITE = dict(width=32, blocks=8, upsampling='lr_pixel_shuffle')
VARIANTS = {  # name: (recipe, what changed and why it might help)
    'two-step tail': (FIRST, 'ResidualSRPlus w32 b8, two x2 sub-pixel upsamplers (x4-bicubic as first shipped)'),
    'one-step tail': ({**FIRST, 'config': LITE}, 'one conv at LR size + PixelShuffle(4): half the multiply-adds, so more steps in a budget (steps per minute: the table)'),
    'one-step, 96px crops': ({**FIRST, 'config': LITE, 'crop': 96, 'batch': 8}, 'bigger crops, fewer of them: less zero padding in the receptive field'),
    'one-step, lr 2e-3': ({**FIRST, 'config': LITE, 'lr': 2e-3}, 'a higher peak learning rate for a short budget'),
    'one-step, width 40': ({**FIRST, 'config': {**LITE, 'width': 40}}, 'wider body (264K parameters), fewer steps'),
    # the one-step tail stopped gaining between 30 and 45 minutes (31.20 -> 31.21 on Set5) while the two-step one still
    # gained: spend the multiply-adds the tail saves on the body instead
    'one-step, width 48': ({**FIRST, 'config': {**LITE, 'width': 48}}, 'the one-step tail with the saved multiply-adds spent on a wider body (about 380K parameters)'),
    # the efficient-SR challenge recipes' last stage: a 16-pixel LR crop is smaller than the model's 39-pixel receptive
    # field (19 3x3 convs), so every output pixel saw zero padding, which full images lack; and L2 is the metric's own loss
    'width 40, 128px + L2 finish': ({**FIRST, 'config': {**LITE, 'width': 40}, 'finish': dict(finish_from=0.75, finish_crop=128, finish_loss='mse')},
                                    "one-step, width 40 whose last quarter trains on 128px crops (batch 16: 4x the pixels a step) with L2 (`TrainConfig.finish_*`)"),
    # SPAN's re-parameterised conv: the blocks train as 1x1 -> 3x3 at 2x width -> 1x1 plus a 1x1 skip, collapsed online, so
    # a step costs about what a plain one does and the shipped net is the plain width-40 one (`sr_colab.models.collapse`)
    'width 40, expanded convs': ({**FIRST, 'config': {**LITE, 'width': 40, 'conv': 'expanded'}},
                                 "one-step, width 40 whose block convs train over-parameterised (`ExpandedConv3x3`, SPAN's Conv3XC) and run as plain 3x3s (264K parameters)"),
}

def same_recipe(a, b): return {k: v for k, v in a.items() if k not in ('minutes', 'purpose')} == {k: v for k, v in b.items() if k not in ('minutes', 'purpose')}

def boot_id() -> str:
    "The first characters of this boot's id ('' where there is none): what tells one machine from another here."
    boot = Path('/proc/sys/kernel/random/boot_id')
    return boot.read_text()[:4] if boot.is_file() else ''

def machine_label() -> str:
    "Which machine a point ran on: the date and this boot's id, so that points of one machine (and only they) compare."
    boot = boot_id()
    return time.strftime('%Y-%m-%d', time.gmtime()) + (f" {boot}" if boot else '')

def same_machine(q) -> bool:
    "Whether point `q` was made on this machine: by boot id where both have one (a run may cross midnight), else by label."
    label = machine_of(q)  # points made before the `boot` field carry the boot id in their label, after the date
    theirs = q.get('boot') or (label.split(' ', 1)[1] if ' ' in label else '')
    if boot_id() and theirs: return theirs == boot_id()
    return label == machine_label()

def machine_of(q) -> str:
    "A point's machine label; points made before labels existed carry their date only ('–': before dates too)."
    return q.get('session') or q.get('date') or '–'

def train_point(variant, minutes, images, root, load, cached, session_minutes=None):
    "One run of `variant` with a `minutes` budget (resumes if cut); its point, from the caches when this machine already ran it; None when this session's time ran out first."
    recipe = {**VARIANTS[variant][0], 'minutes': minutes}
    for q in cached:  # a CPU-minute differs between machines: another machine's point is no answer for this one
        if q['minutes'] == minutes and same_recipe(q['recipe'], recipe) and same_machine(q): return q
    # named by boot, not date: a point cut by a session's end resumes on the same machine the next day
    folder = runs_dir()/'frontier'/f"{variant.replace(' ', '_').replace(',', '')}-{minutes:g}min-{boot_id() or machine_label()}"
    done = folder/'point.json'
    if done.is_file(): return json.loads(done.read_text())
    trainer = make_trainer(f'frontier-{variant}-{minutes:g}', recipe, images, folder, session_minutes)
    trainer.fit()
    if trainer.fraction_done() < 1:  # stopped by --session-minutes: checkpointed, the same command continues it
        print(f"{variant}, {minutes:g} min: stopped at step {trainer.step} ({100 * trainer.fraction_done():.1f}% of its budget) in {folder}")
        return None
    point = dict(variant=variant, recipe=recipe, minutes=minutes, steps=trainer.step, parameters=sum(p.numel() for p in collapse(trainer.model).parameters()),
                 scores=score(trainer.ema.model, 'x4-bicubic', recipe, root), machine=describe_machine('cpu', load), source='trained by this script',
                 date=time.strftime('%Y-%m-%d', time.gmtime()), session=machine_label(), boot=boot_id(), processes=sessions_from_log(folder))
    atomic_write_text(done, json.dumps(point, indent=1))
    return point

def shipped_point():
    "The shipped x4-bicubic as a point of the variant whose recipe it was trained with (None if it is none of them)."
    card = load_pretrained('x4-bicubic').card
    for variant, (recipe, _) in VARIANTS.items():
        if same_recipe(card['recipe'], recipe):
            return dict(variant=variant, recipe=card['recipe'], minutes=card['train_seconds'] / 60, steps=card['steps'], parameters=card['parameters'],
                        scores=card['scores'], machine=card['machine'], source='x4-bicubic release run', date=card['finished'][:10])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--minutes', type=float, nargs='+', default=[], help='training budgets to train (or read from the caches)')
    p.add_argument('--variants', nargs='+', default=['two-step tail'], choices=sorted(VARIANTS), help='recipes to train at those budgets')
    p.add_argument('--retrain', action='store_true', help='train those points again even if cached (a busy machine made them, say)')
    p.add_argument('--session-minutes', type=float, default=None, help="stop training after this long (exit 75); the same command resumes the point")
    args = p.parse_args()
    torch.set_num_threads(1)
    load, start, root = load_now(), time.time(), shared_dir()
    old = json.loads((OUT/'frontier.json').read_text()) if (OUT/'frontier.json').is_file() else {}
    cached = [q for q in old.get('points', []) if 'recipe' in q]
    if args.retrain:
        cached = [q for q in cached if not (q['variant'] in args.variants and q['minutes'] in args.minutes)]
    images = training_images(root)[1] if args.minutes else None
    points = []
    for v in args.variants:
        for m in args.minutes:
            q = train_point(v, m, images, root, load, cached, args.session_minutes)
            if q is None: sys.exit(75)  # EX_TEMPFAIL, as train_release: not done, results left as they were
            points.append(q)
    shipped = shipped_point()
    same = lambda q, r: (q['variant'], q['minutes'], machine_of(q)) == (r['variant'], r['minutes'], machine_of(r))
    for q in ([shipped] if shipped else []) + cached:  # keep every point measured before (the shipped card's own first)
        if not any(same(q, r) for r in points): points.append(q)
    points.sort(key=lambda q: (list(VARIANTS).index(q['variant']), q['minutes'], machine_of(q)))
    res = dict(points=points, variants={k: dict(recipe=r, why=w) for k, (r, w) in VARIANTS.items()}, anchors=ANCHORS,
               machine=describe_machine('cpu', load), seconds=time.time() - start)
    OUT.mkdir(exist_ok=True)
    atomic_write_text(OUT/'frontier.json', json.dumps(res, indent=1))
    draw(points)
    atomic_write_text(OUT/'frontier.md', markdown(points, res, shipped))
    print((OUT/'frontier.md').read_text())

def draw(points):
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.8))
    budgets = sorted({q['minutes'] for q in points})
    latest = max(machine_of(q) for q in points if machine_of(q) != '–')  # the newest machine's points filled, earlier ones hollow
    for ax, bench, i in zip(axes, ('Set5', 'Set14'), (0, 1)):
        psnr = lambda qs: [q['scores'][bench]['psnr_y'] for q in qs]
        for variant in VARIANTS:
            mine = [q for q in points if q['variant'] == variant]
            if not mine: continue
            # earlier machines' points as before (hollow; a line when there are several); the newest machine's apart, filled
            # squares joined only to each other: its CPU-minutes buy a different number of steps
            earlier, newest, label = [q for q in mine if machine_of(q) != latest], [q for q in mine if machine_of(q) == latest], f"{variant} ({mine[0]['parameters'] / 1e3:.0f}K)"
            color = None
            if len(earlier) > 1 or (earlier and variant in ('two-step tail', RECIPE_NOW)):
                line, = ax.plot([q['minutes'] for q in earlier], psnr(earlier), 'o-', markerfacecolor='white', label=label)
                color, label = line.get_color(), None
            elif earlier:
                line, = ax.plot([q['minutes'] for q in earlier], psnr(earlier), 'x', ms=5, label=label)
                color, label = line.get_color(), None
            if newest: ax.plot([q['minutes'] for q in newest], psnr(newest), 's--', ms=5, color=color, label=label)
        drawn = {k: v for k, v in ANCHORS.items() if k != 'bicubic'}  # 2 dB under everything else: it would flatten the curves
        for k, (name, vals) in enumerate(drawn.items()):  # labels alternate ends: DRRN and MemNet are 0.06 dB apart
            ax.axhline(vals[i], ls=':', lw=1, color='grey')
            ax.text(budgets[-1] if k % 2 else budgets[0], vals[i], f'{name} ', fontsize=7, va='bottom', ha='right' if k % 2 else 'left', color='dimgrey')
        ax.set_ylim(min([q['scores'][bench]['psnr_y'] for q in points] + [drawn['SRCNN'][i]]) - 0.15, drawn['MemNet'][i] + 0.1)
        ax.set_xscale('log'); ax.set_xticks(budgets, [f'{m:g}' for m in budgets]); ax.minorticks_off()
        ax.set_xlabel('training budget, CPU minutes (1 thread)'); ax.set_ylabel('Y-PSNR (dB)'); ax.set_title(bench)
    axes[0].legend(fontsize=6.5, loc='lower right', framealpha=0.9); fig.tight_layout(); fig.savefig(ROOT/'docs'/'frontier.png', dpi=80)

# the variant the x4-bicubic release recipe uses now (None while it is none of them)
RECIPE_NOW = next((v for v, (r, _) in VARIANTS.items() if same_recipe(r, RECIPES['x4-bicubic'])), None)

def markdown(points, res, shipped):
    ms = lambda q: f"{q['minutes'] * 60e3 / q['steps']:.0f}"  # milliseconds per step
    rows = [f"| {q['variant']} | {q['minutes']:g} | {q['steps']:,} | {ms(q)} | {q['parameters']:,} | "
            f"{q['scores']['Set5']['psnr_y']:.2f} / {q['scores']['Set5']['ssim_y']:.4f} | {q['scores']['Set14']['psnr_y']:.2f} / {q['scores']['Set14']['ssim_y']:.4f} | "
            f"{q['source']} | {machine_of(q)} |" for q in points]
    speeds = '; '.join(f"{v}: " + ', '.join(f"{ms(q)} ({machine_of(q)}, {q['minutes']:g} min)" for q in points if q['variant'] == v)
                       for v in VARIANTS if len({machine_of(q) for q in points if q['variant'] == v}) > 1)
    whys = '\n'.join(f"- **{k}**: {w}" for k, (r, w) in VARIANTS.items())
    loads = sorted({q['machine'].split('load average ')[-1].split(' ')[0] for q in points if 'load average' in q['machine']}, key=float)
    return f"""# Quality against CPU time (x4-bicubic recipes)

Each row is a whole run of a recipe whose learning rate anneals over that row's own budget: 391 training photos
(T91, General100, BSDS200), MATLAB-bicubic LR, L1, Adam with warmup and cosine decay over the time budget, EMA 0.999,
seed 0, one torch thread. Scores on the official MATLAB-bicubic LR files, Y-PSNR / SSIM-Y, border 4, Set14's bridge on its
grey values. The x4-bicubic release recipe is now **{RECIPE_NOW or 'none of these'}**; the shipped x4-bicubic is {f"the {shipped['variant']} row at {shipped['minutes']:g} minutes" if shipped else 'none of these rows'}.

{whys}

| recipe | budget (min) | steps | ms / step | parameters | Set5 | Set14 | run | machine |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

Published anchors (same protocol): {', '.join(f'{k} {a:.2f} / {b:.2f}' for k, (a, b) in ANCHORS.items())}. The picture is
`docs/frontier.png` (bicubic, 2 dB lower, is left out of it; filled squares are the newest machine's points, joined
only to each other; hollow dots and crosses are earlier machines'). A CPU-minute is not the same on every machine, and a
shared machine gives fewer steps (each row's machine and load are in `frontier.json`; 1-minute load averages at the
starts: {', '.join(loads)}). The same recipe's milliseconds per step on different machines: {speeds}. So compare recipes
only by rows of one machine. The machine column is the date a point was made and, for points made since machines were
told apart, the first characters of that boot's id; date-only rows are one session's each, as far as the git log of this
file shows, and '–' rows were made before points carried their date (2026-12-01 or earlier).

Command (points this machine already made, in this file or in runs_dir()/frontier, are read, not retrained):
`flock /tmp/sr_colab_bench.lock .venv/bin/python benchmarks/frontier.py --minutes M [M ...] --variants NAME [NAME ...]`
Machine: {res['machine']}; {res['seconds']:.0f} s.
"""

if __name__ == '__main__': main()
