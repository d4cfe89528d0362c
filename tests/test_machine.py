"""benchmarks/machine.py measures how many cores other processes used during a run: a process known to spin one core
must show as about one core, and this process's own work (and its children's) as none."""
import os, sys, time, signal, subprocess, importlib.util
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
SPIN = [sys.executable, '-c', 'while True: pass']

@pytest.fixture(scope='module')
def machine():
    spec = importlib.util.spec_from_file_location('machine', ROOT/'benchmarks'/'machine.py')
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault('machine', mod)  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    if mod.machine_busy_seconds() is None: pytest.skip('no /proc/stat: the share of cores is not measured here')
    return mod

def others_while(machine, seconds=1.5, spin_here=False):
    "Cores others used over `seconds`, this process sleeping (or spinning, with `spin_here`)."
    start = machine.load_now()
    until = time.time() + seconds
    if spin_here:
        while time.time() < until: pass
    else: time.sleep(seconds)
    return start.others_cores()

def test_a_process_that_is_not_ours_counts(machine, tmp_path):
    quiet = others_while(machine)
    pidfile = tmp_path/'pid'  # started by a shell that exits at once, so it is nobody's child here (reparented to init)
    subprocess.run(['bash', '-c', f'{" ".join(SPIN[:2])} "{SPIN[2]}" >/dev/null 2>&1 & echo $! > {pidfile}'], check=True)
    pid = int(pidfile.read_text())
    try: busy = others_while(machine)
    finally: os.kill(pid, signal.SIGKILL)
    assert busy - quiet > 0.6, (quiet, busy)  # one spinning process: about one core more than before it

def test_own_work_and_children_do_not_count(machine):
    quiet = others_while(machine)
    assert others_while(machine, spin_here=True) - quiet < 0.4
    child = subprocess.Popen(SPIN)
    try: with_child = others_while(machine)
    finally: child.kill(); child.wait()
    assert with_child - quiet < 0.4, (quiet, with_child)

def test_the_machine_line_says_shared_only_when_it_was(machine):
    line = machine.describe_machine('cpu', machine.load_now())
    assert 'other processes used' in line and 'load average' in line
    start = machine.load_now(); start.machine_busy -= 10 * (time.time() - start.wall + 1)  # as if others had used 10 cores
    assert 'the cores were shared' in machine.describe_machine('cpu', start)
    assert 'already busy' in machine.describe_machine('cpu', 3.0) and 'already busy' not in machine.describe_machine('cpu', 0.1)
