"""Which release of the code is running, for cache keys that hold rendered HTML or pickled
states (improvement.state_cache): after a deploy, a plan's cached page must not be the
old templates' output, nor a state pickled by the old models.

RELEASE from the environment (a commit id, say) when the deployment sets it; otherwise a
short hash of the app's Python files and templates, worked out once per process, so two
servers running the same code share the cache and a new release starts afresh."""

import hashlib
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("config", "improvement", "metrics", "workforce", "templates")


@cache
def code_release() -> str:
    given = os.environ.get("RELEASE", "").strip()
    if given:
        return given[:40]
    digest = hashlib.sha256()
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
