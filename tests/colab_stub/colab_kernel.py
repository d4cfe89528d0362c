"""Run a notebook as Colab would, on the stand-in runtime: `python colab_kernel.py NOTEBOOK [--disconnect-at-step N]`.

Like Colab's kernel it imports `google.colab` (the stand-in beside this file) before the first cell, so the notebook's
`in_colab()` branches run. It runs every cell but those flagged `slow` or `gpu` (`network` cells run: the install
cell must find sr_colab already there, and any download fails at once, because this process has no network beyond
127.0.0.1). `--disconnect-at-step N` kills the process with SIGKILL, as a lost Colab runtime, when the training
run named 'tutorial' is about to take step N+1 (what it saved to Drive before stays; nothing after).
"""
import os, sys, json, errno, signal, socket, argparse
from pathlib import Path

LOOPBACK = {None, 'localhost', '127.0.0.1', '::1', ''}

def cut_network():
    "Refuse every connection and name lookup that leaves 127.0.0.1, with an error that says why."
    real_connect, real_connect_ex, real_gai = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
    def allowed(self, address):
        return self.family not in (socket.AF_INET, socket.AF_INET6) or address[0] in LOOPBACK
    def connect(self, address):
        if not allowed(self, address): raise OSError(errno.ENETUNREACH, f"no network in the Colab stand-in (connect to {address})")
        return real_connect(self, address)
    def connect_ex(self, address):
        return real_connect_ex(self, address) if allowed(self, address) else errno.ENETUNREACH
    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK: raise socket.gaierror(socket.EAI_NONAME, f"no network in the Colab stand-in (looking up {host})")
        return real_gai(host, *args, **kwargs)
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo

STEPS_TAKEN = {}  # {run folder name: training steps this session took}, printed at the end

def watch_training(disconnect_at:int|None=None, run_name:str='tutorial'):
    "Count the steps each run takes here; SIGKILL this process (a lost runtime) when `run_name` has done `disconnect_at` steps."
    from sr_colab.train import Trainer
    real = Trainer.train_step
    def train_step(self, hr):
        name = Path(self.folder).name if self.folder is not None else None
        if disconnect_at is not None and name == run_name and self.step >= disconnect_at:
            print(f"stand-in runtime disconnected at step {self.step}", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        STEPS_TAKEN[name] = STEPS_TAKEN.get(name, 0) + 1
        return real(self, hr)
    Trainer.train_step = train_step

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('notebook')
    p.add_argument('--disconnect-at-step', type=int, default=None)
    args = p.parse_args(argv)
    import google.colab  # noqa: F401  (what Colab's kernel does at start)
    cut_network()
    watch_training(args.disconnect_at_step)
    from nbdev.test import test_nb
    ok, seconds = test_nb(args.notebook, skip_flags=['slow', 'gpu'], force_flags=['network'], verbose=True, showerr=True,
                          cell_timing_min=2)  # names the slow cells in the log
    print(f"{Path(args.notebook).name}: {'ok' if ok else 'FAILED'} in {seconds:.1f} s", flush=True)
    print('STEPS_TAKEN ' + json.dumps(STEPS_TAKEN), flush=True)
    sys.exit(0 if ok else 1)

if __name__ == '__main__': main()
