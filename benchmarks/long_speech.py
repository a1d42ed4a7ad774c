"""Long recordings: the words ``uncertain.asr.transcribe`` keeps against raw faster-whisper.

Three recordings of 13-17 minutes of espeak-ng reading prose (the GPL-3 text Debian
ships, ``/usr/share/common-licenses/GPL-3``: plain English no dev set was built on), made
in a temporary folder: ``continuous`` (one voice, no pauses), ``paused-SEED`` (a sentence
at a time, four voices, three speeds, 1-3.5 s of silence between, drawn with the seed)
and ``noisy-SEED`` (the paused one under a pink-noise bed); sox's dither is repeatable
(``-R``), so a run reads the same files as the last, and the decoders' sampling is
seeded (``uncertain.models.SAMPLING_SEED``), so a run reads them as the last did.
Whisper's words move with the least change of the sound (a bit of dither changes which
windows it drops), so read several seeds, not one recording. Both run the bundled
tiny.en on the CPU with the same options (word timestamps on); raw faster-whisper reads
each file in one piece, ``transcribe`` in its chunks. Reported: word error rate against
the text read, with deletions, insertions and substitutions, the longest run of words
lost, and the time as a ratio of raw's in the same run. A file of only silence then
speech is also read. With ``--batch``, the batch runs' path too: faster-whisper's
``BatchedInferencePipeline`` reading each file whole (raw batched) against ``uncertain
batch``'s (three-minute pieces through the same pipeline, stretches it left out decoded
again).

    python benchmarks/long_speech.py [--sentences 90] [--keep DIR] [--batch]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from faster_whisper import BatchedInferencePipeline, WhisperModel
from rapidfuzz.distance import Levenshtein

from uncertain import audio, models
from uncertain._batch_asr import BatchedASR, plan_device
from uncertain.asr import transcribe

TEXT = Path("/usr/share/common-licenses/GPL-3")
VOICES = ("en-us", "en", "en-us+m3", "en+f3")


def sentences(n: int) -> list[str]:
    text = TEXT.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", text[text.index("Preamble"):])
    out = [s for s in re.split(r"(?<=[.;:])\s+", text)
           if re.search("[a-z]", s) and len(s.split()) >= 4]
    return out[:n]


def make(folder: Path, said: list[str], seeds: list[int]) -> dict[str, Path]:
    cont = folder / "continuous.wav"
    subprocess.run(["espeak-ng", "-s", "165", "-w", str(cont), " ".join(said)], check=True)
    files = {"continuous": cont}
    for seed in seeds:
        files |= _paused(folder, said, seed)
    late = folder / "late.wav"
    subprocess.run(["sox", "-R", "-n", "-r", "22050", "-c", "1", "-b", "16",
                    str(folder / "z.wav"), "trim", "0", "90"], check=True)
    first = seeds[0]
    subprocess.run(["sox", "-R", str(folder / "z.wav"), str(folder / f"s{first}-000.wav"),
                    str(folder / f"s{first}-001.wav"), str(late)], check=True)
    return {**files, "late": late}


def _paused(folder: Path, said: list[str], seed: int) -> dict[str, Path]:
    """A sentence at a time (voice, speed and pause drawn with ``seed``), and the same
    under pink noise."""
    rng = random.Random(seed)
    parts: list[str] = []
    for i, sentence in enumerate(said):
        voice = folder / f"s{seed}-{i:03d}.wav"
        subprocess.run(["espeak-ng", "-v", rng.choice(VOICES), "-s",
                        str(rng.choice([150, 165, 180])), "-w", str(voice), sentence],
                       check=True)
        pause = folder / f"p{seed}-{i:03d}.wav"
        subprocess.run(["sox", "-R", "-n", "-r", "22050", "-c", "1", "-b", "16", str(pause),
                        "trim", "0", f"{rng.uniform(1.0, 3.5):.2f}"], check=True)
        parts += [str(voice), str(pause)]
    paused = folder / f"paused-{seed}.wav"
    subprocess.run(["sox", "-R", *parts, str(paused)], check=True)
    noisy = folder / f"noisy-{seed}.wav"
    subprocess.run(f"sox -R {paused} -p synth pinknoise vol 0.02 | sox -R -m {paused} - {noisy}",
                   shell=True, check=True)
    return {f"paused-{seed}": paused, f"noisy-{seed}": noisy}


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))


TOTALS: dict[str, list[int]] = {}


def score(reference: list[str], heard: list[str], who: str = "") -> str:
    ops = Levenshtein.editops(reference, heard)
    total = TOTALS.setdefault(who, [0, 0])
    total[0] += len(ops)
    total[1] += len(reference)
    kinds = {k: sum(1 for o in ops if o.tag == k) for k in ("delete", "insert", "replace")}
    run = longest = 0
    last = -2
    for o in ops:
        if o.tag == "delete":
            run = run + 1 if o.src_pos == last + 1 else 1
            last = o.src_pos
            longest = max(longest, run)
    return (f"WER {len(ops) / max(1, len(reference)):.3f} (del {kinds['delete']}, "
            f"ins {kinds['insert']}, sub {kinds['replace']}; longest run lost {longest})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=90)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11],
                        help="one paused and one noisy recording per seed (Whisper's words "
                        "move with the least change of the sound: read several)")
    parser.add_argument("--keep", type=Path, help="make the recordings in this folder")
    parser.add_argument("--batch", action="store_true",
                        help="also the batch runs' path against raw batched faster-whisper")
    args = parser.parse_args()
    said = sentences(args.sentences)
    models.seed_sampling()  # (raw's threads too: the same words in every run)
    resolved = models.resolve_model(None)
    raw = WhisperModel(str(resolved.path), device="cpu", compute_type="int8")
    batched = BatchedASR(plan=plan_device("cpu")) if args.batch else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = make(folder, said, args.seeds)
        print(f"{len(said)} sentences, {sum(len(s.split()) for s in said)} words; "
              f"model {resolved.name}")
        for name, path in files.items():
            reference = tokens(" ".join(said[:2] if name == "late" else said))
            t = time.perf_counter()
            segments, _ = raw.transcribe(str(path), word_timestamps=True)
            raw_words = tokens(" ".join(w.word for s in segments for w in s.words or ()))
            raw_time = time.perf_counter() - t
            t = time.perf_counter()
            doc = transcribe(path, model=resolved, device="cpu", compute_type="int8")
            ours_time = time.perf_counter() - t
            print(f"{name:12s} raw faster-whisper {score(reference, raw_words, 'raw')}")
            print(f"{'':12s} uncertain          "
                  f"{score(reference, tokens(doc.text), 'uncertain')}; "
                  f"time {ours_time / raw_time:.2f} x raw's ({raw_time:.0f} s)")
            if batched is not None:
                t = time.perf_counter()
                segments, _ = BatchedInferencePipeline(batched.model).transcribe(
                    str(path), word_timestamps=True)
                raw_words = tokens(" ".join(w.word for s in segments for w in s.words or ()))
                raw_time = time.perf_counter() - t
                t = time.perf_counter()
                doc = batched.transcribe_chunks(
                    ((c.start, c.samples) for c in audio.iter_chunks(path)), path=str(path),
                    sha256="0" * 64)
                ours_time = time.perf_counter() - t
                print(f"{'':12s} raw batched        "
                      f"{score(reference, raw_words, 'raw batched')}")
                print(f"{'':12s} uncertain batch    "
                      f"{score(reference, tokens(doc.text), 'uncertain batch')}; "
                      f"time {ours_time / raw_time:.2f} x raw batched's ({raw_time:.0f} s)")
            sys.stdout.flush()
    print("all: WER " + ", ".join(f"{who} {errors / words:.3f}"
                                  for who, (errors, words) in TOTALS.items()))


if __name__ == "__main__":
    main()
