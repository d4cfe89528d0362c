"""The `Machine:` line of every benchmark result, read from the machine the run is on, never assumed.

Each script takes `load_now()` before it starts and passes it to `describe_machine` when it writes its results,
so a results file says what ran it (CPU cores or the GPU by name, torch and its threads) and whether other work
shared the cores, on this sandbox or on a Colab T4 alike.

Whether the cores were shared is measured over the run, not guessed from its start: the machine's busy CPU time
(/proc/stat) minus this process's own (and its child processes') over the wall time is how many cores other processes
used on average. The 1-minute load average at the start is still given, but it lags: a run started just after another
job ended sees that job's load, and a job started after the run began is not in it at all.
"""
from __future__ import annotations
import os, platform, time
from dataclasses import dataclass
import torch

BUSY_LOAD = 0.5  # a 1-minute load average above this at the start means something else was running (where nothing better is measured)
BUSY_CORES = 0.25  # other processes using more than a quarter of a core on average: the run shared the machine

def machine_busy_seconds() -> float|None:
    "CPU-seconds all cores have spent busy since boot (/proc/stat; steal and idle excluded); None off Linux."
    try:
        with open('/proc/stat') as f: fields = f.readline().split()
    except OSError: return None
    if not fields or fields[0] != 'cpu' or len(fields) < 8: return None
    user, nice, system, idle, iowait, irq, softirq = map(int, fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf('SC_CLK_TCK')

def own_cpu_seconds() -> float:
    "This process's CPU-seconds with its reaped children's and its live descendants' (data workers, say)."
    t = os.times()
    own = t.user + t.system + t.children_user + t.children_system
    try: stats = [read_proc_stat(p) for p in os.listdir('/proc') if p.isdigit()]
    except OSError: return own
    parent, cpu = {}, {}
    for pid, text in stats:
        if text is None: continue
        rest = text.rsplit(')', 1)[-1].split()  # the command name, in parentheses, may hold spaces
        parent[pid], cpu[pid] = int(rest[1]), (int(rest[11]) + int(rest[12])) / os.sysconf('SC_CLK_TCK')
    mine, frontier = set(), [os.getpid()]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier and p not in mine]
        mine.update(kids); frontier = kids
    return own + sum(cpu[p] for p in mine)

def read_proc_stat(pid:str):
    "(pid, the text of /proc/PID/stat), the text None when the process has gone."
    try:
        with open(f'/proc/{pid}/stat') as f: return int(pid), f.read()
    except OSError: return int(pid), None

@dataclass
class LoadAtStart:
    "How busy the machine was when a run started, and the counters to tell at its end how much of it others used."
    average:float # the 1-minute load average at the start
    machine_busy:float|None # `machine_busy_seconds()` at the start (None off Linux)
    own:float # `own_cpu_seconds()` at the start
    wall:float # time.time() at the start
    def others_cores(self) -> float|None:
        "Cores other processes used on average since the start (None where the machine's counters are not readable)."
        busy, wall = machine_busy_seconds(), time.time() - self.wall
        if busy is None or self.machine_busy is None or wall <= 0: return None
        return max(0.0, (busy - self.machine_busy - (own_cpu_seconds() - self.own)) / wall)

def load_now() -> LoadAtStart:
    "Taken before a run: the load average now, and the CPU counters `describe_machine` compares with at the run's end."
    return LoadAtStart(os.getloadavg()[0], machine_busy_seconds(), own_cpu_seconds(), time.time())

def cpu_model() -> str:
    "The CPU's model name (Linux), else its architecture: machines of one architecture differ ~1.5x in speed here."
    try: names = [l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')]
    except OSError: names = []
    return f"{names[0]}, {platform.machine()}" if names else (platform.processor() or platform.machine())

def describe_machine(device='cpu', # the device the benchmark timed
                     load_at_start:LoadAtStart|float|None=None, # `load_now()` taken before the run (a float: a load average)
                    ) -> str:
    "What ran it: the GPU by name or the CPU's cores and architecture, torch and its threads, the load at the start and, measured, the cores others used during the run."
    device = torch.device(device)
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if device.type == 'cuda': hardware = f"{torch.cuda.get_device_name(device)} GPU with {os.cpu_count()} CPU cores"
    else: hardware = f"{os.cpu_count()}-core CPU ({cpu_model()}), " + (f"{gpus} GPU(s) unused" if gpus else "no GPU")
    parts = [hardware, f"torch {torch.__version__} with {torch.get_num_threads()} thread(s)"]
    others = load_at_start.others_cores() if isinstance(load_at_start, LoadAtStart) else None
    average = load_at_start.average if isinstance(load_at_start, LoadAtStart) else load_at_start
    if others is not None:
        parts.append(f"load average {average:.1f} at the start; other processes used {others:.2f} cores on average during the run" +
                     (" (the cores were shared: times are pessimistic)" if others > BUSY_CORES else " (it had the machine to itself)"))
    elif average is not None:
        parts.append(f"load average {average:.1f} at the start" +
                     (" (the cores were already busy: times are pessimistic)" if average > BUSY_LOAD else ""))
    return ', '.join(parts)
