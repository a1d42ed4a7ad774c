"""Decoding audio files to 16 kHz mono float32 with PyAV, whole or as a bounded stream.

Every file goes through :func:`uncertain._io.check_input` first; whatever FFmpeg cannot
decode (text renamed ``.wav``, a cut-off FLAC, a WAV shorter than its header says) becomes
a :class:`~uncertain.errors.CorruptInputError` naming the path. A file damaged inside is
read around the damage, its unreadable stretches as silence of their length, with a note
(see :func:`_frames`), unless under half of it decodes. :func:`iter_chunks` yields
a long recording in pieces of a few minutes, each cut where the signal is quietest shortly
before the nominal end, so a word is rarely split and memory stays bounded. Audio
longer than :data:`DEFAULT_MAX_SECONDS` (or the limit set) is refused, as an image over
its pixel limit is, before it is decoded where its container says its length.

A float recording can hold what no sound card plays, and Whisper then hears nothing:
samples that are no numbers (NaN, infinite; one of them makes every feature Whisper
computes over its chunk NaN) are read as silence (0.0), and samples far beyond full
scale (more than ``OVER_RANGE`` times it, as 16-bit values stored as floats are: tiny.en
hears 6 words of the 73 of the sample dictation at 100 times its level, all of them at
10 times) are scaled down by the loudest sample so far, from the first such piece on (a
stream is read once, so a piece is never scaled by a later one), unless they are a few
clicks among samples within range (at most ``GLITCH_SHARE`` of a piece: one spike at 100
times full scale in the sample dictation, scaled by, left tiny.en hearing the speech after
it 40 dB too quiet and garbled), which are read as silence; and channels that cancel
when mixed to mono (one the other inverted, as a miswired balanced microphone gives: the
mix is silence) are read one alone (see ``_grouped``); channels that speak at different
times (a call's two sides, speech in one and noise in another) are mixed by where each
speaks (see :func:`_speech_gates`). Each repair is said in one note
per file, handed to ``on_note`` (:func:`decode`, :func:`decode_bytes`,
:func:`iter_chunks`), which the stages put among the document's warnings.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

import numpy as np

from uncertain._io import check_input, sniff
from uncertain.errors import CorruptInputError, InputTooLargeError, UnsupportedFormatError

if TYPE_CHECKING:  # (PyAV is imported where audio is read: a text's run does not load it)
    import av

SAMPLE_RATE = 16_000
# faster-whisper's feature extraction needs ~0.9 MB per second of a chunk (a process
# transcribing in 180 s chunks peaks at about 450 MiB, in 600 s ones 835 MiB): the chunk
# length, not the recording's, sets the peak memory
DEFAULT_CHUNK_SECONDS = 180.0
DEFAULT_SEARCH_SECONDS = 20.0
_WINDOW = SAMPLE_RATE // 50  # 20 ms energy windows when looking for a quiet cut
_SMOOTH = 10  # windows averaged (200 ms), so a short dip inside a word does not win
_GROUP_SECONDS = 5  # decoded audio resampled at a time
# a decoded stream this much shorter than the container declares is truncated
_SHORTFALL_SECONDS = 0.1
#: formats with no length in a header, whose length FFmpeg guesses from a bitrate
_LENGTH_GUESSED = frozenset({"aac", "amr", "amrnb", "amrwb", "ac3", "eac3", "dts"})
_SHORTFALL_FRACTION = 0.02
#: the lowest sample rate read as a recording (telephone speech is 8,000)
_MIN_RATE = 4000
#: samples beyond this many times full scale are far out of any recording's range: the
#: audio is scaled down (see the module docstring)
OVER_RANGE = 8.0
#: a piece with at most this share of its samples beyond ``OVER_RANGE`` (5 ms of a 5 s
#: piece), before any was scaled, holds clicks in a recording within range: those samples
#: are read as silence instead of scaling the recording down
GLITCH_SHARE = 0.001
#: the longest audio decoded (seconds; 6 hours): a longer recording is refused with
#: :class:`~uncertain.errors.InputTooLargeError`, before decoding where its container says
#: its length, else once that much has decoded, not decoded whole into memory (a small,
#: highly compressed file can hold days: 4 GB of samples a day). ``max_seconds=`` or
#: the environment's :data:`MAX_SECONDS_ENV` (``inf``: no limit) sets another
DEFAULT_MAX_SECONDS = 6 * 3600.0
MAX_SECONDS_ENV = "UNCERTAIN_MAX_AUDIO_SECONDS"
#: what a refusal over the limit says raises it, ``setting`` the keyword (the command line
#: says its option there: :func:`uncertain.cli.command_line_words`)
RAISES_IT = "({setting}, or $" + MAX_SECONDS_ENV + ", raises it)"


def max_seconds_of(given: float | None = None) -> float:
    """The longest audio to decode: ``given``, else ``$UNCERTAIN_MAX_AUDIO_SECONDS``,
    else :data:`DEFAULT_MAX_SECONDS`."""
    where = "max_seconds"
    if given is None:
        setting = os.environ.get(MAX_SECONDS_ENV, "").strip()
        if not setting:
            return DEFAULT_MAX_SECONDS
        where = f"${MAX_SECONDS_ENV}"
        try:
            given = float(setting)
        except ValueError:
            raise ValueError(f"{where}={setting!r}: give a number of seconds (inf: no "
                             "limit)") from None
    if not given > 0:
        raise ValueError(f"{where}={given!r}: give a number of seconds over 0 (inf: no "
                         "limit)")
    return float(given)


def _too_long(label: str | os.PathLike[str], limit: float, seconds: float | None) -> None:
    length = (f"over {_length(limit)} long (it decodes on past that)" if seconds is None
              else f"{_length(seconds)} long")
    raise InputTooLargeError(label, f"the audio is {length}, over the limit of "
                                    f"{_length(limit)} "
                                    + RAISES_IT.format(setting="max_seconds"))


def _length(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 3600 else f"{seconds:.0f} s ({seconds / 3600:.1f} h)"


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about a recording, before decoding it."""

    path: Path
    container: str
    codec: str
    sample_rate: int
    channels: int
    duration: float | None  # seconds, as declared; None when the container does not say


@dataclass(frozen=True)
class AudioChunk:
    """A piece of a recording: ``samples`` (16 kHz mono float32) starting ``start`` seconds in."""

    start: float
    samples: np.ndarray

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    @property
    def end(self) -> float:
        return self.start + self.duration


def _url(path: Path) -> str:
    """What FFmpeg is to open for ``path``: a name with a colon is read as a protocol
    ("rec-2024-05-01T09:30.flac": "Protocol not found") unless it says ``file:``."""
    name = os.fspath(path)
    return f"file:{name}" if ":" in name else name


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Read the container's header: format, codec, rate, channels and declared duration."""
    import av

    p = _check(path)
    try:
        with av.open(_url(p), metadata_errors="ignore") as container:
            stream = _audio_stream(p, container)
            head = _peek(p, _after_id3) if container.format.name == "mp3" else b""
            return AudioInfo(
                path=p,
                container=container.format.name,
                codec=stream.codec_context.name,
                sample_rate=stream.rate,
                channels=stream.channels,
                # (a WAV header counting less than the file holds says no length: see
                # _open_options)
                duration=(None if _peek(p, _wav_unread)
                          else _declared_duration(container, stream, head)),
            )
    except av.FFmpegError as exc:
        raise CorruptInputError(p, f"cannot read audio: {_reason(exc)}") from exc


def decode(path: str | os.PathLike[str], *,
           on_note: Callable[[str], None] | None = None,
           max_seconds: float | None = None) -> np.ndarray:
    """The whole recording as one 16 kHz mono float32 array (short files; see iter_chunks);
    ``on_note`` is told what was repaired (see the module docstring); a recording longer
    than ``max_seconds`` (see :data:`DEFAULT_MAX_SECONDS`) is refused."""
    pieces = list(_pieces(_check(path), on_note=on_note, max_seconds=max_seconds))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def iter_chunks(
    path: str | os.PathLike[str],
    *,
    chunk_seconds: float = DEFAULT_CHUNK_SECONDS,
    search_seconds: float = DEFAULT_SEARCH_SECONDS,
    on_note: Callable[[str], None] | None = None,
    max_seconds: float | None = None,
) -> Iterator[AudioChunk]:
    """Yield the recording in chunks of at most ``chunk_seconds + search_seconds``.

    A recording that fits in that length comes as one chunk. Otherwise each chunk ends at
    the quietest moment of the ``search_seconds`` before ``chunk_seconds``. The chunks'
    samples, joined, are exactly what :func:`decode` returns; ``on_note`` is told what
    was repaired, once the last chunk has been taken; a recording longer than
    ``max_seconds`` (see :data:`DEFAULT_MAX_SECONDS`) is refused.
    """
    if chunk_seconds <= 0 or search_seconds < 0 or search_seconds >= chunk_seconds:
        raise ValueError("need chunk_seconds > search_seconds >= 0")
    target = round(chunk_seconds * SAMPLE_RATE)
    search = round(search_seconds * SAMPLE_RATE)
    limit = target + search
    buffer: list[np.ndarray] = []
    buffered = 0
    offset = 0  # samples already yielded
    for piece in _pieces(_check(path), on_note=on_note, max_seconds=max_seconds):
        buffer.append(piece)
        buffered += len(piece)
        while buffered > limit:
            samples = np.concatenate(buffer)
            cut = quietest_cut(samples, target - search, target)
            yield AudioChunk(offset / SAMPLE_RATE, samples[:cut])
            offset += cut
            buffer, buffered = [samples[cut:]], len(samples) - cut
    if buffered:
        yield AudioChunk(offset / SAMPLE_RATE, np.concatenate(buffer))


def quietest_cut(samples: np.ndarray, lo: int, hi: int) -> int:
    """A sample index in ``[lo, hi]``: the quietest 20 ms inside the quietest 200 ms."""
    lo = max(0, lo)
    hi = min(len(samples), hi)
    n = (hi - lo) // _WINDOW
    if n < 1:
        return hi
    frames = samples[lo:lo + n * _WINDOW].astype(np.float64).reshape(n, _WINDOW)
    energy = np.einsum("ij,ij->i", frames, frames)
    width = min(_SMOOTH, n)
    stretch = int(np.argmin(np.convolve(energy, np.ones(width), mode="valid")))
    best = stretch + int(np.argmin(energy[stretch:stretch + width]))
    return lo + best * _WINDOW + _WINDOW // 2


#: a chunk quieter than the floor holds speech only when its level rises and falls: the
#: loud tenth of its 100 ms windows this much above the quiet tenth (speech 18-35 dB over
#: silence, even at -75 dB, and 3.5-9 dB over a hiss 7 dB under it, which Whisper still
#: reads; steady hiss under 0.5 dB; a lone click in silence: none)
SPEECH_RANGE_DB = 3.0
SPEECH_WINDOW = SAMPLE_RATE // 10  # the windows whose levels rises_and_falls compares
#: below this (16-bit dither) nothing is speech
_NOTHING_DB = -90.0


def is_silence(samples: np.ndarray, floor_db: float) -> bool:
    """Whether ``samples`` hold no speech: their loudest second quieter than ``floor_db``
    and level (:data:`SPEECH_RANGE_DB`): speech recorded far too quietly still rises and
    falls, and is sent on."""
    loudest = loudest_db(samples)
    if loudest >= floor_db:
        return False
    n = len(samples) // SPEECH_WINDOW
    if loudest < _NOTHING_DB or n < 2:
        return True
    levels = window_levels(samples[:n * SPEECH_WINDOW])
    spread = float(np.percentile(levels, 90) - np.percentile(levels, 10))
    return spread <= SPEECH_RANGE_DB  # (a click in digital silence moves neither tenth)


def silent_stretches(samples: np.ndarray, floor_db: float, *, min_seconds: float
                     ) -> list[tuple[int, int]]:
    """The stretches of ``samples`` (start, end indexes) at least ``min_seconds`` long in
    which every 100 ms is quieter than ``floor_db`` and within :data:`SPEECH_RANGE_DB` of
    the quiet tenth of the samples' 100 ms windows (their floor): nothing sounds in them,
    not a quiet word nor a click, which end a stretch.

    Whisper reads a 30-second window of silence as a word ("You") and, conditioned on
    it, may then take the speech after it for silence too.
    """
    n = len(samples) // SPEECH_WINDOW
    shortest = max(1, round(min_seconds * SAMPLE_RATE / SPEECH_WINDOW))
    if n < shortest:
        return []
    levels = window_levels(samples[:n * SPEECH_WINDOW])
    empty = levels < min(floor_db, float(np.percentile(levels, 10)) + SPEECH_RANGE_DB)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], empty.astype(np.int8), [0]))))
    out = []
    for first, last in zip(edges[::2], edges[1::2], strict=True):
        if last - first >= shortest:
            hi = len(samples) if last == n else int(last) * SPEECH_WINDOW
            out.append((int(first) * SPEECH_WINDOW, hi))
    return out


def rises_and_falls(samples: np.ndarray, *, range_db: float = SPEECH_RANGE_DB) -> bool:
    """Whether the level of ``samples`` moves as speech does: the loud tenth of its 100 ms
    windows more than ``range_db`` over the quiet tenth (a steady hiss or hum: under
    0.5 dB; room tone about 4)."""
    n = len(samples) // SPEECH_WINDOW
    if n < 2:
        return False
    levels = window_levels(samples[:n * SPEECH_WINDOW])
    if levels.max() < _NOTHING_DB:
        return False
    return float(np.percentile(levels, 90) - np.percentile(levels, 10)) > range_db


def window_levels(samples: np.ndarray) -> np.ndarray:
    """The RMS level (dB) of each 100 ms of ``samples`` (a whole number of windows)."""
    frames = samples.astype(np.float64).reshape(-1, SPEECH_WINDOW)
    power = np.einsum("ij,ij->i", frames, frames) / SPEECH_WINDOW
    return 10 * np.log10(np.maximum(power, 1e-15))  # (digital silence: -150 dB)


def loudest_db(samples: np.ndarray, *, window_seconds: float = 1.0) -> float:
    """The RMS level, in dB below full scale, of the loudest window of the samples."""
    if len(samples) == 0:
        return -np.inf
    window = max(1, min(len(samples), round(window_seconds * SAMPLE_RATE)))
    n = len(samples) // window
    head = samples[:n * window].astype(np.float64).reshape(n, window)
    power = np.einsum("ij,ij->i", head, head) / window
    tail = samples[n * window:].astype(np.float64)
    loudest = max(float(power.max()), float(np.mean(tail * tail)) if len(tail) else 0.0)
    return 10 * np.log10(loudest) if loudest > 0 else -np.inf


# -- decoding --------------------------------------------------------------------------------


def _check(path: str | os.PathLike[str]) -> Path:
    p = check_input(path)
    sniffed = sniff(p)
    if sniffed.kind == "text":
        raise CorruptInputError(p, "not audio: the file holds text")
    if sniffed.kind in ("image", "pdf"):
        raise UnsupportedFormatError(p, f"not audio: the file is an {sniffed.kind}")
    if sniffed.format == "wav":
        _check_wav_length(p)
    return p


def _pieces(source: Path | BinaryIO, name: str | os.PathLike[str] | None = None, *,
            on_note: Callable[[str], None] | None = None,
            max_seconds: float | None = None) -> Iterator[np.ndarray]:
    """Decoded, resampled float32 pieces of about ``_GROUP_SECONDS`` each, in order,
    repaired (see the module docstring); ``on_note`` is told what was, after the last.
    Audio longer than ``max_seconds`` (:func:`max_seconds_of`) is refused.

    ``source`` is a file path or an open binary file (an archive member in memory);
    ``name`` is what errors call it (default: the path).
    """
    import av

    label = name if name is not None else source if isinstance(source, Path) else "<audio>"
    limit = max_seconds_of(max_seconds)
    decoded = 0
    nonfinite = 0  # samples that were no numbers
    clicks = 0  # samples far beyond full scale among samples within it
    loudest = 0.0  # the loudest sample so far
    scaled_from: float | None = None  # seconds into the file where scaling began
    notes: list[str] = []  # what the channels' mix needed
    try:
        opened = _url(source) if isinstance(source, Path) else source
        options = _open_options(source, notes)
        with av.open(opened, mode="r", metadata_errors="ignore",
                     options=options) as container:
            stream = _audio_stream(label, container)
            kind = container.format.name
            declared = _declared_duration(container, stream,
                                          _peek(source, _after_id3) if kind == "mp3"
                                          else b"")
            if declared is not None and declared > limit:
                _too_long(label, limit, declared)
            if kind == "ogg" and _ogg_unfinished(source):
                notes.append("the Ogg stream ends without its end-of-stream page: the file "
                             "was cut short, and what was read is all there is")
            gates = (_speech_gates(source, limit, options)
                     if len(stream.layout.channels) > 1 else None)
            if gates is not None:
                notes.append(gates.note())
            damage = _Damage()
            frames = _frames(container, stream, declared, damage)
            for group in _grouped(frames, notes.append, gates):
                bad = ~np.isfinite(group)
                if bad.any():
                    group[bad] = 0.0
                    nonfinite += int(bad.sum())
                magnitude = np.abs(group)
                if scaled_from is None:
                    over = magnitude > OVER_RANGE
                    count = int(over.sum())
                    if count and count <= GLITCH_SHARE * max(len(group), SAMPLE_RATE):
                        group[over] = magnitude[over] = 0.0
                        clicks += count
                loudest = max(loudest, float(magnitude.max(initial=0.0)))
                if loudest > OVER_RANGE:
                    if scaled_from is None:
                        scaled_from = decoded / SAMPLE_RATE
                    group /= loudest
                decoded += len(group)
                if decoded > limit * SAMPLE_RATE:  # (a length the container did not say)
                    _too_long(label, limit, None)
                yield group
    except av.FFmpegError as exc:
        raise CorruptInputError(label, f"cannot decode audio: {_reason(exc)}") from exc
    lost = damage.lost_seconds
    if damage.stretches and damage.read < _READABLE * max(damage.read + lost,
                                                          declared or 0.0):
        if not damage.read:
            raise CorruptInputError(label, f"cannot decode audio: {damage.error}")
        why = f" ({damage.error})" if damage.error else ""
        raise CorruptInputError(
            label, f"damaged throughout: {lost:.2f} s of the audio cannot be decoded{why}, "
                   f"only {damage.read:.2f} s can")
    if on_note is not None:
        if damage.stretches:
            on_note(f"{os.fspath(label)}: damaged at {damage.where()}: {lost:.2f} s of audio "
                    "unreadable, read as silence")
        for note in notes:
            on_note(note)
    if on_note is not None and nonfinite:
        on_note(f"{_samples(nonfinite)} ({nonfinite / SAMPLE_RATE:.3f} s) of the audio were not "
                "numbers (NaN or infinite: a damaged recording) and were read as silence")
    if on_note is not None and clicks:
        on_note(f"{_samples(clicks)} ({clicks / SAMPLE_RATE:.3f} s) of the audio were far beyond "
                "full scale among samples within it (clicks: a damaged recording) and were "
                "read as silence")
    if on_note is not None and scaled_from is not None:
        start = f" from {scaled_from:.1f} s on" if scaled_from else ""
        on_note(f"the audio's samples reach {loudest:.6g} where full scale is 1 (16-bit values "
                f"stored as floats?); it was read scaled down by its loudest sample{start}")
    seconds = decoded / SAMPLE_RATE
    if declared is not None and declared - seconds > max(
        _SHORTFALL_SECONDS, _SHORTFALL_FRACTION * declared
    ):
        raise CorruptInputError(
            label, f"truncated or damaged: the header declares {declared:.2f} s but only "
                   f"{seconds:.2f} s decode")


#: a damaged file of which less than this share decodes is refused, not read as silence
_READABLE = 0.5
#: containers whose frames' timestamps come from the stream (Ogg granule positions, FLAC
#: frame numbers): a lasting forward jump in them is data the demuxer skipped as unreadable
_STAMPED = frozenset({"ogg", "flac"})
#: damaged stretches named one by one in the note; the rest are counted
_STRETCHES_SAID = 3


@dataclass
class _Damage:
    """What :func:`_frames` could not decode: stretches of the read timeline (seconds from
    the start, as the samples are yielded) given as silence, and the seconds decoded."""

    stretches: list[tuple[float, float]] = field(default_factory=list)
    read: float = 0.0
    error: str | None = None  # FFmpeg's reason for the first packet it could not decode

    @property
    def lost_seconds(self) -> float:
        return sum(end - start for start, end in self.stretches)

    def add(self, start: float, seconds: float) -> None:
        if self.stretches and abs(self.stretches[-1][1] - start) < 1e-3:
            self.stretches[-1] = (self.stretches[-1][0], start + seconds)
        else:
            self.stretches.append((start, start + seconds))

    def where(self) -> str:
        said = [f"{a:.2f}-{b:.2f} s" for a, b in self.stretches[:_STRETCHES_SAID]]
        more = len(self.stretches) - len(said)
        if more:
            return f"{', '.join(said)} and {more} more place{'s' if more > 1 else ''}"
        return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"


def _frames(container: av.container.InputContainer, stream: av.AudioStream,
            declared: float | None, damage: _Damage) -> Iterator[av.AudioFrame]:
    """The stream's decoded frames, packet by packet: a packet FFmpeg cannot decode (bytes
    damaged inside the file) is skipped, and silence of its length takes its place, so
    that what follows keeps its time; so is data the demuxer skipped, where the frames'
    timestamps come from the stream (:data:`_STAMPED`). ``damage`` is told where.

    A skipped packet's length is its duration, except in a bare MP3 or ADTS stream, whose
    timestamps only count the packets the parser found: there one damaged "packet" holds
    several frames' bytes (4 KB overwritten in a 128 kbit/s MP3 made two packets of 0.29 s
    of audio), and its length is reckoned from its size at the file's rate so far.

    A frame whose timestamp is ahead of the samples read is held back until the next one
    says whether the stream stays ahead (data was lost before it: silence goes first) or
    not: Vorbis stamps the first frame after a change of block size 8-10 ms early, and
    each such frame read as a loss put silence into a whole file and shifted its words."""
    import av

    kind = container.format.name
    counted = kind == "mp3" or kind in _LENGTH_GUESSED
    stamped = kind in _STAMPED
    time_base = float(stream.time_base) if stream.time_base is not None else None
    like: av.AudioFrame | None = None  # the last decoded frame: the shape of silence
    position = 0.0  # seconds yielded
    pending = 0.0  # seconds lost before any frame decoded (no shape for silence yet)
    base: float | None = None  # stream time minus position, from the first stamped frame
    held: tuple[av.AudioFrame, float] | None = None  # a frame ahead, and by how much
    first = -1  # where the first decoded packet starts in the file (bytes)

    def lose(seconds: float) -> Iterator[av.AudioFrame]:
        nonlocal position, pending
        if declared is not None:  # a garbled timestamp is no hour of silence
            seconds = min(seconds, max(0.0, declared - position))
        if seconds <= 0:
            return
        damage.add(position, seconds)
        position += seconds
        if like is None:
            pending += seconds
        else:
            yield from _silence(like, seconds)

    def emit(frame: av.AudioFrame) -> Iterator[av.AudioFrame]:
        nonlocal position, pending, like
        if pending:
            yield from _silence(frame, pending)
            pending = 0.0
        like = frame
        seconds = frame.samples / frame.sample_rate
        position += seconds
        damage.read += seconds
        yield frame

    def release() -> Iterator[av.AudioFrame]:
        nonlocal held
        if held is not None:
            frame, held = held[0], None
            yield from emit(frame)

    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.FFmpegError as exc:
            yield from release()
            if damage.error is None:
                damage.error = _reason(exc)
            seconds = (packet.duration or 0) * (time_base or 0.0)
            if counted and seconds and packet.size and packet.pos is not None \
                    and 0 <= first < packet.pos and position > 0:
                per_byte = position / (packet.pos - first)  # the file's rate so far
                seconds *= max(1, round(packet.size * per_byte / seconds))
            elif not seconds and like is not None:  # no duration: a frame's worth
                seconds = like.samples / like.sample_rate
            yield from lose(seconds)
            continue
        if first < 0 and counted and packet.pos is not None:
            first = packet.pos
        for frame in frames:
            if not (stamped and frame.pts is not None and time_base):
                yield from release()
                yield from emit(frame)
                continue
            at = frame.pts * time_base
            if base is None:
                base = at - position
            behind = held[0].samples / held[0].sample_rate if held is not None else 0.0
            ahead = at - base - position - behind
            if held is not None:
                if ahead > _JUMP_SECONDS:  # still ahead: lost before the held frame
                    yield from lose(min(held[1], ahead))
                    ahead = at - base - position - behind
                yield from release()
            if ahead > _JUMP_SECONDS:
                held = (frame, ahead)
            else:
                yield from emit(frame)
    yield from release()


#: how far a frame's timestamp may run ahead of the samples read before it is a loss
_JUMP_SECONDS = 0.001


def _silence(like: av.AudioFrame, seconds: float) -> Iterator[av.AudioFrame]:
    """``seconds`` of silence in the format, layout and rate of ``like``, in frames of
    at most ``_GROUP_SECONDS``."""
    import av

    count = round(seconds * like.sample_rate)
    step = _GROUP_SECONDS * like.sample_rate
    fill = b"\x80" if like.format.name.startswith("u8") else b"\x00"  # unsigned: mid-scale
    for first in range(0, count, step):
        frame = av.AudioFrame(format=like.format.name, layout=like.layout.name,
                              samples=min(step, count - first))
        for plane in frame.planes:
            plane.update(fill * plane.buffer_size)
        frame.sample_rate = like.sample_rate
        yield frame


def _samples(count: int) -> str:
    return f"{count} sample" if count == 1 else f"{count} samples"


def decode_bytes(data: bytes, name: str | os.PathLike[str], *,
                 on_note: Callable[[str], None] | None = None,
                 max_seconds: float | None = None) -> np.ndarray:
    """Decode an in-memory audio file (an archive member) like :func:`decode`.

    ``name`` is what errors call it; the same checks apply as for a file on disk.
    """
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        _check_wav_header(io.BytesIO(data), len(data), name)
    pieces = list(_pieces(io.BytesIO(data), name, on_note=on_note, max_seconds=max_seconds))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def _grouped(frames: Iterator[av.AudioFrame],
             on_note: Callable[[str], None] | None = None,
             gates: _Gates | None = None) -> Iterator[np.ndarray]:
    """Resample frames in groups: one resampler call per frame costs 5x the decoding.

    The channels are mixed to mono, unless the mix of the first group that holds sound
    cancels it (the channels are one another inverted, as a miswired balanced microphone
    gives: the mix is silence): then that group and all after it are read from the
    loudest channel alone, and ``on_note`` is told. With ``gates`` (channels that speak
    at different times, :func:`_speech_gates`), frames of as many channels are mixed with
    each channel's gate, and ``on_note`` is told so."""
    import av

    fifo: av.AudioFifo | None = None
    resampler = _resampler()
    shape: tuple[str, str, int] | None = None
    channel: int | None = None  # the one channel read, once the mix is found to cancel
    decided = True  # whether the channels' mix has been checked on a group with sound
    gated = False  # whether the frames now are mixed with ``gates``
    scale = 1.0  # what FFmpeg's mix of the frames now is scaled by (_mix_scale)
    at = 0  # samples yielded

    def take(group: av.AudioFrame | None, flush: bool) -> Iterator[np.ndarray]:
        nonlocal resampler, channel, decided, at, scale
        if gated:
            assert gates is not None
            for planes in _resampled_planes(resampler, group, flush):
                mixed = gates.mix(planes, at)
                at += len(mixed)
                yield mixed
            return
        if group is not None and not decided:
            decided, loudest = _cancels(group)
            if loudest is not None:
                channel = loudest
                yield from _resampled(resampler, None, True)  # the mix it holds so far
                resampler = _resampler()
                if on_note is not None:
                    on_note(f"the audio's {len(group.layout.channels)} channels cancel when "
                            f"mixed to mono (one is another inverted); channel "
                            f"{loudest + 1} alone was read")
        for out in _resampled(resampler, _one_channel(group, channel), flush):
            at += len(out)
            yield out if channel is not None or scale == 1.0 else out * np.float32(scale)

    for frame in frames:
        frame_shape = (frame.format.name, frame.layout.name, frame.sample_rate)
        if frame_shape != shape:  # first frame, or the stream changed format mid-way
            if fifo is not None:
                yield from take(fifo.read() if fifo.samples else None, True)
            gated = gates is not None and len(frame.layout.channels) == len(gates.weights)
            fifo, shape = av.AudioFifo(), frame_shape
            resampler = _resampler(frame.layout.name if gated else "mono")
            scale = _mix_scale(frame.layout.name) if len(frame.layout.channels) > 2 else 1.0
            channel, decided = None, gated or len(frame.layout.channels) < 2
        assert fifo is not None
        frame.pts = None  # gaps in timestamps are the demuxer's business, not ours
        fifo.write(frame)
        if fifo.samples >= _GROUP_SECONDS * frame.sample_rate:
            yield from take(fifo.read(), False)
    if fifo is not None:
        yield from take(fifo.read() if fifo.samples else None, True)


#: a mix this much quieter than its loudest channel cancels (-20 dB: a lossy codec's
#: stereo coding leaves some of it; no recording mixes so quiet), and a channel
#: quieter than this (-70 dBFS, after scaling to full scale 1) holds no sound to judge by
_CANCELLED = 10 ** (-20 / 20)
_NO_SOUND = 10 ** (-70 / 20)


def _planes(frame: av.AudioFrame) -> np.ndarray:
    """The frame's samples as (channels, samples), in its own sample type."""
    data = frame.to_ndarray()
    return data if frame.format.is_planar else data.reshape(-1, len(frame.layout.channels)).T


def _channels(frame: av.AudioFrame) -> np.ndarray:
    """The frame's samples as (channels, samples), floats at full scale 1."""
    data = _planes(frame)
    if np.issubdtype(data.dtype, np.integer):
        info = np.iinfo(cast("Any", data.dtype))
        half = (int(info.max) + 1) // 2 if info.min == 0 else int(info.max) + 1
        data = (data.astype(np.float64) - (half if info.min == 0 else 0)) / half
    return np.asarray(data, dtype=np.float64)


def _cancels(frame: av.AudioFrame) -> tuple[bool, int | None]:
    """Whether ``frame`` holds sound to judge the channels' mix by, and the loudest
    channel when their mix cancels (None when it does not)."""
    channels = _channels(frame)
    rms = np.sqrt(np.mean(np.square(channels), axis=1))
    loudest = int(np.argmax(rms))
    if not np.isfinite(rms[loudest]) or rms[loudest] < _NO_SOUND:
        return False, None
    mix = float(np.sqrt(np.mean(np.square(channels.sum(axis=0)))))
    return True, (loudest if mix < _CANCELLED * rms[loudest] else None)


def _one_channel(frame: av.AudioFrame | None, channel: int | None) -> av.AudioFrame | None:
    """``frame`` as it is (``channel`` None), or its ``channel`` alone as a mono frame."""
    import av

    if frame is None or channel is None:
        return frame
    mono = av.AudioFrame.from_ndarray(np.ascontiguousarray(_planes(frame)[channel])[None, :],
                                      format=frame.format.name, layout="mono")
    mono.sample_rate = frame.sample_rate
    return mono


def _resampler(layout: str = "mono") -> av.AudioResampler:
    import av

    return av.AudioResampler(format="flt" if layout == "mono" else "fltp", layout=layout,
                             rate=SAMPLE_RATE)


def _resampled_planes(resampler: av.AudioResampler, frame: av.AudioFrame | None,
                      flush: bool) -> Iterator[np.ndarray]:
    """As :func:`_resampled`, each channel kept: (channels, samples) float32 arrays."""
    outs = resampler.resample(frame) if frame is not None else []
    if flush:
        outs = [*outs, *resampler.resample(None)]
    for out in outs:
        yield np.asarray(out.to_ndarray(), dtype=np.float32)


def _mix_weights(layout: str) -> np.ndarray:
    """What each channel of ``layout`` weighs in FFmpeg's mix to mono (stereo: 0.707
    each; 5.1: the centre 1, the fronts 0.707, the backs 0.5, the LFE 0), read off the
    resampler that mixes every other recording, so that a channel sounds alone as it
    did in the mix."""
    import av

    n = len(av.AudioLayout(layout).channels)
    weights = np.zeros(n)
    for c in range(n):
        data = np.zeros((n, 1600), dtype=np.float32)
        data[c] = 0.5
        frame = av.AudioFrame.from_ndarray(data, format="fltp", layout=layout)
        frame.sample_rate = SAMPLE_RATE
        out = np.concatenate(list(_resampled(_resampler(), frame, True)))
        weights[c] = float(out[len(out) // 2]) / 0.5
    return weights


def _mix_scale(layout: str) -> float:
    """What FFmpeg's mix of ``layout`` to mono is scaled by: no louder than a stereo
    mix (each channel -3 dB) of the same sound in every channel. FFmpeg's weights of
    5.1 add up to 3.4, and the same voice in six channels reached Whisper at 3.4 times
    full scale (word error 0.17 against the file in mono; 0.06 at 1.4 times)."""
    total = float(_mix_weights(layout).sum())
    return min(1.0, np.sqrt(2) / total) if total > 0 else 1.0


#: speech heard in some channels and not in others for at least this long (seconds, over
#: the whole recording) mixes the channels by their speech (see :func:`_speech_gates`)
APART_SECONDS = 1.0
#: seconds of the recording whose channels the speech detector hears at a time
_VAD_BLOCK_SECONDS = 60
#: how fast a channel's gate opens and closes (seconds): no click where it does
_GATE_RAMP = 0.02


@dataclass
class _Gates:
    """Where each channel of a recording holds speech (:func:`_speech_gates`), and how
    the channels are mixed by it."""

    weights: np.ndarray  # each channel's weight in FFmpeg's mix to mono
    speech: list[list[tuple[int, int]]]  # per channel, its speech (sample indexes)

    def mix(self, planes: np.ndarray, at: int) -> np.ndarray:
        """The mono mix of ``planes`` (channels, samples), starting ``at`` samples into
        the recording: a channel counts where it speaks and, where none speaks, all do,
        each with its weight in FFmpeg's mix."""
        n = planes.shape[1]
        ramp = _GATE_RAMP * SAMPLE_RATE
        index = np.arange(at, at + n, dtype=np.float64)
        open_ = np.zeros((len(self.weights), n))
        for c, stretches in enumerate(self.speech):
            for lo, hi in stretches:
                if hi + ramp <= at or lo - ramp >= at + n:
                    continue
                rise = np.clip(np.minimum(index - lo, hi - index) / ramp + 1.0, 0.0, 1.0)
                np.maximum(open_[c], rise, out=open_[c])
        # (where no channel speaks, every one counts, as in the plain mix)
        open_ += 1.0 - open_.max(axis=0)
        weighted = open_ * self.weights[:, None]
        return np.einsum("cs,cs->s", weighted, planes.astype(np.float64)).astype(np.float32)

    def note(self) -> str:
        said = ", ".join(f"channel {c + 1} {_seconds_heard(_heard(s))}"
                         for c, s in enumerate(self.speech) if self.weights[c] > 0)
        return (f"the audio's {len(self.weights)} channels hold speech at different times "
                f"(speech heard: {said}); each was mixed in only where it speaks (all "
                "where none does), so that noise in one does not cover another's words")


def _heard(stretches: list[tuple[int, int]]) -> float:
    return sum(hi - lo for lo, hi in stretches) / SAMPLE_RATE


def _seconds_heard(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds else "none"


def _speech_gates(source: Path | BinaryIO, limit: float,
                  options: dict[str, str] | None = None) -> _Gates | None:
    """Where each channel of a recording of several speaks, heard by faster-whisper's
    speech detector (Silero) in each channel alone over the whole recording (a second
    decoding: a call's side silent for its first minutes still speaks), or None where
    the channels speak at the same times (less than :data:`APART_SECONDS` in which some
    do and others do not, as in a stereo recording of one voice): those are mixed as
    FFmpeg mixes them. A channel with speech in it and steady noise (a line's hiss, a
    hum) or silence in the other was mixed under the noise, and lost: here the noise is
    left out while the speech lasts. Nothing is decided where the file cannot be read
    this way (the decoding proper says why)."""
    import av
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if isinstance(source, Path):
        opened: Any = _url(source)
    elif isinstance(source, io.BytesIO):
        opened = io.BytesIO(source.getbuffer())
    else:
        return None
    vad = VadOptions()
    block = _VAD_BLOCK_SECONDS * SAMPLE_RATE
    speech: list[list[tuple[int, int]]] = []
    weights: np.ndarray | None = None
    layout = ""

    def hear(planes: np.ndarray, start: int) -> None:
        for c, samples in enumerate(planes):
            if weights is not None and weights[c] <= 0:
                continue
            for clip in get_speech_timestamps(_for_detector(samples), vad):
                speech[c].append((start + clip["start"], start + clip["end"]))

    try:
        with av.open(opened, mode="r", metadata_errors="ignore",
                     options=options or {}) as container:
            stream = container.streams.audio[0]
            layout = stream.layout.name
            n = len(stream.layout.channels)
            weights = _mix_weights(layout) * (_mix_scale(layout) if n > 2 else 1.0)
            speech = [[] for _ in range(n)]
            resampler = _resampler(layout)
            frames = _frames(container, stream, None, _Damage())
            pending: list[np.ndarray] = []
            buffered = start = 0
            for frame in frames:
                if len(frame.layout.channels) != n or frame.layout.name != layout:
                    return None  # (the stream changes its channels mid-way)
                frame.pts = None
                for planes in _resampled_planes(resampler, frame, False):
                    pending.append(planes)
                    buffered += planes.shape[1]
                    if buffered >= block:
                        hear(np.concatenate(pending, axis=1), start)
                        start += buffered
                        pending, buffered = [], 0
                    if start > limit * SAMPLE_RATE:
                        return None  # (the decoding proper refuses it)
            pending.extend(_resampled_planes(resampler, None, True))
            if pending:
                hear(np.concatenate(pending, axis=1), start)
    except (av.FFmpegError, ValueError, IndexError):
        return None
    assert weights is not None
    heard = [c for c in range(len(weights)) if weights[c] > 0]
    if len(heard) < 2 or _apart(speech, heard) < APART_SECONDS:
        return None
    return _Gates(weights, speech)


def _apart(speech: list[list[tuple[int, int]]], channels: list[int]) -> float:
    """Seconds in which some of ``channels`` speak and some do not."""
    events = sorted((t, step, c) for c in channels for lo, hi in speech[c]
                    for t, step in ((lo, 1), (hi, -1)))
    depth = dict.fromkeys(channels, 0)  # (a channel's stretches may touch)
    speaking = apart = 0
    last = 0
    for t, step, c in events:
        if 0 < speaking < len(channels):
            apart += t - last
        last = t
        depth[c] += step
        speaking = sum(1 for d in depth.values() if d > 0)
    return apart / SAMPLE_RATE


def _for_detector(samples: np.ndarray) -> np.ndarray:
    """``samples`` as the speech detector hears them best: numbers, within full scale,
    raised to :data:`_LIFTED_DB` where they are quieter than :data:`_QUIET_DB` and rise
    and fall."""
    samples = np.nan_to_num(samples.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    peak = float(np.max(np.abs(samples), initial=0.0))
    if peak > 1.0:  # (far beyond full scale: the detector's input is within it)
        samples = samples / peak
        peak = 1.0
    level = loudest_db(samples)
    if np.isfinite(level) and level < _QUIET_DB and rises_and_falls(samples):
        samples = samples * min(10 ** ((_LIFTED_DB - level) / 20), 0.99 / max(peak, 1e-9))
    return samples.astype(np.float32)


def speech_heard(samples: np.ndarray) -> bool:
    """Whether faster-whisper's speech detector (Silero) hears any speech in ``samples``
    (16 kHz mono; quiet ones raised first, see :func:`_for_detector`)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(samples) == 0:
        return False
    return bool(get_speech_timestamps(_for_detector(samples), VadOptions()))


#: a channel's stretch quieter than this (loudest second, dB) is raised to
#: :data:`_LIFTED_DB` for the speech detector, which hears no speech in a reading at -53 dB
_QUIET_DB = -35.0
_LIFTED_DB = -20.0


def _resampled(resampler: av.AudioResampler, frame: av.AudioFrame | None,
               flush: bool) -> Iterator[np.ndarray]:
    """``frame`` through ``resampler`` (``flush``: and what it holds), as flat arrays."""
    for planes in _resampled_planes(resampler, frame, flush):
        yield planes.reshape(-1).copy()


def _audio_stream(path: str | os.PathLike[str],
                  container: av.container.InputContainer) -> av.AudioStream:
    if not container.streams.audio:
        raise UnsupportedFormatError(path, "no audio stream in the file")
    stream = container.streams.audio[0]
    if stream.codec_context is None:  # a codec tag FFmpeg has no decoder for
        raise CorruptInputError(path, "cannot decode audio: no decoder for its codec")
    if stream.rate and stream.rate < _MIN_RATE:  # (0: a header without one, FFmpeg's to judge)
        # a damaged header: at 1 Hz, 126 KB of samples would be 17 hours of "audio"
        raise CorruptInputError(path, f"a sample rate of {stream.rate} Hz is no recording's "
                                      f"(a damaged header?); speech needs {_MIN_RATE} or more")
    return stream


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream,
                       head: bytes = b"") -> float | None:
    """The audio's length as the file declares it, or None where it declares none: an
    MP3 without a length tag (FFmpeg guesses from the first frame's bitrate, wrong for
    VBR), a bare stream with no header at all (ADTS AAC, AMR, AC-3: FFmpeg guesses from a
    bitrate; an AAC file that starts quietly "declared" 435 s for 30), or a container
    whose only length covers a longer video stream too."""
    import av

    if container.format.name == "mp3" and not _mp3_length_tag(head):
        return None
    if container.format.name in _LENGTH_GUESSED:
        return None
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None and len(container.streams) == 1:
        return container.duration / av.time_base
    return None


def _peek(source: Path | BinaryIO, read: Callable[[BinaryIO], bytes]) -> bytes:
    """What ``read`` takes from the file at ``source``: a path, or an open file (an archive
    member in memory, which FFmpeg may be reading) whose position is put back."""
    if isinstance(source, Path):
        with open(source, "rb") as fh:
            return read(fh)
    start = source.tell()
    try:
        return read(source)
    finally:
        source.seek(start)


def _after_id3(fh: BinaryIO) -> bytes:
    """The first 8 KB of an MP3 past its ID3v2 tag (which may hold pictures): enough to
    find the first frame and its length tag, if any."""
    fh.seek(0)
    first = fh.read(10)
    skip = 0
    if len(first) == 10 and first[:3] == b"ID3":
        size = first[6:10]
        skip = 10 + ((size[0] & 0x7F) << 21 | (size[1] & 0x7F) << 14
                     | (size[2] & 0x7F) << 7 | (size[3] & 0x7F))
    fh.seek(skip)
    return fh.read(8192)


def _last_64k(fh: BinaryIO) -> bytes:
    fh.seek(0, os.SEEK_END)
    fh.seek(max(0, fh.tell() - 65536))
    return fh.read()


def _mp3_length_tag(head: bytes) -> bool:
    """Whether the first MPEG audio frame in ``head`` carries a length tag (Xing or Info,
    written by LAME and most encoders, or Fraunhofer's VBRI)."""
    for k in range(len(head) - 1):
        if head[k] == 0xFF and head[k + 1] & 0xE0 == 0xE0:
            frame = head[k:k + 200]
            return b"Xing" in frame or b"Info" in frame or b"VBRI" in frame
    return False


def _ogg_unfinished(source: Path | BinaryIO) -> bool:
    """Whether an Ogg file's last page lacks the end-of-stream mark: cut short, which
    FFmpeg decodes as a shorter recording without a word."""
    data = _peek(source, _last_64k)
    last = data.rfind(b"OggS")
    return last >= 0 and len(data) > last + 5 and not data[last + 5] & 0x04


def _check_wav_length(path: Path) -> None:
    """FFmpeg quietly decodes a cut-off WAV; compare the data chunk's size with the file."""
    with open(path, "rb") as fh:
        _check_wav_header(fh, path.stat().st_size, path)


def _wav_data_chunk(fh: BinaryIO, size: int) -> tuple[int, int, int] | None:
    """Where the data chunk of the RIFF/WAVE file ``fh`` (of ``size`` bytes) starts, the
    size its header declares and the format chunk's byte rate: ``(pos, declared,
    byte_rate)``; ``pos`` is -1 where no data chunk is found, and None is returned for a
    file that is no RIFF/WAVE (FFmpeg judges it). ``EOFError`` where the file ends inside
    its format chunk."""
    fh.seek(0)
    header = fh.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        return None
    pos = 12
    byte_rate = 0
    while pos + 8 <= size:
        fh.seek(pos)
        chunk_id, chunk_size = struct.unpack("<4sI", fh.read(8))
        if chunk_id == b"fmt " and chunk_size >= 12:
            fmt = fh.read(12)
            if len(fmt) < 12:  # (it was struct's "unpack requires a buffer of 4 bytes")
                raise EOFError
            byte_rate = struct.unpack("<I", fmt[8:12])[0]
        if chunk_id == b"data":
            return pos, chunk_size, byte_rate
        pos += 8 + chunk_size + (chunk_size & 1)
    return -1, 0, byte_rate


def _check_wav_header(fh: BinaryIO, size: int, name: str | os.PathLike[str]) -> None:
    try:
        found = _wav_data_chunk(fh, size)
    except EOFError:
        raise CorruptInputError(
            name, f"truncated: the WAV file ends inside its format chunk, at byte {size}"
        ) from None
    if found is None:
        return  # not RIFF/WAVE: FFmpeg will judge it
    pos, chunk_size, byte_rate = found
    if pos < 0:
        raise CorruptInputError(name, "truncated: the WAV file has no audio data chunk")
    available = size - pos - 8
    # 0 and 0xFFFFFFFF are written by recorders that never finished the header; under a
    # tenth of a second missing (a writer that counted a sample too many) is no cut
    allowed = _SHORTFALL_SECONDS * byte_rate
    if chunk_size not in (0, 0xFFFFFFFF) and chunk_size - available > allowed:
        raise CorruptInputError(
            name, f"truncated: the WAV header declares {chunk_size} bytes of audio "
                  f"but the file holds {available}")


def _wav_unread(fh: BinaryIO) -> bytes:
    """How many bytes (as digits; b"" for none) follow a WAV file's data chunk that are no
    chunk of the file: audio its header does not count (see :func:`_open_options`)."""
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    try:
        found = _wav_data_chunk(fh, size)
    except EOFError:
        return b""
    if found is None or found[0] < 0 or found[1] in (0, 0xFFFFFFFF):
        return b""  # (FFmpeg reads a data chunk of 0 or 0xFFFFFFFF bytes to the end)
    pos, chunk_size, byte_rate = found
    end = pos + 8 + chunk_size
    after = end + (chunk_size & 1)
    while after + 8 <= size:  # chunks after the audio (LIST, id3, cue ...)
        fh.seek(after)
        tag, length = struct.unpack("<4sI", fh.read(8))
        if not all(32 <= c < 127 for c in tag) or after + 8 + length > size:
            break
        after += 8 + length + (length & 1)
    unread = size - end if after < size - 1 else 0
    return str(unread).encode() if unread > _SHORTFALL_SECONDS * byte_rate else b""


def _open_options(source: Path | BinaryIO, notes: list[str] | None = None
                  ) -> dict[str, str]:
    """What FFmpeg is told when it opens ``source``: to read a WAV file's audio to the end
    of the file where its header counts less of it than the file holds, and more follows
    that is no chunk (a recorder that wrote its header's length early, or wrongly: a
    header counting half the data read half the recording, with no word said), with a
    note in ``notes``."""
    unread = _peek(source, _wav_unread)
    if not unread:
        return {}
    if notes is not None:
        notes.append(f"the WAV header counts {int(unread)} bytes fewer of audio than follow "
                     "it (a header written wrong?); the audio was read to the end of the "
                     "file")
    return {"ignore_length": "1"}


def _reason(exc: av.FFmpegError) -> str:
    return exc.strerror or str(exc)
