"Stand-in for `google.colab.drive`: `mount` links the persistent folder $SR_COLAB_STUB_DRIVE as `<mountpoint>/MyDrive`."
import os
from pathlib import Path
from . import _on_machine

mounted = []  # mountpoints mounted in this session, for the tests to look at

def mount(mountpoint:str, force_remount:bool=False, timeout_ms:int=120000, readonly:bool=False):
    "Make Drive's `MyDrive` appear under `mountpoint` (on the stand-in machine), as Colab's `drive.mount` does."
    if not os.environ.get('SR_COLAB_STUB_DRIVE'):
        raise RuntimeError("the google.colab stand-in needs SR_COLAB_STUB_DRIVE: the folder that plays your Google Drive")
    point, store = _on_machine(mountpoint), Path(os.environ['SR_COLAB_STUB_DRIVE'])/'MyDrive'
    if (point/'MyDrive').exists() and not force_remount:
        print(f"Drive already mounted at {mountpoint}; to attempt to forcibly remount, call drive.mount(\"{mountpoint}\", force_remount=True).")
        return
    if point.exists() and any(p.name != 'MyDrive' for p in point.iterdir()):
        raise ValueError("Mountpoint must not already contain files")
    store.mkdir(parents=True, exist_ok=True)
    point.mkdir(parents=True, exist_ok=True)
    if (point/'MyDrive').is_symlink(): (point/'MyDrive').unlink()
    (point/'MyDrive').symlink_to(store, target_is_directory=True)
    mounted.append(mountpoint)
    print(f"Mounted at {mountpoint}")

def flush_and_unmount(timeout_ms:int=24 * 60 * 60 * 1000):
    "Unmount every stand-in Drive (the files stay in $SR_COLAB_STUB_DRIVE, as on Drive)."
    for m in mounted:
        link = _on_machine(m)/'MyDrive'
        if link.is_symlink(): link.unlink()
    mounted.clear()
