"""Parameters and FLOPs (torch's FlopCounterMode) of every zoo model at 64 -> 256, for the README.

    .venv/bin/python benchmarks/model_sizes.py
writes benchmarks/results/model_sizes.md and .json. FLOP counts do not depend on the machine; no lock needed.
"""
import json, sys
from pathlib import Path
import torch
from sr_colab.core import atomic_write_text
from sr_colab.models import model_sizes, sizes_markdown

if __name__ == '__main__':
    lr_size = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    torch.set_num_threads(1)
    rows = model_sizes(lr_size=lr_size)
    text = '\n'.join([f'# Model sizes', '',
        f'Parameters and floating-point operations of one forward pass, one image, {lr_size}x{lr_size} -> '
        f'{4 * lr_size}x{4 * lr_size} (the Discriminator on one {4 * lr_size}x{4 * lr_size} image), counted by '
        '`torch.utils.flop_counter.FlopCounterMode` (a multiply-add is 2 FLOPs; convolutions and matrix products only: '
        'interpolation, pixel shuffle and activations are not counted).', '', sizes_markdown(rows, lr_size), '',
        f'Command: `.venv/bin/python benchmarks/model_sizes.py {lr_size}` (torch {torch.__version__}; counts do not depend on the machine).', ''])
    out = Path(__file__).parent/'results'
    atomic_write_text(out/'model_sizes.md', text)
    atomic_write_text(out/'model_sizes.json', json.dumps(dict(lr_size=lr_size, rows=rows), indent=1))
    print(text)
