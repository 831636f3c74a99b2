"""Where the shared, read-only fixtures are: tests, benchmarks and build scripts all ask here."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shared_fixtures() -> Path:
    """../shared/fixtures, or ``$ESCUCHA_SHARED_DIR``'s (the folder or its ``fixtures``)."""
    override = os.environ.get("ESCUCHA_SHARED_DIR")
    if not override:
        return REPO.parent / "shared" / "fixtures"
    folder = Path(override)
    return folder / "fixtures" if (folder / "fixtures").is_dir() else folder
