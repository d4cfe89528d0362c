"""scripts/gpu_check.sh refuses on a machine without CUDA, and its Python part (scripts/gpu_check.py) runs end to end
on the CPU at tiny sizes, writing results whose numbers agree with the timings they come from."""
import os, sys, json, subprocess, importlib.util
from pathlib import Path
import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent

def test_gpu_check_sh_refuses_without_cuda():
    env = {**os.environ, 'CUDA_VISIBLE_DEVICES': '', 'PY': sys.executable}
    r = subprocess.run(['bash', str(ROOT/'scripts'/'gpu_check.sh')], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert 'torch sees no CUDA GPU here' in r.stderr and 'gpu_check.py --tiny' in r.stderr
    shipped = ROOT/'benchmarks'/'results'/'gpu_check.json'  # only ever written by a GPU run
    assert not shipped.exists() or json.loads(shipped.read_text())['device'].startswith('cuda')

@pytest.fixture(scope='module')
def gpu_check():
    spec = importlib.util.spec_from_file_location('gpu_check', ROOT/'scripts'/'gpu_check.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

def test_gpu_check_py_tiny_on_cpu(gpu_check, tmp_path):
    (tmp_path/'cells.txt').write_text('2 passed')
    gpu_check.main(['--tiny', '--out', str(tmp_path), '--notebooks', str(tmp_path/'cells.txt')])
    res = json.loads((tmp_path/'gpu_check.json').read_text())
    assert res['device'] == 'cpu' and res['size'] == gpu_check.TINY
    b, size = res['benchmark'], res['size']
    assert list(b) == ['fp32', 'fp32_channels_last']
    for r in b.values():
        assert r['finite'] and len(r['seconds']) == size['rounds']
        assert r['images_per_s'] == pytest.approx(size['steps'] * size['batch'] / min(r['seconds']))
    assert b['fp32']['channels_last'] is False and b['fp32_channels_last']['channels_last'] is True
    assert res['speedup'] == pytest.approx(b['fp32_channels_last']['images_per_s'] / b['fp32']['images_per_s'])
    md = (tmp_path/'gpu_check.md').read_text()
    assert '| fp32 | ' in md and '| fp32_channels_last | ' in md and '2 passed' in md and 'random VGG weights' in md

def test_gpu_check_py_refuses(gpu_check, tmp_path):
    with pytest.raises(SystemExit, match='needs --out'): gpu_check.main(['--tiny'])
    if not torch.cuda.is_available():
        with pytest.raises(SystemExit, match='torch sees no CUDA GPU'): gpu_check.main(['--out', str(tmp_path)])
    assert list(tmp_path.iterdir()) == []
