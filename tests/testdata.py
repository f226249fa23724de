"""Where the tests find their data: the bundled fixture and the shared real pedigrees.

The real pedigrees live in ``shared/data/pedigrees`` beside the repository (as on CI); set
``STUDBOOK_SHARED_DIR`` to use another copy of ``shared/``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("STUDBOOK_SHARED_DIR", ROOT.parent / "shared"))
PEDIGREES = SHARED / "data" / "pedigrees"
