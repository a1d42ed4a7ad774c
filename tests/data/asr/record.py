"""Re-make the ASR test data: tiny audio files in each format, and recorded engine output.

Run from the repository root: ``python tests/data/asr/record.py``.

- ``tone.{wav,flac,mp3,ogg,m4a}`` and ``stereo.wav``: one second of a 440 Hz tone
  (the stereo file has the tone on the left channel and silence on the right), encoded
  with PyAV, a few KB each;
- ``quiet.amr`` (8 s of silence, then 9 s of a wavering 440 Hz tone, 12.2 kbit/s) and
  ``a.amr`` (one second of the tone): AMR-NB at 8 kHz, written by ``tests/test_audio.py``'s
  ``_encode`` with PyAV 18.1.0's OpenCORE encoder; kept because PyAV's wheels since
  18.1.1 have no AMR encoder (the tests encode afresh where there is one);
- ``jfk.json`` and ``dictation.json``: what the real faster-whisper (bundled tiny.en, CPU
  int8, beam 5, word timestamps) returned for ``samples/jfk.flac`` and
  ``samples/dictation.wav``, with each word's token probabilities; the unit tests replay
  them through a fake engine.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
RATE = 8000
SECONDS = 1.0
# container format and codec per file name
FORMATS = {
    "tone.wav": ("wav", "pcm_s16le"),
    "tone.flac": ("flac", "flac"),
    "tone.mp3": ("mp3", "libmp3lame"),
    "tone.ogg": ("ogg", "libopus"),
    "tone.m4a": ("ipod", "aac"),
}


def tone(channels: int) -> np.ndarray:
    t = np.arange(int(RATE * SECONDS)) / RATE
    left = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)
    if channels == 1:
        return left[None, :]
    return np.stack([left, np.zeros_like(left)])  # packed s16 wants (1, n*channels) below


def encode(path: Path, fmt: str, codec: str, channels: int = 1) -> None:
    samples = tone(channels)
    rate = 48000 if codec == "libopus" else RATE
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = layout
        if codec not in ("pcm_s16le", "flac"):
            stream.bit_rate = 24000
        frame = av.AudioFrame.from_ndarray(
            samples.T.reshape(1, -1).copy(), format="s16", layout=layout)
        frame.sample_rate = RATE
        frame.time_base = Fraction(1, RATE)
        frame.pts = 0
        resampler = av.AudioResampler(
            format=stream.codec_context.codec.audio_formats[0].name, layout=layout, rate=rate)
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def make_fixtures() -> None:
    for name, (fmt, codec) in FORMATS.items():
        encode(HERE / name, fmt, codec)
    encode(HERE / "stereo.wav", "wav", "pcm_s16le", channels=2)
    for name in [*FORMATS, "stereo.wav"]:
        print(f"wrote {name} ({(HERE / name).stat().st_size} bytes)")


def _plain(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(sample: Path, out: Path) -> None:
    """Run the real engine once on ``sample`` and store its raw output in ``out``."""
    from uncertain.asr import TranscribeOptions
    from uncertain.audio import decode
    from uncertain.models import load_model

    kwargs = TranscribeOptions().engine_kwargs()
    model = load_model(device="cpu", compute_type="int8")
    segments, info = model.transcribe(decode(sample), **kwargs)
    data = {
        "sample": sample.relative_to(ROOT).as_posix(),
        "engine": "faster-whisper tiny.en, cpu int8",
        "kwargs": kwargs,
        "info": {k: _plain(getattr(info, k)) for k in
                 ("language", "language_probability", "duration", "duration_after_vad")},
        "segments": [
            {**{k: _plain(v) for k, v in dataclasses.asdict(s).items() if k != "words"},
             "words": [{k: _plain(getattr(w, k)) for k in
                        ("start", "end", "word", "probability", "tokens")}
                       for w in s.words or ()]}
            for s in segments
        ],
    }
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out.name}: {len(data['segments'])} segments")


def main() -> None:
    make_fixtures()
    if "--no-engine" not in sys.argv:
        record(ROOT / "samples" / "jfk.flac", HERE / "jfk.json")
        record(ROOT / "samples" / "dictation.wav", HERE / "dictation.json")


if __name__ == "__main__":
    main()
