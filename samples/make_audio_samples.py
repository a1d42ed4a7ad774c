"""Synthesise ``samples/dictation.wav``: a short medical dictation naming several drugs.

Run from the repository root: ``python samples/make_audio_samples.py``. It needs
``espeak-ng`` and ``sox`` (``make system-deps`` installs both) and writes a 16 kHz mono
16-bit WAV of about 35 seconds, plus its reference text ``samples/references/dictation.txt``.

The other audio sample, ``samples/jfk.flac`` (John F. Kennedy's inaugural address,
11 s: "And so my fellow Americans, ask not what your country can do for you, ask what
you can do for your country."), is test data of the faster-whisper project (MIT); the
speech itself is in the public domain.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VOICE = "en-us"
WORDS_PER_MINUTE = 145

DICTATION = (
    "Patient seen today for follow up of type two diabetes and high blood pressure. "
    "Blood pressure today one hundred thirty eight over eighty six. "
    "Continue metformin five hundred milligrams twice daily. "
    "Start lisinopril ten milligrams once a day. "
    "Atorvastatin forty milligrams at bedtime. "
    "Stop ibuprofen. "
    "Add omeprazole twenty milligrams before breakfast. "
    "Check potassium and kidney function in two weeks. "
    "Return to clinic in three months."
)


def synthesise(text: str, out: Path, *, voice: str = VOICE, wpm: int = WORDS_PER_MINUTE) -> None:
    """Speak ``text`` with espeak-ng into ``out`` as 16 kHz mono 16-bit WAV."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: sudo apt-get install espeak-ng sox")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(raw), text],
                       check=True)
        subprocess.run(["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)],
                       check=True)


def main() -> None:
    out = HERE / "dictation.wav"
    synthesise(DICTATION, out)
    (HERE / "references" / "dictation.txt").write_text(DICTATION + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
