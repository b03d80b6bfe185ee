from .lazy import import_sqlite_utils_lightly

import_sqlite_utils_lightly()  # before any module imports it: `kb build` then never loads pandas
