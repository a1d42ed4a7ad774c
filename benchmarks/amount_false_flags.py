"""False flags on everyday English with amounts in it: "contains 500 milligrams of ...".

The dev set's everyday sentences hold no number and no unit, and its dictations name a
drug in nearly every sentence, so neither asks what the validator does with a word
before an amount that is not a dose: "Each tablet contains 500 milligrams of the active
ingredient", "A cup of coffee has about 95 milligrams of caffeine". This benchmark
reads ``devset_sentences.AMOUNT_SENTENCES`` (no drug in any) as plain text, and as
speech by espeak-ng (two voices) and, when the ``voices`` extra is installed, Piper's
neural voice; transcribes the speech with the default model (``tiny.en``), validates
every document with the shipped calibration (as ``uncertain annotate`` does) and
rescores the speech; then counts the flags (verified lexicon matches aside) lying on
words heard right, per 1,000 such words.

    .venv/bin/python benchmarks/amount_false_flags.py [--show] [--no-rescore]

Speech and transcripts are cached in ``benchmarks/_work/amounts/`` by text and voice (the
transcripts also by the stage's code and engines: ``benchmarks/_stage_cache.py``), and
the sentences read as text in files named by their content (``text/<benchmark>/``): runs
at once, of this benchmark or another, share the cache and read each their own words.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _stage_cache import stage_key  # noqa: E402
from devset_sentences import AMOUNT_SENTENCES  # noqa: E402
from validate_quality import at_path, evaluate  # noqa: E402

from uncertain.calibrate import calibrate_document  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.validate import Validator  # noqa: E402

WORK = ROOT / "benchmarks" / "_work" / "amounts"
ESPEAK_VOICES = ("en-us", "en-gb-x-rp")


def _speak(text: str, voice: str, out: Path) -> None:
    """``text`` spoken by ``voice`` (an espeak-ng voice, or "piper") into ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    # this run's own files until the speech is whole: another run may speak it at once
    raw = out.with_name(f".{out.stem}.{os.getpid()}.raw.wav")
    partial = out.with_name(f".{out.stem}.{os.getpid()}.wav")
    if voice == "piper":
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from devset import piper_model

        subprocess.run([sys.executable, "-m", "piper", "-m", str(piper_model()), "-f",
                        str(raw), "--noise-scale", "0", "--noise-w-scale", "0"],
                       input=text.encode("utf-8"), check=True, capture_output=True)
    else:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(raw), text],
                       check=True, capture_output=True)
    subprocess.run(["sox", "-R", "-D", str(raw), "-r", "16000", str(partial), "gain", "-n",
                    "-3", "pad", "0.3", "0.3"], check=True, capture_output=True)
    raw.unlink()
    os.replace(partial, out)


def _piper_available() -> bool:
    try:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from devset import piper_model

        piper_model()
        import piper  # noqa: F401
    except Exception:  # any missing piece means no neural voice here
        return False
    return True


def _transcript(text: str, voice: str, work: Path = WORK) -> Document:
    """The cached transcript of ``text`` spoken by ``voice`` (the speech by text and
    voice, the transcript also by the stage's code and engines: ``_stage_cache``), kept
    in ``work``."""
    from uncertain.asr import transcribe

    key = hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()[:16]
    wav = work / voice / f"{key}.wav"
    cached = work / voice / stage_key("audio") / f"{key}.json"
    if cached.is_file() and wav.is_file():
        return at_path(Document.from_json(cached.read_bytes()), wav)
    if not wav.is_file():
        _speak(text, voice, wav)
    doc = transcribe(wav)
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}")
    partial.write_text(doc.to_json(), encoding="utf-8")
    os.replace(partial, cached)  # whole, for another run reading it at once
    return doc


def _text_file(sentence: str, folder: Path) -> Path:
    """The file in ``folder`` holding ``sentence`` (and a newline), named by its content
    and written once: two runs at once (of one benchmark or of two trees) each read their
    own sentences, where one file a benchmark rewrote for each sentence was rewritten by
    the other run between a write and its read. A file is written whole under a name of
    its own first, then renamed, so that no run reads one half written."""
    data = sentence + "\n"
    path = folder / f"{hashlib.sha256(data.encode()).hexdigest()[:16]}.txt"
    if path.is_file() and path.read_text(encoding="utf-8") == data:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{path.name}.{os.getpid()}"
    partial.write_text(data, encoding="utf-8")
    os.replace(partial, path)
    return path


def main() -> None:
    cli(AMOUNT_SENTENCES, "everyday sentences with amounts, no drug", "amounts", __doc__)


def cli(sentences: tuple[str, ...], title: str, name: str, doc: str | None) -> None:
    """Parse a benchmark's options (``doc``: its docstring) and :func:`run` it."""
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each false flag")
    parser.add_argument("--no-rescore", action="store_true",
                        help="speech without the acoustic second pass")
    args = parser.parse_args()
    run(sentences, title, name, show=args.show, rescore_speech=not args.no_rescore)


def run(sentences: tuple[str, ...], title: str, name: str, *, show: bool,
        rescore_speech: bool) -> None:
    """Validate ``sentences`` as text and as each voice's speech; print the false flags.
    ``name`` names the folder the sentences are read from as text (:func:`_text_file`)."""
    validator = Validator()
    voices = list(ESPEAK_VOICES) + (["piper"] if _piper_available() else [])
    rows: list[tuple[str, Counter[str]]] = []
    # plain text: one document per sentence, as another engine's transcript
    from uncertain.text import read_text

    text_counts: Counter[str] = Counter()
    for k, sentence in enumerate(sentences):
        doc = validator.validate(read_text(_text_file(sentence, WORK / "text" / name)))
        text_counts.update(_scored(f"text-{k}", sentence, "text", doc, show))
    rows.append(("text", text_counts))
    for voice in voices:
        counts: Counter[str] = Counter()
        for k, sentence in enumerate(sentences):
            doc = validator.validate(calibrate_document(_transcript(sentence, voice), "auto"))
            if rescore_speech:
                from uncertain.rescore import rescore

                doc = rescore(doc)
            counts.update(_scored(f"{voice}-{k}", sentence, "audio", doc, show))
        rows.append((f"audio ({voice})", counts))
    print(f"{len(sentences)} {title}; "
          f"speech {'after' if rescore_speech else 'without'} the acoustic pass")
    print(f"{'source':24} {'correct words':>13} {'false flags':>11} {'per 1000':>9}")
    total: Counter[str] = Counter()
    for name, c in rows:
        total.update(c)
        print(f"{name:24} {c['correct_words']:13} {c['false_flags']:11} "
              f"{1000 * c['false_flags'] / max(1, c['correct_words']):9.2f}")
    print(f"{'all':24} {total['correct_words']:13} {total['false_flags']:11} "
          f"{1000 * total['false_flags'] / max(1, total['correct_words']):9.2f}")


def _scored(item_id: str, sentence: str, modality: str, doc: Document,
            show: bool) -> Counter[str]:
    item: dict[str, Any] = {"id": item_id, "text": sentence, "terms": [],
                            "modality": modality}
    out = Counter(evaluate(item, doc, False))
    if show and out["false_flags"]:
        flagged = [(f.text, f.candidates[0].canonical if f.candidates else None)
                   for f in doc.flags if f.reason != "verified"]
        print(f"  {item_id}: {doc.text!r}: {flagged}")
    return Counter({"correct_words": out["correct_words"], "false_flags": out["false_flags"]})


if __name__ == "__main__":
    main()
