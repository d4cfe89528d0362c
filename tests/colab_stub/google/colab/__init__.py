"""A stand-in for Colab's `google.colab` package, for the tests only (never installed, never shipped).

Colab imports `google.colab` when its kernel starts, which is how `sr_colab.core.in_colab()` knows where it runs;
`tests/colab_stub/colab_kernel.py` does the same before it runs a notebook. The stand-in machine's file system
lives under $SR_COLAB_STUB_ROOT (what Colab has at `/`, a fresh folder for every session) and Drive's contents
under $SR_COLAB_STUB_DRIVE (which outlives sessions, as Drive does).
"""
import os
from pathlib import Path

def _root() -> Path:
    "The stand-in machine's `/`."
    if not os.environ.get('SR_COLAB_STUB_ROOT'):
        raise RuntimeError("the google.colab stand-in needs SR_COLAB_STUB_ROOT: the folder that plays Colab's '/'")
    return Path(os.environ['SR_COLAB_STUB_ROOT'])

def _on_machine(path:str) -> Path:
    "Where Colab's absolute `path` lies on the stand-in machine."
    if not str(path).startswith('/'): raise ValueError(f"Mountpoint must be an absolute path, got {path!r}")
    return _root()/str(path).lstrip('/')
