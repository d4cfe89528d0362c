"""Train one of sr_colab's release models with the package's own resumable Trainer, and write its weights and model card.

Usage (from the repository root, one heavy job at a time):
    flock /tmp/sr_colab_bench.lock .venv/bin/python scripts/train_release.py x4-bicubic --session-minutes 30
Run the same command again after it stops (exit status 75 after a session limit; or a kill, a reboot): it resumes from its checkpoints in
runs_dir()/release/NAME, exactly as a Colab user continues after a disconnect. When the run's whole training-time budget
(--minutes, fixed by the recipe) is spent, it scores the EMA weights and writes
    sr_colab/assets/pretrained/NAME.safetensors   the weights (metadata: architecture, config, scale)
    sr_colab/assets/pretrained/NAME.json          the model card: recipe, data, steps, time, machine, sessions, scores, sha256,
                                                  and the run's clock anchors
Reproduce a shipped model bit for bit (same machine kind and thread count) by replaying its card's clock and recipe:
    .venv/bin/python scripts/train_release.py x4-bicubic --replay sr_colab/assets/pretrained/x4-bicubic.json
(each card's `reproduce` line does this with the code the model was trained with: the card is copied out first, because
the commit that trained a model holds an older card or none).
The learning rate follows the fraction of the training-time budget spent (sr_colab.train.TrainingClock), so a slow or
busy minute changes how many steps the run takes, never how it anneals.
"""
import argparse, hashlib, json, platform, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'benchmarks'))
from machine import describe_machine, load_now
from sr_colab.core import atomic_write_text, runs_dir, shared_dir, seed_everything
from sr_colab.data import load_rgb, centre_crop, RandomCropDataset, IMAGE_SUFFIXES
from sr_colab.models import build_model, save_model, collapse
from sr_colab.train import Trainer, state_digest

OUT = ROOT/'sr_colab'/'assets'/'pretrained'
# Published x4 Y-PSNR (border 4) on Set5 / Set14 of methods trained on ~291 images, as ours are on 391.
ANCHORS = {'bicubic': (28.42, 26.00), 'SRCNN': (30.48, 27.50), 'VDSR': (31.35, 28.01), 'DRRN': (31.68, 28.21), 'MemNet': (31.74, 28.26)}
TRAIN_SETS = ('T91', 'General100', 'BSDS200')  # 391 photos, the ~291-image regime of the published anchors plus BSDS
# Each recipe is fixed: changing one is a new model. 'minutes' is the whole run's training time on this machine kind.
RECIPES = {
    # the one-step tail with a width-40 body (264K parameters, the cap is 300K). benchmarks/results/frontier.md:
    # at width 32 the one-step tail won at 5 CPU-minutes but stopped gaining after 30 (its 45-minute release scored
    # 0.11 dB under the two-step one); spending the multiply-adds it saves on a wider body won at 30 minutes on one
    # machine (width 48: +0.12 / +0.06 dB over the two-step tail), and width 40 is the widest such body under the cap
    'x4-bicubic': dict(degradation='matlab_bicubic', minutes=30, model='ResidualSRPlus',
                       config=dict(width=40, blocks=8, upsampling='lr_pixel_shuffle'),
                       crop=64, batch=16, lr=1e-3, warmup=200, ema=0.999, grad_clip=1.0, seed=0,
                       purpose='the classic benchmark degradation (MATLAB bicubic x4): Set5/Set14-comparable'),
    'x4-real': dict(degradation='realistic', minutes=30, model='ResidualSRPlus', config=dict(width=32, blocks=8),
                    crop=64, batch=16, lr=1e-3, warmup=200, ema=0.999, grad_clip=1.0, seed=0,
                    purpose="people's own photos: blur, noise, JPEG and mixed resizes (the 'realistic' preset)"),
    'x4-grader': dict(degradation='grader', minutes=20, model='ResidualSRPlus', config=dict(width=32, blocks=8),
                      crop=64, batch=16, lr=1e-3, warmup=200, ema=0.999, grad_clip=1.0, seed=0,
                      purpose="the course grader's LR (Pillow nearest: HR pixel (4i+2, 4j+2)); use with exact LR consistency"),
    # x4-grader taught to use a noise map: its weights start the run, the 4 noise channels start near zero, and
    # sr_colab.diverse.TargetDiversityLoss trains what the grader scores (each seed's L1) with two seeds' outputs held
    # 0.06 apart at unit noise, and s * 0.06 apart at each batch's strength s in [0.5, 1.5], so the strength that gives
    # the grader's diversity on whole pictures (1.07-1.22 for three seeds trained at unit noise only) is one it trained
    # at; SSIM in each sample's loss keeps the variation off flat areas (the first release used per-patch cIMLE, whose
    # unit noise varied too little: see diverse_release.md's history)
    'x4-diverse': dict(degradation='grader', minutes=48, model='ResidualSRPlus', config=dict(width=32, blocks=8, noise_channels=4),
                       init='x4-grader', loss=dict(kind='target_diversity', target=0.06, weight=50.0, ssim=0.1, strengths=(0.5, 1.5)),
                       crop=64, batch=8, lr=5e-4,
                       warmup=100, ema=0.999, grad_clip=1.0, seed=0,
                       purpose="seed-driven diversity for the grader's LR (the Preview sliders): noise map strength sets the diversity"),
}

def training_images(root):
    files = sorted(p for s in TRAIN_SETS for p in (root/'datasets'/s).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if len(files) < 300: raise FileNotFoundError(f"expected ~391 training images under {root/'datasets'}, found {len(files)}")
    return files, [np.asarray(load_rgb(p)) for p in tqdm(files, desc='loading training images')]

def start_from(model, name, seed):
    "Copy the shipped model `name`'s weights into `model`; input channels it lacks (a noise map's) start at 1e-3 x N(0, 1)."
    from sr_colab.pretrained import load_pretrained
    ours, theirs, gen = model.state_dict(), load_pretrained(name).state_dict(), torch.Generator().manual_seed(seed)
    for key, value in theirs.items():
        if ours[key].shape == value.shape: ours[key] = value
        elif ours[key].shape[1] > value.shape[1] and ours[key].shape[:1] + ours[key].shape[2:] == value.shape[:1] + value.shape[2:]:
            extra = ours[key].shape[1] - value.shape[1]
            ours[key] = torch.cat([value, 1e-3 * torch.randn(value.shape[0], extra, *value.shape[2:], generator=gen)], 1)
        else: raise ValueError(f"{name}'s {key} {tuple(value.shape)} does not fit {tuple(ours[key].shape)}")
    model.load_state_dict(ours)

def make_loss(recipe):
    spec = recipe.get('loss')
    if spec is None: return torch.nn.functional.l1_loss
    if spec['kind'] == 'patch_cimle':
        from sr_colab.diverse import PatchCIMLELoss
        return PatchCIMLELoss(samples=spec['samples'], patch=spec['patch'], seed=recipe['seed'])
    if spec['kind'] == 'target_diversity':  # the grader's trade-off: every seed's L1 at a set diversity (05b_diverse)
        from sr_colab.diverse import TargetDiversityLoss, L1SSIMLoss
        strengths = tuple(spec['strengths']) if 'strengths' in spec else None
        return TargetDiversityLoss(target=spec['target'], weight=spec['weight'], seed=recipe['seed'],
                                   loss_fn=L1SSIMLoss(spec.get('ssim', 0)), strengths=strengths)
    raise ValueError(f"unknown loss {spec!r}")

def make_trainer(name, recipe, images, folder, session_minutes, anchors=None):
    seed_everything(recipe['seed'])
    model = build_model(recipe['model'], **recipe['config'])
    if 'init' in recipe: start_from(model, recipe['init'], recipe['seed'])
    return Trainer(model, RandomCropDataset(images, crop=recipe['crop'], length=100_000), make_loss(recipe), steps=None,
                   train_seconds=recipe['minutes'] * 60, clock_anchors=anchors,
                   time_budget=None if session_minutes is None else session_minutes * 60,
                   batch_size=recipe['batch'], lr=recipe['lr'], warmup_steps=recipe['warmup'], ema_decay=recipe['ema'],
                   grad_clip=recipe['grad_clip'], degradation=recipe['degradation'], folder=folder, name=name,
                   save_every_seconds=300, seed=recipe['seed'], device='cpu', progress=sys.stderr.isatty(), **recipe.get('finish', {}),
                   channels_last=True)  # faster than NCHW for this model on this CPU (benchmarks/results/train_speed.md)

def sessions_from_log(folder):
    "The run's processes, read from its log: where each started and stopped."
    records = [json.loads(l) for l in (folder/'log.jsonl').read_text().splitlines() if l.strip()]
    events = [r for r in records if r.get('event') in ('resumed', 'time_budget_reached')]
    return [{'step': r['step'], 'event': r['event'], **({'checkpoint': r['checkpoint']} if 'checkpoint' in r else {})} for r in events]

def score(model, name, recipe, root):
    "Y-PSNR / SSIM-Y on Set5 and Set14 by the library's benchmark protocol (grey images on grey values, border 4)."
    from sr_colab.evaluate import evaluate
    scores = {}
    for bench in ('Set5', 'Set14'):
        folder = root/'benchmarks'/bench
        if recipe['degradation'] == 'matlab_bicubic':  # the official LR files
            s = evaluate(model, folder/'HR', folder/'LR_bicubic_x4', out_dir=None, progress=False)['summary']
        else:  # the model's own degradation, drawn with fixed seeds: held-out photos it never trained on
            s = evaluate(model, folder/'HR', degradation=recipe['degradation'], seed=0, out_dir=None, progress=False)['summary']
        scores[bench] = {'psnr_y': s['psnr_y'], 'ssim_y': s['ssim_y']}
    if recipe['degradation'] == 'grader': scores['grader_protocol'] = grader_scores(model, root)
    return scores

DIVERSITY_TARGET = 0.055  # a little above the grader's 0.05: photos it never saw may vary less than the ones it is tuned on

def calibrate_noise(model, root, target=DIVERSITY_TARGET, strengths=(0.5, 1, 1.5, 2, 3, 4, 6)):
    "The noise-map strength giving the grader's diversity `target` on 8 BSDS200 training crops (test photos never tune it)."
    from sr_colab.grader import grade, grader_function
    crops, rows = centre_crops(sorted((root/'datasets'/'BSDS200').glob('*.png'))[:8]), []
    for s in strengths:
        rep = grade(grader_function(model, noise=s, mode='map'), crops, perceptual=None, verbose=False, progress=False)
        rows.append((s, float(rep.values['diversity'])))
        if rows[-1][1] >= target: break
    if rows[-1][1] < target: raise RuntimeError(f"diversity {rows[-1][1]:.4f} at noise {strengths[-1]}, short of {target}")
    if len(rows) == 1: return rows[0][0] * target / rows[0][1], rows
    (s0, d0), (s1, d1) = rows[-2], rows[-1]
    return float(np.interp(target, [d0, d1], [s0, s1])), rows

def finish_card(card, model, recipe, root):
    "A noise-map model's calibrated default strength, then the scores (the grader's at that strength)."
    if (getattr(model, 'noise_channels', 0) or 0) > 0:
        strength, sweep = calibrate_noise(model, root)
        card.update(noise=round(strength, 3), noise_calibration=dict(target_diversity=DIVERSITY_TARGET, sweep=sweep,
                    images='8 BSDS200 training images, 256x256 centre crops'))
        model.card = card  # default_noise reads it
    card['scores'] = score(model, card['name'], recipe, root)

def centre_crops(paths, size=256):
    "The central `size` x `size` crop of every image at least that large (the grader's image size)."
    return [centre_crop(im, size) for im in map(load_rgb, paths) if min(im.size) >= size]

def heldout_crops(root):
    "256x256 centre crops of Set5 + Set14 HR: photos no release model trained on."
    return centre_crops(sorted((root/'benchmarks'/'Set5'/'HR').glob('*.png')) + sorted((root/'benchmarks'/'Set14'/'HR').glob('*.png')))

def grader_scores(model, root):
    "The course grader's protocol on held-out crops (no perceptual test: VGG-16 weights are not here), deterministic and at the default noise."
    from sr_colab.grader import grade, default_noise
    crops, out = heldout_crops(root), {}
    for noise in (0.0, default_noise(model)):
        rep = grade(model, crops, perceptual=None, noise=noise, verbose=False, progress=False)
        out[f'noise {noise:g}'] = dict(values={k: float(v) for k, v in rep.values.items()}, points=rep.points,
                                       total=rep.total, max_total=rep.max_total)
    out['images'] = f'{len(crops)} 256x256 centre crops of Set5 + Set14 HR, LR by PIL nearest, LR pixels re-imposed'
    return out

def git_commit():
    try: return subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except Exception: return None

def reproduce_command(name, threads, commit):
    "Replay the shipped card with the code that trained it: copy the card out first (the training commit holds an older card or none)."
    return (f"cp sr_colab/assets/pretrained/{name}.json /tmp/{name}.card.json && git checkout {commit} && "
            f".venv/bin/python scripts/train_release.py {name} --threads {threads} --replay /tmp/{name}.card.json"
            "  # same machine kind and thread count: same weights, bit for bit")

def write_release(name, recipe, trainer, files, threads, load):
    model = collapse(trainer.ema.model.eval())  # the net that runs: expanded convs (if the recipe trains them) as plain 3x3s
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    OUT.mkdir(parents=True, exist_ok=True)
    path = save_model(model, OUT/f'{name}.safetensors')  # the package's own format: load_model and other tools read it
    sha = hashlib.sha256(path.read_bytes()).hexdigest()  # the file as shipped (its JSON header's key order is not fixed)
    card = dict(name=name, purpose=recipe['purpose'], architecture=recipe['model'], config=model.spec['config'], scale=4,
                parameters=sum(p.numel() for p in model.parameters()), degradation=recipe['degradation'],
                training_images={'sets': list(TRAIN_SETS), 'count': len(files), 'folder': '../shared/datasets'},
                recipe={k: v for k, v in recipe.items() if k not in ('purpose',)}, steps=trainer.step,
                train_seconds=recipe['minutes'] * 60, sessions=sessions_from_log(trainer.folder),
                machine=describe_machine(trainer.device, load), threads=threads, torch=torch.__version__,
                python=platform.python_version(), code_commit=git_commit(),
                command=f"flock /tmp/sr_colab_bench.lock .venv/bin/python scripts/train_release.py {name} --threads {threads} --session-minutes 25"
                        "  # exit 75: not done, run it again",
                reproduce=reproduce_command(name, threads, git_commit()),
                weights=path.name, sha256=sha, weights_digest=state_digest(weights), finished=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
                clock_anchors=trainer.clock.anchors)
    return path, card

def replay_record(card, steps, digest, line, threads, load, started, commit) -> dict:
    "What a replay found, with what it needs to be checked again: the card's run, this run's steps and digest, the machine."
    stops = [e['step'] for e in card['sessions'] if e['event'] == 'time_budget_reached']
    return dict(name=card['name'], card_sha256=card['sha256'], card_weights_digest=card['weights_digest'], card_steps=card['steps'],
                card_processes=1 + sum(e['event'] == 'resumed' for e in card['sessions']), card_stops=stops,
                training_commit=card['code_commit'], replay_commit=commit, steps=steps, weights_digest=digest,
                equal=digest == card['weights_digest'], output=line, threads=threads,
                command=shlex.join(['.venv/bin/python', 'scripts/train_release.py', *sys.argv[1:]]),
                machine=describe_machine('cpu', load), started=started, finished=time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()))

def replay_markdown(r) -> str:
    "The results file the README includes: the replay's own output line, never a copy typed from a log."
    stops = ('step ' if len(r['card_stops']) == 1 else 'steps ') + ', '.join(f'{s:,}' for s in r['card_stops'])
    return '\n'.join([
        f"# Replaying {r['name']} bit for bit", '',
        f"The shipped `{r['name']}` ({r['card_steps']:,} steps) was trained across {r['card_processes']} processes (stopped by a "
        f"session limit at {stops} and resumed). Its card's recipe and clock anchors, replayed in one fresh process from "
        f"scratch, give (exit status {0 if r['equal'] else 1}: 0 means the same weights, 1 different):", '',
        '```', r['output'], '```', '',
        f"Command: `{r['command']}` at commit `{r['replay_commit'][:7] if r['replay_commit'] else '?'}` (the card's training "
        f"commit: `{(r['training_commit'] or '?')[:7]}`); written by the replay itself (`benchmarks/results/replay_{r['name']}.json` holds the same).",
        f"Machine: {r['machine']}; {r['started']} to {r['finished']}. A replay follows the card's clock anchors, so load "
        "changes its wall time, not its steps.", ''])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('name', choices=sorted(RECIPES))
    p.add_argument('--session-minutes', type=float, default=None, help="stop this process after this long (resume by running again)")
    p.add_argument('--threads', type=int, default=1, help='torch threads (a bitwise replay needs the same count)')
    p.add_argument('--replay', default=None, help="a model card: replay its clock anchors in a fresh folder and compare sha256")
    p.add_argument('--score-only', action='store_true', help="re-score the shipped weights and rewrite the card's scores and reproduce line")
    p.add_argument('--resave', action='store_true', help="rewrite the shipped weights with save_model (same tensors) and the card's sha256")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    name, recipe, root, load = args.name, RECIPES[args.name], shared_dir(), load_now()
    started, commit = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), git_commit()  # the code this process runs, not HEAD when it ends
    if args.resave:  # a file written before save_model's metadata: same tensors, the package's format
        from sr_colab.pretrained import load_pretrained
        card_path, model = OUT/f'{name}.json', load_pretrained(name)
        card = json.loads(card_path.read_text())
        assert state_digest({k: v.contiguous() for k, v in model.state_dict().items()}) == card['weights_digest']
        path = save_model(model, OUT/card['weights'])
        card['sha256'] = hashlib.sha256(path.read_bytes()).hexdigest()
        atomic_write_text(card_path, json.dumps(card, indent=1) + '\n'); print(f"{path}: sha256 {card['sha256']}"); return
    if args.score_only:
        from sr_colab.pretrained import load_pretrained
        card_path = OUT/f'{name}.json'
        card = json.loads(card_path.read_text())
        finish_card(card, load_pretrained(name), recipe, root)
        card['reproduce'] = reproduce_command(name, card['threads'], card['code_commit'])
        atomic_write_text(card_path, json.dumps(card, indent=1) + '\n'); print(json.dumps(card['scores'], indent=1)); return
    files, images = training_images(root)
    anchors = None
    if args.replay:  # the card's own recipe and clock: the replay trains what the card says, whatever RECIPES says now
        card = json.loads(Path(args.replay).read_text())
        anchors, recipe = card['clock_anchors'], {**card['recipe'], 'purpose': card['purpose']}
        if json.loads(json.dumps(recipe)) != json.loads(json.dumps(RECIPES[name])):
            print(f"{name}: replaying the card's recipe, which differs from RECIPES[{name!r}] in this checkout")
    folder = runs_dir()/'release'/(name + ('-replay' if args.replay else ''))
    trainer = make_trainer(name, recipe, images, folder, args.session_minutes, anchors)
    trainer.fit()
    if trainer.fraction_done() < 1:
        print(f"{name}: stopped at step {trainer.step} ({100 * trainer.fraction_done():.1f}% of the training time); "
              f"run the same command again to continue"); sys.exit(75)  # EX_TEMPFAIL: not done yet
    if args.replay:  # the tensors, not the file: safetensors writes its metadata in no fixed order
        digest = state_digest({k: v.detach().cpu().contiguous() for k, v in trainer.ema.model.state_dict().items()})
        same = digest == card['weights_digest']
        line = f"replayed {trainer.step} steps: weights digest {digest} {'==' if same else '!='} the card's {card['weights_digest']}"
        print(line)
        record = replay_record(card, trainer.step, digest, line, args.threads, load, started, commit)
        results = ROOT/'benchmarks'/'results'
        atomic_write_text(results/f'replay_{name}.json', json.dumps(record, indent=1) + '\n')
        atomic_write_text(results/f'replay_{name}.md', replay_markdown(record))
        sys.exit(0 if same else 1)
    path, card = write_release(name, recipe, trainer, files, args.threads, load)
    finish_card(card, trainer.ema.model, recipe, root)
    atomic_write_text(OUT/f'{name}.json', json.dumps(card, indent=1) + '\n')
    print(f"{name}: done, {trainer.step} steps; {path} ({path.stat().st_size / 1e6:.2f} MB), scores {card['scores']}")

if __name__ == '__main__': main()
