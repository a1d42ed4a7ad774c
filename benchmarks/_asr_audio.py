"""Long test recordings for the ASR benchmarks, made by looping the audio samples."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from uncertain.audio import SAMPLE_RATE, decode

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = (ROOT / "samples" / "jfk.flac", ROOT / "samples" / "dictation.wav")
GAP = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)  # half a second between clips


def _looped(seconds: float) -> Iterator[np.ndarray]:
    clips = [decode(p) for p in SAMPLES]
    total = 0
    target = int(seconds * SAMPLE_RATE)
    while total < target:
        for clip in clips:
            piece = np.concatenate([clip, GAP])[: target - total]
            total += len(piece)
            yield piece
            if total >= target:
                return


def looped_wav(path: Path, seconds: float) -> Path:
    """A 16 kHz mono WAV of about ``seconds`` made of the samples, end to end."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for piece in _looped(seconds):
            out.writeframes((np.clip(piece, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def looped_flac(path: Path, seconds: float) -> Path:
    """The same as :func:`looped_wav`, FLAC-encoded (an hour is ~60 MB instead of 115)."""
    with av.open(str(path), "w", format="flac") as out:
        stream = out.add_stream("flac", rate=SAMPLE_RATE)
        stream.layout = "mono"
        pts = 0
        for piece in _looped(seconds):
            pcm = (np.clip(piece, -1, 1) * 32767).astype(np.int16)[None, :]
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = pts
            pts += pcm.shape[1]
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
