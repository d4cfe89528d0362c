"""Peak memory (RSS) of upscaling one image file on the CPU: streamed tiles vs one untiled forward vs the float tensor path.

Usage: nice -n 15 .venv/bin/python benchmarks/upscale_memory.py [--only tiled] [--max-gb 8] [--jobs 2]
Writes benchmarks/results/upscale_memory.md and .json after every case, so an interrupted run keeps what it measured.
Cases are separate processes, so `--jobs 2` runs two at once without changing either one's peak (only their times).

Each case runs in a fresh subprocess that imports sr_colab, builds `ResidualSRPlus()` (default config, random init:
the weights do not change memory), reads a PNG photo (grace_hopper resized, written by the parent) and writes the
4x PNG. It reports VmRSS just before the upscale (the interpreter, torch and the model) and VmHWM, the peak, at the
end. Cases:
  tiled   `upscale(model, file)`: the default, tiles streamed into a preallocated 8-bit output (`stream_tiles`)
  untiled `upscale(model, file, tile=max(h, w))`: one forward over the whole image
  float   `upscale_tensor` on the whole image (float sums and weights per output pixel, as image files went before)
A case whose extrapolated peak (from the same mode's largest measured case, per output pixel) is above --max-gb is
skipped and says so. The child records VmHWM after every tile; a case still running at --minutes (the whole run's
budget) is stopped and reported as partial: the peak over the tiles it did, which for the streamed path already
includes the preallocated output and band (they are made before the first tile).
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED

SIZES = {'0.5 MP': (816, 612), '2 MP': (1632, 1224), '3 MP (2000x1500)': (2000, 1500), '12 MP': (4000, 3000)}
# the longest case first, so that with --jobs 2 it runs beside all the others; a mode's small cases before its large ones
ORDER = [('tiled', '12 MP'), ('tiled', '0.5 MP'), ('untiled', '0.5 MP'), ('tiled', '2 MP'), ('tiled', '3 MP (2000x1500)'),
         ('float', '0.5 MP'), ('untiled', '2 MP'), ('float', '2 MP'), ('float', '3 MP (2000x1500)'), ('untiled', '12 MP'),
         ('float', '12 MP')]

def status_mb(key):
    "A memory line of /proc/self/status (VmRSS, VmHWM) in MB."
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith(key + ':'): return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def child(mode, src, dst, progress):
    "One case, in this fresh process; prints a JSON line, and one line per tile to the file `progress`."
    import torch
    from sr_colab.models import build_model
    from sr_colab.infer import upscale, upscale_tensor, load_lr, save_image
    from sr_colab.data import image_to_tensor, tensor_to_image
    torch.manual_seed(0)
    model = build_model('ResidualSRPlus').eval()
    start, t, forward, calls = status_mb('VmRSS'), time.time(), model.forward, [0]
    def counted(*a, **k):
        out = forward(*a, **k); calls[0] += 1
        with open(progress, 'a') as f: f.write(json.dumps(dict(tiles=calls[0], start_mb=round(start), peak_mb=round(status_mb('VmHWM')), seconds=round(time.time() - t, 1))) + '\n')
        return out
    model.forward = counted
    if mode == 'tiled': upscale(model, src, output=dst, progress=False)
    elif mode == 'untiled':
        from PIL import Image
        with Image.open(src) as im: side = max(im.size)
        upscale(model, src, output=dst, progress=False, tile=side)
    else: save_image(tensor_to_image(upscale_tensor(model, image_to_tensor(load_lr(src))[None])[0]), dst)
    print(json.dumps(dict(start_mb=round(start), peak_mb=round(status_mb('VmHWM')), seconds=round(time.time() - t, 1))))

def tiles(mode, w, h):
    "How many forward calls the case makes (128-pixel tiles with 24 of overlap, as upscale's default)."
    from sr_colab.infer import _starts
    return 1 if mode == 'untiled' else len(_starts(h, 128)) * len(_starts(w, 128))

def run_case(mode, src, dst, deadline):
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]) + os.pathsep + os.environ.get('PYTHONPATH', ''))
    progress = Path(str(dst) + '.progress')
    with subprocess.Popen([sys.executable, __file__, '--child', mode, str(src), str(dst), str(progress)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as p:
        try: out, err = p.communicate(timeout=max(deadline - time.time(), 1))
        except subprocess.TimeoutExpired:
            p.kill(); p.communicate()
            lines = progress.read_text().splitlines() if progress.exists() else []
            if not lines: return dict(error='stopped at the time budget before its first tile')
            last = json.loads(lines[-1])
            return dict(start_mb=last['start_mb'], peak_mb=last['peak_mb'], seconds=last['seconds'], partial=last['tiles'])
    if p.returncode != 0: return dict(error=(err.strip().splitlines() or ['exit code %d' % p.returncode])[-1])
    return json.loads(out.strip().splitlines()[-1])

def write(rows, machine, cmd, started, max_gb):
    from sr_colab.core import atomic_write_text
    lines = ['# Peak memory of `upscale` on the CPU', '',
             'One image file upscaled 4x to a PNG by `ResidualSRPlus()` (default config: width 32, 8 blocks; random init, '
             'which does not change memory), each case in a fresh process. *Start*: RSS after importing torch and sr_colab and '
             'building the model; *peak*: VmHWM at the end; *output*: the 8-bit RGB output, 3 bytes per pixel. '
             'tiled: the default (128-pixel tiles, 24 of overlap, streamed into a preallocated 8-bit image); untiled: one forward '
             'over the whole image; float: `upscale_tensor`, float sums and weights for every output pixel (the path image files '
             'took before).', '',
             '| input | mode | output MB | start MB | peak MB | peak - start MB | seconds |', '|---|---|---|---|---|---|---|']
    for r in rows:
        if 'skipped' in r or 'error' in r:
            lines.append(f"| {r['size']} | {r['mode']} | {r['output_mb']} | | | {r.get('skipped') or 'failed: ' + r['error']} | |")
        else:
            part = f" (stopped at the time budget after {r['partial']} of {r['tiles']} tiles: peak so far)" if r.get('partial') else ''
            lines.append(f"| {r['size']} | {r['mode']} | {r['output_mb']} | {r['start_mb']} | {r['peak_mb']}{part} | {r['peak_mb'] - r['start_mb']} | {r['seconds']} |")
    by = {(r['mode'], r['size']): r for r in rows if 'peak_mb' in r}
    a, b = by.get(('tiled', '0.5 MP')), by.get(('tiled', '2 MP'))
    if a and b:
        lines += ['', f"Tiled, 0.5 -> 2 MP: peak grows {b['peak_mb'] - a['peak_mb']} MB; the 2 MP output itself is {b['output_mb']} MB "
                  f"(goal: growth within the output's size + 200 MB = {b['output_mb'] + 200} MB)."]
    c = by.get(('tiled', '3 MP (2000x1500)'))
    if c: lines.append(f"Tiled, 2000x1500: peak {c['peak_mb']} MB (goal: under 1600 MB).")
    lines += ['', f'Command: `{cmd}`', f'Machine: {machine}; {time.time() - started:.0f} s in all.', '']
    out = Path(__file__).parent/'results'
    atomic_write_text(out/'upscale_memory.md', '\n'.join(lines))
    atomic_write_text(out/'upscale_memory.json', json.dumps(dict(rows=rows, command=cmd, machine=machine, max_gb=max_gb), indent=1))
    return lines

def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--child': return child(*sys.argv[2:6])
    p = argparse.ArgumentParser(); p.add_argument('--only', default=None, help='tiled, untiled or float')
    p.add_argument('--max-gb', type=float, default=8.0, help='skip a case whose extrapolated peak is above this')
    p.add_argument('--jobs', type=int, default=1, help='cases run at once (each in its own process)')
    p.add_argument('--minutes', type=float, default=600, help='time budget of the whole run: later cases are stopped (partial) or not run')
    args = p.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from machine import describe_machine, load_now
    from sr_colab.data import grace_hopper
    from PIL import Image
    load, started = load_now(), time.time()
    deadline = started + args.minutes * 60
    cmd = 'nice -n 15 .venv/bin/python benchmarks/upscale_memory.py' + (f' --only {args.only}' if args.only else '') + f' --max-gb {args.max_gb:g} --jobs {args.jobs} --minutes {args.minutes:g}'
    rows, pending = [], {}
    key = lambda r: ORDER.index((r['mode'], r['size']))
    with tempfile.TemporaryDirectory() as d, ThreadPoolExecutor(args.jobs) as pool:
        def collect():
            for f in wait(pending, return_when=FIRST_COMPLETED)[0]:
                row = pending.pop(f); row.update(f.result()); rows.append(row); print(row, flush=True)
                rows.sort(key=key); write(rows, describe_machine('cpu', load), cmd, started, args.max_gb)
        for mode, size in ORDER:
            if args.only and mode != args.only: continue
            w, h = SIZES[size]
            while len(pending) >= args.jobs or any(r['mode'] == mode and r['width'] * r['height'] < w * h for r in pending.values()):
                collect()  # a free slot, and this mode's smaller cases done: their peaks decide whether to skip this one
            row = dict(mode=mode, size=size, width=w, height=h, output_mb=round(w * h * 48 / 2**20), tiles=tiles(mode, w, h))
            done = [r for r in rows if r['mode'] == mode and 'peak_mb' in r]
            if done:  # per output pixel above the start, from this mode's largest measured case
                ref = max(done, key=lambda r: r['width'] * r['height'])
                guess = ref['start_mb'] + (ref['peak_mb'] - ref['start_mb']) * (w * h) / (ref['width'] * ref['height'])
                if guess > args.max_gb * 1024:
                    row['skipped'] = f"skipped: about {guess / 1024:.0f} GB extrapolated from {ref['size']}, above {args.max_gb:g} GB"
            if 'skipped' not in row and time.time() > deadline - 60: row['skipped'] = 'not run: the time budget (--minutes) was spent'
            if 'skipped' in row:
                rows.append(row); rows.sort(key=key); print(row, flush=True); continue
            src = Path(d)/f'in_{w}x{h}.png'
            if not src.exists(): grace_hopper().resize((w, h), Image.BICUBIC).save(src)
            pending[pool.submit(run_case, mode, src, Path(d)/f'out_{mode}_{w}x{h}.png', deadline)] = row
        while pending: collect()
    print('\n'.join(write(rows, describe_machine('cpu', load), cmd, started, args.max_gb)))

if __name__ == '__main__': main()
