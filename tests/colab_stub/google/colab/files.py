"Stand-in for `google.colab.files`: `upload` returns the image named by $SR_COLAB_STUB_UPLOAD, `download` copies into $SR_COLAB_STUB_DOWNLOADS."
import os, shutil
from pathlib import Path

def upload(target_dir:str='') -> dict:
    "{file name: bytes} of the file the user 'picks' ($SR_COLAB_STUB_UPLOAD), also written to `target_dir` (default Colab's cwd, /content)."
    picked = os.environ.get('SR_COLAB_STUB_UPLOAD')
    if not picked: return {}  # the user closed the dialog without choosing a file
    picked = Path(picked)
    data = picked.read_bytes()
    from . import _on_machine
    out = (_on_machine(target_dir) if target_dir.startswith('/') else _on_machine('/content')/target_dir)/picked.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"Saving {picked.name} to {out}")
    return {picked.name: data}

def download(filename:str) -> None:
    "Send `filename` to 'the browser': a copy in $SR_COLAB_STUB_DOWNLOADS."
    src = Path(filename)
    if not src.is_file(): raise FileNotFoundError(f"Cannot find file: {filename}")  # Colab's own message
    dest = Path(os.environ.get('SR_COLAB_STUB_DOWNLOADS') or '.')
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest/src.name)
