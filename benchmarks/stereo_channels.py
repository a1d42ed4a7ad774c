"""Recordings of two channels that do not speak together: ``transcribe`` against the
plain mix to mono (FFmpeg's, which it used for every recording before) and raw
faster-whisper.

espeak-ng reads two lines (a clinician's, a patient's in another voice), sox makes them
16 kHz, and the files are built in a temporary folder: the first line in the left
channel with, in the right, white noise as loud as it (``left_noise0``) or twice as
loud (``left_noise+6``), a 60/180 Hz hum twice as loud (``left_hum+6``), silence
(``left_silence``); the line in both channels (``both``), the right with noise at half
its level too (``both_noisy_right``); a call, each side on its own channel, the second
20 dB quieter and a hiss 20 dB under the first in the first's channel
(``call_quiet_right``), or the first side's channel under noise as loud as its speech
throughout (``call_noisy_left``). The noise is drawn with a fixed seed. Reported: word
error rate of each reading against the lines read (numbers spelled out by tiny.en as
digits count as errors, for every reading alike).

    python benchmarks/stereo_channels.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain import asr, audio  # noqa: E402
from uncertain.audio import SAMPLE_RATE, decode  # noqa: E402
from uncertain.metrics import wer  # noqa: E402
from uncertain.models import resolve_model  # noqa: E402

FIRST = ("The patient takes metformin five hundred milligrams twice daily. Blood pressure "
         "today is one hundred thirty eight over eighty six.")
SECOND = ("Yes, I have been taking the lisinopril every morning. My feet have been swelling "
          "since last week.")


def _say(folder: Path, text: str, name: str, voice: str, speed: int) -> np.ndarray:
    raw = folder / f"{name}_raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
                   check=True)
    subprocess.run(["sox", "-R", str(raw), "-r", str(SAMPLE_RATE), str(folder / f"{name}.wav")],
                   check=True)
    samples = decode(folder / f"{name}.wav").astype(np.float64)
    return 0.5 * samples / np.abs(samples).max()


def _write(path: Path, channels: list[np.ndarray]) -> Path:
    n = max(len(c) for c in channels)
    data = np.zeros((n, len(channels)))
    for k, c in enumerate(channels):
        data[:len(c), k] = c
    with wave.open(str(path), "wb") as out:
        out.setnchannels(len(channels))
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(data, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def build(folder: Path) -> dict[str, tuple[Path, str]]:
    """The recordings, each with the text read in it."""
    first = _say(folder, FIRST, "first", "en-us", 150)
    second = _say(folder, SECOND, "second", "en-us+f3", 140)
    rng = np.random.default_rng(1)
    level = float(np.sqrt(np.mean(first[np.abs(first) > 0.01] ** 2)))

    def noise(n: int, db: float) -> np.ndarray:
        return rng.normal(0, level * 10 ** (db / 20), n)

    def hum(n: int, db: float) -> np.ndarray:
        t = np.arange(n) / SAMPLE_RATE
        tone = np.sin(2 * np.pi * 60 * t) + 0.5 * np.sin(2 * np.pi * 180 * t)
        return tone / np.sqrt(np.mean(tone ** 2)) * level * 10 ** (db / 20)

    pad = np.zeros(SAMPLE_RATE)
    said = np.concatenate([pad, first, pad])
    n = len(said)
    left = np.concatenate([pad, first, np.zeros(len(second) + SAMPLE_RATE)])
    right = np.concatenate([np.zeros(SAMPLE_RATE + len(first)), second, pad])
    both = f"{FIRST} {SECOND}"
    files = {
        "left_noise0": ([said, noise(n, 0)], FIRST),
        "left_noise+6": ([said, noise(n, 6)], FIRST),
        "left_hum+6": ([said, hum(n, 6)], FIRST),
        "left_silence": ([said, np.zeros(n)], FIRST),
        "both": ([said, said], FIRST),
        "both_noisy_right": ([said, said + noise(n, -6)], FIRST),
        "call_quiet_right": ([left + noise(len(left), -20), 0.1 * right], both),
        "call_noisy_left": ([left + noise(len(left), 0), right], both),
    }
    return {name: (_write(folder / f"{name}.wav", channels), text)
            for name, (channels, text) in files.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, help="build the files in this folder, kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = build(folder)
        raw = WhisperModel(str(resolve_model().path), device="cpu", compute_type="int8")
        print(f"{'recording':18} {'raw':>6} {'mixed':>6} {'uncertain':>9}  note")
        totals = np.zeros(3)
        for name, (path, text) in files.items():
            segments, _ = raw.transcribe(str(path), word_timestamps=True)
            raw_text = " ".join(s.text for s in segments)
            started = time.time()
            doc = asr.transcribe(path)
            took = time.time() - started
            with _plain_mix():
                mixed = asr.transcribe(path)
            errors = [wer(text, raw_text), wer(text, mixed.text), wer(text, doc.text)]
            totals += errors
            note = "gated" if any("hold speech at different times" in w
                                  for w in doc.warnings) else ""
            print(f"{name:18} {errors[0]:6.3f} {errors[1]:6.3f} {errors[2]:9.3f}  {note} "
                  f"({took:.1f} s)", flush=True)
        mean = totals / len(files)
        print(f"{'mean':18} {mean[0]:6.3f} {mean[1]:6.3f} {mean[2]:9.3f}")


@contextlib.contextmanager
def _plain_mix() -> Iterator[None]:
    """Every recording mixed to mono as FFmpeg mixes it (each of two channels -3 dB), as
    ``transcribe`` read every recording before its channels were told apart."""
    kept = audio._speech_gates
    audio._speech_gates = lambda *args: None
    try:
        yield
    finally:
        audio._speech_gates = kept


if __name__ == "__main__":
    main()
