"""Load the user's app: ``module:attribute`` (or ``path/to/file.py:attribute``) naming a Queue."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path

from pykue.core.queue import Queue
from pykue.errors import AppError

DEFAULT_APP = "pykue.app:queue"


def _import_file(path: Path) -> object:
    if not path.is_file():
        raise AppError(f"cannot load app: no file {str(path)!r}")
    name = f"pykue_app_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AppError(f"cannot load app: {str(path)!r} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _import(module_ref: str) -> object:
    if module_ref.endswith(".py") or "/" in module_ref:
        return _import_file(Path(module_ref))
    cwd = os.getcwd()
    if cwd not in sys.path:  # like `python -m`: modules of the current folder are found
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_ref)
    except ModuleNotFoundError as exc:
        raise AppError(f"cannot load app: no module named {exc.name!r}") from None


def load_app(ref: str | None = None) -> Queue:
    """The ``Queue`` that ``ref`` names (default: pykue's built-in echo app)."""
    ref = ref or DEFAULT_APP
    module_ref, sep, attribute = ref.rpartition(":")
    if not sep or not module_ref or not attribute:
        raise AppError(f"invalid APP {ref!r}: expected module:attribute, e.g. myapp.jobs:queue")
    try:
        module = _import(module_ref)
    except AppError:
        raise
    except Exception as exc:
        raise AppError(f"cannot load app {ref!r}: {type(exc).__name__}: {exc}") from None
    target = getattr(module, attribute, None)
    if target is None:
        raise AppError(f"cannot load app {ref!r}: {module_ref} has no attribute {attribute!r}")
    if not isinstance(target, Queue):
        raise AppError(
            f"invalid APP {ref!r}: {attribute} is a {type(target).__name__}, not a Queue"
        )
    return target
