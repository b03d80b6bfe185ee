"""Start-up of `kb`: pandas (and numpy) are imported only by what builds a DataFrame.

`kb build` reads no DataFrame, yet importing pandas and numpy took 1.5 of the 3.9 seconds of
`import loaders.cli` (python -X importtime, load average 7 on 2 cores): sqlite-utils imports both when
they are installed, only to map their scalar types to column types (sqlite_utils.db: pd.Timestamp,
np.int8...), which this project never hands it (its rows are plain Python values). So sqlite-utils is
imported with both hidden, and the modules that build frames bind `pd` to a module that pandas fills
on its first use (importlib's LazyLoader).
"""

import importlib
import importlib.util
import sys

HIDDEN_FROM_SQLITE_UTILS = ("pandas", "numpy")


def lazy_module(name: str):
    """The module name, its code run when one of its attributes is first read; the module itself when it
    is already imported."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def import_sqlite_utils_lightly():
    """Import sqlite-utils, unless something did before, without letting it import pandas or numpy."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in HIDDEN_FROM_SQLITE_UTILS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # import_module(name) raises ImportError: sqlite-utils does without it
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            del sys.modules[name]
