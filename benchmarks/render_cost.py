"""What the uncertainty markup costs in prompt tokens, per style, against the plain text.

    .venv/bin/python benchmarks/render_cost.py [DOC.json ...] [--samples] [--threshold 0.5]
                                               [--as-given] [--under N]
                                               [--tokenizer o200k_base|cl100k_base|estimate]

Without paths it measures the fixture documents in ``tests/data/render`` (two
hand-built documents with validator flags, a plain transcript, and two recorded
faster-whisper tiny.en transcripts of public recordings). ``--samples`` instead runs
``uncertain annotate``'s pipeline (stage, shipped lexicons, acoustic second pass) on
every input in ``samples/`` with the real engines, which takes about a minute.

Each document is measured as ``uncertain annotate`` renders it: a document no validator
has judged is validated with the shipped lexicons first (``--as-given`` measures it
as it is, so unflagged words below the threshold are marked too). For each document and
style:

* ``plain``: tokens of ``Document.text``;
* ``markup``: tokens the marked-up document adds to it (no preamble, no structure),
  also as a fraction of ``plain`` and per marked span;
* ``structure``: tokens the time prefixes / page markers add on top;
* ``preamble``: tokens of the system text (paid once per call), and as a fraction.

Last, what a budget just under the whole prompt keeps (``--under N``, 20 by default):
over the budgets 1 to N tokens under each document's full prompt, per style, the share
of the marked spans and of their suggestions still shown. What the budget's note costs
is paid there: each of its tokens is one a suggestion could have had.

The goal: inline markup under 15% of the plain tokens at the default threshold,
over all documents together. Markup is paid per doubtful span (about 18 tokens with
three suggestions), so the share follows how many spans a text has: a line says how
dense they may be for the goal to hold, and the last line what the spans' ``p`` values
and suggestions alone cost, with no markup at all: no style can cost less.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from uncertain._tokens import TokenCounter, resolve_counter  # noqa: E402
from uncertain.document import Document  # noqa: E402
from uncertain.render import STYLES, BudgetError, doubtful_spans, render  # noqa: E402
from uncertain.validate import validate  # noqa: E402

FIXTURES = ROOT / "tests" / "data" / "render"
GOAL = 0.15
SAMPLE_SUFFIXES = {".wav", ".flac", ".txt", ".png", ".tif", ".pdf"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--tokenizer", default=None)
    parser.add_argument("--samples", action="store_true",
                        help="annotate samples/ with the real engines and measure that")
    parser.add_argument("--as-given", action="store_true",
                        help="do not validate documents no validator has judged")
    parser.add_argument("--under", type=int, default=20, metavar="N",
                        help="measure budgets 1 to N tokens under the full prompt (0: none)")
    args = parser.parse_args(argv)
    if args.samples:
        documents = annotate_samples()
    else:
        paths = args.documents or sorted(FIXTURES.glob("*.json"))
        documents = [(p.stem, Document.from_json(p.read_text(encoding="utf-8")))
                     for p in paths]
    if not args.as_given:
        documents = [(name, doc if doc.validation is not None else validate(doc))
                     for name, doc in documents]
    counter = resolve_counter(args.tokenizer)
    print(f"tokenizer: {counter.name}   threshold: {args.threshold}")
    header = (f"{'document':<22}{'style':<9}{'words':>6}{'spans':>6}{'plain':>7}{'markup':>8}"
              f"{'markup%':>9}{'tok/span':>9}{'struct':>8}{'preamble':>9}{'pre%':>8}")
    print(header)
    print("-" * len(header))
    totals: dict[str, list[int]] = {style: [0, 0, 0] for style in STYLES}  # plain, markup, spans
    floor = 0  # tokens of the marked spans' p values and suggestions alone
    for name, doc in documents:
        plain = counter.count(doc.text)
        floor += sum(counter.count(" ".join([f"{s.p:.2f}" if s.p is not None else "",
                                             *s.candidates]))
                     for s in doubtful_spans(doc, threshold=args.threshold))
        for style in STYLES:
            bare = render(doc, style=style, threshold=args.threshold, preamble=False,
                          structure=False, tokenizer=counter.count)
            unmarked = render(doc, style=style, threshold=0.0, preamble=False,
                              structure=False, tokenizer=counter.count)
            structured = render(doc, style=style, threshold=args.threshold, preamble=False,
                                structure=True, tokenizer=counter.count)
            full = render(doc, style=style, threshold=args.threshold, tokenizer=counter.count)
            markup = bare.tokens - plain
            structure = structured.tokens - bare.tokens
            preamble = full.tokens - structured.tokens
            per_span = f"{(bare.tokens - unmarked.tokens) / bare.marked:.1f}" if bare.marked \
                else "-"
            print(f"{name[:21]:<22}{style:<9}{len(doc.words):>6}{bare.marked:>6}{plain:>7}"
                  f"{markup:>8}{_pct(markup, plain):>9}{per_span:>9}{structure:>8}"
                  f"{preamble:>9}{_pct(preamble, plain):>8}")
            totals[style][0] += plain
            totals[style][1] += markup
            totals[style][2] += bare.marked
    print("-" * len(header))
    for style in STYLES:
        plain, markup, spans = totals[style]
        print(f"{'all documents':<22}{style:<9}{'':>6}{spans:>6}{plain:>7}{markup:>8}"
              f"{_pct(markup, plain):>9}")
    plain, markup, spans = totals["inline"]
    share = markup / plain if plain else 0.0
    verdict = "met" if share < GOAL else "NOT met"
    print(f"goal: inline markup < {GOAL:.0%} of plain tokens -> {share:.1%} ({verdict})")
    if spans and plain:
        span_cost = markup / spans
        print(f"inline: {span_cost:.1f} tokens per marked span (suggestions included); "
              f"{100 * spans / plain:.2f} spans per 100 plain tokens here; the goal holds up to "
              f"{100 * GOAL / span_cost:.2f}")
        print(f"floor: the marked spans' p values and suggestions alone, with no markup "
              f"around them, are {floor} tokens, {_pct(floor, plain)} of the plain tokens")
    if args.under > 0:
        under(documents, counter, args.threshold, args.under)
    return 0


def under(documents: list[tuple[str, Document]], counter: TokenCounter, threshold: float,
          most: int) -> None:
    """What budgets 1 to ``most`` tokens under each full prompt keep shown, per style."""
    for style in STYLES:
        spans = [0, 0]  # shown, in full
        suggestions = [0, 0]
        for _, doc in documents:
            full = render(doc, style=style, threshold=threshold, tokenizer=counter.count)
            if not full.spans:
                continue
            for short in range(1, most + 1):
                try:
                    prompt = render(doc, style=style, threshold=threshold,
                                    tokenizer=counter.count, budget=full.tokens - short)
                except BudgetError:
                    prompt = None
                shown = prompt.spans if prompt is not None else ()
                spans[0] += len(shown)
                spans[1] += len(full.spans)
                suggestions[0] += sum(len(s.candidates) for s in shown)
                suggestions[1] += sum(len(s.candidates) for s in full.spans)
        print(f"{style}: 1 to {most} tokens under the full prompt, "
              f"{_pct(spans[0], spans[1])} of the spans stay marked and "
              f"{_pct(suggestions[0], suggestions[1])} of their suggestions shown")


def annotate_samples() -> list[tuple[str, Document]]:
    """Every input in ``samples/`` through ``uncertain annotate``'s default pipeline."""
    from uncertain.ingest import ingest
    from uncertain.rescore import rescore

    out = []
    for path in sorted((ROOT / "samples").iterdir()):
        if path.suffix.lower() not in SAMPLE_SUFFIXES:
            continue
        doc = validate(ingest(path, calibration="auto"))
        if doc.source.modality == "audio" and doc.flags:
            doc = rescore(doc)
        out.append((path.name, doc))
    return out


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


if __name__ == "__main__":
    raise SystemExit(main())
