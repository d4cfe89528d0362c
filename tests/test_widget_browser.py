"""The seed/noise preview in a real browser: JupyterLab 4 with ipywidgets 8 in headless Chromium, driven by Playwright.

The notebook test of `preview_widget` (nbs/09_widgets.ipynb) sets slider values from Python; this one checks what a
person sees. It writes a one-cell notebook that builds a tiny model and displays `preview_widget(...)`, starts JupyterLab
on 127.0.0.1 with a token in a temporary folder, opens the notebook in Chromium, runs it from the Run menu, drags the
seed slider with the mouse and sets the noise slider from the keyboard, and checks after each move that the displayed
image and the numbers line change, and that they are what `render_preview` gives for the values the sliders show.
Screenshots go to $SR_COLAB_ARTIFACTS (default: a temporary folder, printed).

Needs `pip install -e '.[browser]'` and a Chromium binary (Debian: `apt-get install chromium`; Playwright's own browser
download is not used); `scripts/browser_test_setup.sh VENV` installs both. SR_COLAB_BROWSER_TEST: unset, run when all
of that is installed and skip otherwise; `1` (CI), run and fail if anything is missing; `0`, skip (it takes 30 s to
2 min, most of it JupyterLab loading)."""
import base64, importlib.util, io, json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time
import urllib.request
from pathlib import Path
import pytest
from fastcore.test import test_eq as check_eq  # renamed: pytest would collect a `test_eq` name as a test

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync']
# the same fixture as nbs/09_widgets.ipynb: a tiny noise-map ResidualSR whose last conv is perturbed so seeds differ
SETUP = """\
import torch
from sr_colab.models import build_model
from sr_colab.data import grace_hopper
from sr_colab.widgets import preview_widget
torch.manual_seed(0)
model = build_model('ResidualSR', batch_norm=False, global_skip=True, widths=(8, 8, 8), noise_channels=2).eval()
with torch.no_grad():
    for p in model.conv_10.parameters(): p.normal_(0, 0.05)
hr = grace_hopper().crop((150, 60, 246, 156))
"""
SHOW = "preview_widget(model, hr, seed=0, noise=1.0)"
NUMBERS = re.compile(r"seed (\d+), noise ([\d.e+-]+): L1 ([\d.]+), SSIM ([-\d.]+), diversity ([\d.]+)")

def _chromium():
    return os.environ.get('SR_COLAB_CHROMIUM') or shutil.which('chromium') or shutil.which('chromium-browser')

def _missing():
    "Why the browser test cannot run here, or None."
    if not _chromium(): return "no chromium binary (apt-get install chromium, or set SR_COLAB_CHROMIUM)"
    for mod in ('playwright', 'jupyterlab', 'ipykernel', 'nbformat', 'ipywidgets'):
        if importlib.util.find_spec(mod) is None: return f"{mod} is not installed (pip install -e '.[browser]')"
    import ipywidgets
    if int(ipywidgets.__version__.split('.')[0]) < 8: return f"needs ipywidgets 8, found {ipywidgets.__version__}"
    return None

def _artifacts():
    "Where screenshots go: $SR_COLAB_ARTIFACTS, else a new temporary folder; printed either way."
    d = Path(os.environ.get('SR_COLAB_ARTIFACTS') or tempfile.mkdtemp(prefix='sr_colab_browser_'))
    d.mkdir(parents=True, exist_ok=True)
    print(f"browser test artifacts: {d}")
    return d

def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _write_notebook(folder:Path):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP + SHOW)]
    nb.metadata['kernelspec'] = dict(name='python3', display_name='Python 3', language='python')
    nbformat.write(nb, folder / 'preview.ipynb')

def _quiet_settings(config:Path):
    "No news or update checks: nothing but 127.0.0.1 is reachable, and the toast would cover the notebook."
    d = config / 'lab' / 'user-settings' / '@jupyterlab' / 'apputils-extension'
    d.mkdir(parents=True)
    (d / 'notification.jupyterlab-settings').write_text(json.dumps(dict(fetchNews='false', checkForUpdates=False)))

class JupyterLab:
    "JupyterLab on 127.0.0.1 in `folder`, its own config and runtime dirs; always stopped (with its kernels) on exit."
    def __init__(self, folder:Path, timeout:float=90):
        self.folder, self.timeout = folder, timeout
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log = folder / 'jupyterlab.log'

    def __enter__(self):
        home = self.folder / '.jupyter_home'
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / 'config'), JUPYTER_RUNTIME_DIR=str(home / 'runtime'),
                   IPYTHONDIR=str(home / 'ipython'), JUPYTER_PLATFORM_DIRS='1',
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
        _quiet_settings(home / 'config')
        cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1', f'--port={self.port}',
               '--ServerApp.port_retries=0', f'--IdentityProvider.token={self.token}',
               f'--ServerApp.root_dir={self.folder}', '--ServerApp.terminals_enabled=False',
               '--LabApp.news_url=None', '--LabApp.extension_manager=readonly',   # nothing asks PyPI or the news feed
               *(['--allow-root'] if os.geteuid() == 0 else [])]                   # CI containers run as root
        self.logf = self.log.open('w')
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)   # own process group: its kernels die with it
        try: self._wait_ready()
        except BaseException: self.__exit__(); raise
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None: raise RuntimeError(f"JupyterLab exited ({self.proc.returncode}):\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=2): return
            except OSError: time.sleep(0.5)
        raise TimeoutError(f"JupyterLab not answering on port {self.port} after {self.timeout} s:\n{self.tail()}")

    @property
    def base(self): return f"http://127.0.0.1:{self.port}"

    def url(self, path:str): return f"{self.base}/lab/tree/{path}?token={self.token}&reset"

    def tail(self, n:int=40): return '\n'.join(self.log.read_text(errors='replace').splitlines()[-n:])

    def __exit__(self, *exc):
        "SIGTERM the group (server shuts its kernels down), then SIGKILL whatever of the group is left."
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try: os.killpg(self.proc.pid, sig)
            except ProcessLookupError: break
            try: self.proc.wait(wait)
            except subprocess.TimeoutExpired: pass
        self.logf.close()

READ_IMAGE = """async img => {
    const b = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let s = ''; for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
    return btoa(s);
}"""

def _shown(widget):
    "(PNG bytes of the displayed image, numbers text) as the browser has them."
    png = base64.b64decode(widget.locator('img').evaluate(READ_IMAGE))
    return png, widget.locator('code').inner_text()

def _state(widget): return widget.locator('img').get_attribute('src'), widget.locator('code').inner_text()

def _wait_change(widget, before:tuple, timeout:float=60):
    "Wait until the image and the numbers both differ from `before` (`_state`): the kernel re-rendered, the browser shows it."
    deadline = time.monotonic() + timeout
    while any(a == b for a, b in zip(_state(widget), before)):
        if time.monotonic() > deadline: raise TimeoutError(f"image or numbers did not change from {before[1]!r}")
        widget.page.wait_for_timeout(200)

def _slider(widget, name:str):
    return widget.locator('.widget-hslider', has=widget.page.locator('label', has_text=re.compile(f'^{name}$')))

def _reference(seed:int, noise:float):
    "What the panel and the numbers should be, computed here, outside the browser and its kernel."
    ns = {}; exec(SETUP, ns)
    from sr_colab.widgets import render_preview
    return render_preview(ns['model'], ns['hr'], seed=seed, noise=noise)

def _check(png:bytes, text:str, readouts:tuple):
    "The displayed panel and numbers match `render_preview` at the values the sliders show."
    import numpy as np
    from PIL import Image
    m = NUMBERS.search(text); assert m, f"no numbers line in {text!r}"
    seed, noise = int(m[1]), float(m[2])
    assert (seed, round(noise, 3)) == (int(readouts[0]), float(readouts[1])), (text, readouts)
    panel, nums = _reference(seed, noise)
    shown = np.asarray(Image.open(io.BytesIO(png)).convert('RGB'), dtype=np.int16)
    ref = np.asarray(panel, dtype=np.int16)
    assert shown.shape == ref.shape, (shown.shape, ref.shape)
    # kernel and test may differ in thread count, so allow float noise in the last 8-bit step of a few pixels
    assert np.abs(shown - ref).max() <= 1 and (shown != ref).mean() < 1e-3, np.abs(shown - ref).max()
    for got, want in zip(map(float, m.groups()[2:]), (nums['l1'], nums['ssim'], nums['diversity'])):
        assert abs(got - want) < 2e-4, (text, nums)
    return seed, noise

def _open_and_run(page, lab:JupyterLab):
    "Open the notebook, wait for its kernel, Run > Run All Cells; return the widget's locator once it shows an image."
    page.goto(lab.url('preview.ipynb'))
    page.locator('.jp-Notebook .jp-Cell').first.wait_for()
    # a run before the kernel is up asks which kernel to use: wait for it, as a person would
    page.locator('.jp-StatusBar-Widget', has_text=re.compile(r'Python 3.*\|\s*Idle')).first.wait_for(timeout=90_000)
    page.locator('.lm-MenuBar-item', has_text=re.compile('^Run$')).click()
    page.locator('.lm-Menu-itemLabel', has_text=re.compile('^Run All Cells$')).click()
    outputs = page.locator('.jp-OutputArea-output')
    outputs.first.wait_for(timeout=90_000)
    widget = outputs.locator('.widget-vbox').first
    try: widget.locator('img').wait_for(timeout=60_000); widget.locator('code').wait_for()
    except Exception as e:   # e.g. the text repr "VBox(children=...)": the jupyterlab_widgets labextension is not found
        shown = ' | '.join(outputs.all_inner_texts())[:400]
        raise AssertionError(f"the preview did not render as a widget; the cell's output shows: {shown!r}") from e
    return widget

def _drag(page, handle, dx:float):
    "Press the mouse on the slider handle, move it `dx` pixels, release."
    box = handle.bounding_box()
    x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    page.mouse.move(x, y); page.mouse.down(); page.mouse.move(x + dx, y, steps=8); page.mouse.up()

def test_preview_widget_in_browser(tmp_path):
    want = os.environ.get('SR_COLAB_BROWSER_TEST', '')
    if want == '0': pytest.skip("SR_COLAB_BROWSER_TEST=0")
    reason = _missing()
    if reason and want == '1': pytest.fail(f"SR_COLAB_BROWSER_TEST=1 but {reason}")
    if reason: pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    artifacts = _artifacts()
    t0 = time.monotonic(); took = lambda: f"{time.monotonic() - t0:.1f} s"
    _write_notebook(tmp_path)
    with JupyterLab(tmp_path) as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=dict(width=1280, height=800))
        page.set_default_timeout(60_000)
        errors = []; page.on('pageerror', lambda e: errors.append(str(e)))
        try:
            widget = _open_and_run(page, lab)
            print(f"JupyterLab started, notebook run, widget shown: {took()}")
            seed_s, noise_s = _slider(widget, 'seed'), _slider(widget, 'noise')
            readouts = lambda: tuple(s.locator('.widget-readout').inner_text() for s in (seed_s, noise_s))
            png0, text0 = _shown(widget)
            check_eq(_check(png0, text0, readouts()), (0, 1.0))
            page.screenshot(path=artifacts / 'widget_browser_start.png')

            # the seed slider, with the mouse: drag its handle to the right
            before = _state(widget)
            _drag(page, seed_s.locator('.noUi-handle'), 40)
            _wait_change(widget, before)
            png1, text1 = _shown(widget)
            assert png1 != png0 and text1 != text0
            seed1, noise1 = _check(png1, text1, readouts())
            assert seed1 > 0 and noise1 == 1.0, text1
            print(f"seed dragged to {seed1}: {took()}")

            # the noise slider, from the keyboard: focus its handle, Home (to 0)
            before = _state(widget)
            noise_s.locator('.noUi-handle').focus(); page.keyboard.press('Home')
            _wait_change(widget, before)
            png2, text2 = _shown(widget)
            assert png2 != png1 and text2 != text1
            check_eq(_check(png2, text2, readouts()), (seed1, 0.0))
            check_eq(NUMBERS.search(text2)[5], '0.0000')     # no noise: every seed gives the same image
            widget.screenshot(path=artifacts / 'widget_browser_widget.png')
            page.screenshot(path=artifacts / 'widget_browser.png')
            check_eq(errors, [])
            print(f"{text0}\n{text1}\n{text2}\nbrowser test: {took()}, screenshots in {artifacts}")
        except BaseException:
            try: page.screenshot(path=artifacts / 'widget_browser_failure.png')
            except Exception: pass
            print(f"JupyterLab log tail:\n{lab.tail()}")
            raise
        finally: browser.close()
