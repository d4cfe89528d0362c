"""The `Machine:` line of every benchmark result, read from the machine the run is on, never assumed.

Each script takes `load_now()` before it starts and passes it to `describe_machine` when it writes its results,
so a results file says what ran it (CPU cores or the GPU by name, torch and its threads) and whether the cores
were already busy, on this sandbox or on a Colab T4 alike.
"""
from __future__ import annotations
import os, platform
import torch

BUSY_LOAD = 0.5  # a 1-minute load average above this at the start means something else was running

def load_now() -> float:
    "The 1-minute load average, taken before a run to say whether the cores were already busy."
    return os.getloadavg()[0]

def cpu_model() -> str:
    "The CPU's model name (Linux), else its architecture: machines of one architecture differ ~1.5x in speed here."
    try: names = [l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')]
    except OSError: names = []
    return f"{names[0]}, {platform.machine()}" if names else (platform.processor() or platform.machine())

def describe_machine(device='cpu', # the device the benchmark timed
                     load_at_start:float|None=None, # `load_now()` taken before the run
                    ) -> str:
    "What ran it: the GPU by name or the CPU's cores and architecture, torch and its threads, the load at the start."
    device = torch.device(device)
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if device.type == 'cuda': hardware = f"{torch.cuda.get_device_name(device)} GPU with {os.cpu_count()} CPU cores"
    else: hardware = f"{os.cpu_count()}-core CPU ({cpu_model()}), " + (f"{gpus} GPU(s) unused" if gpus else "no GPU")
    parts = [hardware, f"torch {torch.__version__} with {torch.get_num_threads()} thread(s)"]
    if load_at_start is not None:
        parts.append(f"load average {load_at_start:.1f} at the start" +
                     (" (the cores were already busy: times are pessimistic)" if load_at_start > BUSY_LOAD else ""))
    return ', '.join(parts)
