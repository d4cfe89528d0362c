"""The README's numbers come from results files through `{{< value PATH KEYS FORMAT >}}`: each quote must pick the
value it names, and a quote that names no value, or more than one, must stop the render naming the file and notebook."""
import json, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'scripts'))
import make_readme

def _notebook(folder:Path, markdown:str) -> Path:
    "A one-cell notebook beside a results file of two rows, as benchmark scripts write them."
    (folder / 'results.json').write_text(json.dumps({'rows': [{'recipe': 'a', 'minutes': 30.0, 'set5': 31.4123},
                                                              {'recipe': 'a', 'minutes': 60.0, 'set5': 31.4456}],
                                                     'machine': {'cores': 2}}))
    nb = folder / 'page.ipynb'
    nb.write_text(json.dumps({'cells': [{'cell_type': 'markdown', 'metadata': {}, 'source': [markdown]}]}))
    make_readme._load_json.cache_clear()  # the cache is keyed by path; each test writes its own file
    return nb

def test_value_quotes_the_row_it_names(tmp_path):
    nb = _notebook(tmp_path, 'Set5 {{< value results.json "rows/recipe=a&minutes=60/set5" .2f >}} dB on '
                             '{{< value results.json machine/cores >}} cores; first row {{< value results.json rows/0/minutes g >}} min.')
    text = make_readme.render(nb)
    assert 'Set5 31.45 dB on 2 cores; first row 30 min.' in text, text

@pytest.mark.parametrize('quote, message', [
    ('{{< value results.json rows/recipe=a/set5 >}}', "2 rows of"),            # two rows match: which one is meant?
    ('{{< value results.json rows/minutes=45/set5 >}}', "0 rows of"),          # no row matches
    ('{{< value results.json machine/threads >}}', "no 'threads' there"),      # a key the file lacks
    ('{{< value missing.json rows/0/set5 >}}', "does not exist"),              # a file that is not there
])
def test_value_stops_at_a_quote_that_names_no_single_value(tmp_path, quote, message):
    nb = _notebook(tmp_path, f'x {quote}')
    with pytest.raises(SystemExit) as e: make_readme.render(nb)
    assert message in str(e.value) and str(nb) in str(e.value), e.value
