"""Audio decoding: every format, bad files mapped to our errors, and chunked streaming."""

from __future__ import annotations

import itertools
import shutil
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from uncertain import audio
from uncertain.errors import (
    CorruptInputError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    MissingFileError,
    UnsupportedFormatError,
)

ASR = Path(__file__).resolve().parent / "data" / "asr"


def write_wav(path: Path, samples: np.ndarray, rate: int = audio.SAMPLE_RATE) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


@pytest.mark.parametrize(
    ("name", "channels", "peak"),
    [
        ("tone.wav", 1, 0.5),
        ("tone.flac", 1, 0.5),
        ("tone.mp3", 1, 0.5),
        ("tone.ogg", 1, 0.5),
        ("tone.m4a", 1, 0.5),
        ("stereo.wav", 2, 0.5 * 0.7071),  # tone left, silence right: FFmpeg's -3 dB downmix
    ],
)
def test_audio_decode_each_format(name: str, channels: int, peak: float) -> None:
    samples = audio.decode(ASR / name)
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) / audio.SAMPLE_RATE == pytest.approx(1.0, abs=0.05)
    assert np.abs(samples).max() == pytest.approx(peak, rel=0.15)
    info = audio.probe(ASR / name)
    assert info.channels == channels
    assert info.sample_rate in (8000, 48000)
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_audio_probe_names_codec() -> None:
    assert audio.probe(ASR / "tone.flac").codec == "flac"
    assert audio.probe(ASR / "tone.ogg").container == "ogg"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncate(src: Path, dest: Path, fraction: float) -> Path:
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: d / "missing.wav", MissingFileError),
        (lambda d: _write(d / "empty.wav", b""), EmptyInputError),
        (lambda d: _write(d / "notes.wav", b"take two aspirin\n"), CorruptInputError),
        (lambda d: _truncate(ASR / "tone.wav", d / "cut.wav", 0.5), CorruptInputError),
        (lambda d: _truncate(ASR / "tone.flac", d / "cut.flac", 0.5), CorruptInputError),
        (lambda d: _truncate(ASR / "tone.flac", d / "head.flac", 0.01), CorruptInputError),
        (lambda d: _truncate(ASR / "tone.mp3", d / "cut.mp3", 0.5), CorruptInputError),
        (lambda d: _truncate(ASR / "tone.m4a", d / "cut.m4a", 0.5), CorruptInputError),
        (lambda d: _write(d / "pic.wav", b"\x89PNG\r\n\x1a\n" + bytes(64)), UnsupportedFormatError),
    ],
    ids=["missing", "zero-byte", "text-as-wav", "truncated-wav", "truncated-flac",
         "flac-header-only", "truncated-mp3", "truncated-m4a", "png-as-wav"],
)
def test_audio_bad_input_raises_with_path(tmp_path: Path, make, error) -> None:
    path = make(tmp_path)
    for call in (audio.decode, lambda p: list(audio.iter_chunks(p))):
        with pytest.raises(error) as info:
            call(path)
        assert isinstance(info.value, InputError)
        assert str(path) in str(info.value)


def _mp3(path: Path, samples: np.ndarray, bit_rate: int) -> bytes:
    """``samples`` (16 kHz) as a CBR MP3 without a length tag or an ID3 tag."""
    import av

    with av.open(str(path), "w", format="mp3",
                 options={"write_xing": "0", "id3v2_version": "0"}) as out:
        stream = out.add_stream("libmp3lame", rate=16000)
        stream.layout, stream.bit_rate = "mono", bit_rate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format="s16p", layout="mono", rate=16000)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path.read_bytes()


def test_audio_mp3_without_a_length_tag_is_read_whole(tmp_path: Path) -> None:
    """FFmpeg guesses an untagged MP3's length from its first frame's bitrate: two MP3s
    joined (2 s of silence at 8 kbit/s, 3 s of sound at 128) "declared 51.6 s" and were
    refused as truncated. Only a length tag (Xing, Info, VBRI) declares a length."""
    rng = np.random.default_rng(0)
    sound = 0.3 * np.sin(np.arange(3 * 16000) * 2 * np.pi * 440 / 16000) * rng.random(48000)
    joined = tmp_path / "joined.mp3"
    joined.write_bytes(_mp3(tmp_path / "a.mp3", np.zeros(2 * 16000), 8000)
                       + _mp3(tmp_path / "b.mp3", sound, 128000))
    assert len(audio.decode(joined)) / audio.SAMPLE_RATE == pytest.approx(5.0, abs=0.3)
    assert audio.probe(joined).duration is None
    assert audio.probe(ASR / "tone.mp3").duration == pytest.approx(1.0, abs=0.05)  # tagged


def _encode(path: Path, samples: np.ndarray, fmt: str, codec: str, rate: int,
            bit_rate: int | None = None, options: dict[str, str] | None = None) -> Path:
    """``samples`` (at ``rate``) encoded with PyAV by ``codec`` into a file of ``fmt``."""
    import av

    with av.open(str(path), "w", format=fmt, options=options or {}) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        if bit_rate is not None:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate = rate
        resampler = av.AudioResampler(format=stream.codec_context.format.name,
                                      layout="mono", rate=rate)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def _encode_or_kept(path: Path, samples: np.ndarray, fmt: str, codec: str, rate: int,
                    bit_rate: int | None = None,
                    options: dict[str, str] | None = None) -> Path:
    """``samples`` encoded as :func:`_encode` does; where this FFmpeg has no ``codec`` to
    write with (PyAV's wheels since 18.1.1 have no OpenCORE AMR encoder; their decoder
    reads AMR still), the file of the same name in ``tests/data/asr``, encoded from the
    same samples with the same settings where there was one."""
    import av

    try:
        av.Codec(codec, "w")
    except av.codec.codec.UnknownCodecError:
        kept = ASR / path.name
        if not kept.is_file():
            raise
        return kept
    return _encode(path, samples, fmt, codec, rate, bit_rate, options)


@pytest.mark.parametrize(("fmt", "codec", "rate"), [("adts", "aac", 16000),
                                                    ("amr", "libopencore_amrnb", 8000)])
def test_audio_a_bare_stream_is_not_refused_by_a_guessed_length(
        tmp_path: Path, fmt: str, codec: str, rate: int) -> None:
    """ADTS AAC and AMR have no header holding a length: FFmpeg guesses one from a
    bitrate. An AAC file that starts quietly "declared" 435 s for 30, and every AMR file
    over 3 s was 3% short of its guess (2% allowed): both refused as truncated."""
    t = np.arange(3 * rate) / rate
    tone = 0.3 * np.sin(2 * np.pi * 440 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    samples = np.concatenate([np.zeros(8 * rate), tone, tone, tone])
    path = _encode_or_kept(tmp_path / f"quiet.{fmt}", samples, fmt, codec, rate, 12200)
    assert len(audio.decode(path)) / audio.SAMPLE_RATE == pytest.approx(17.0, abs=0.2)
    assert audio.probe(path).duration is None


def test_audio_a_wav_a_sample_short_of_its_header_is_read(tmp_path: Path) -> None:
    """A WAV whose data chunk declares one 16-bit sample more than the file holds was
    refused as truncated (raw faster-whisper reads it); a tenth of a second is allowed,
    as decoding allows, and a real cut is still refused."""
    data = (ASR / "tone.wav").read_bytes()
    at = data.index(b"data") + 4
    size = int.from_bytes(data[at:at + 4], "little")
    short = _write(tmp_path / "short.wav", data[:at] + (size + 2).to_bytes(4, "little")
                   + data[at + 4:])
    assert len(audio.decode(short)) == len(audio.decode(ASR / "tone.wav"))
    cut = _write(tmp_path / "cut.wav", data[:at] + (size + 32000).to_bytes(4, "little")
                 + data[at + 4:])
    with pytest.raises(CorruptInputError, match="truncated"):
        audio.decode(cut)


@pytest.mark.parametrize("keep", [12, 20, 24, 30, 36])
def test_audio_a_wav_cut_inside_its_header_is_said_truncated(tmp_path: Path,
                                                              keep: int) -> None:
    """A WAV cut inside its format chunk (its first 20 or 30 bytes) failed with struct's
    "unpack requires a buffer of 4 bytes", an error of the package's own ("unexpected"
    on the command line), not the input's."""
    data = (ASR / "tone.wav").read_bytes()
    cut = _write(tmp_path / "cut.wav", data[:keep])
    with pytest.raises(CorruptInputError, match=r"cut\.wav: truncated"):
        audio.decode(cut)


def test_audio_video_longer_than_its_sound_is_not_truncated(tmp_path: Path) -> None:
    """A Matroska or WebM file gives no length for its audio stream, and the container's
    covers the video too: a clip whose picture outlasts its sound was "truncated"."""
    import av

    path = tmp_path / "clip.mkv"
    sound = (0.3 * np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000)).astype(np.float32)
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=10)
        video.width = video.height = 64
        video.pix_fmt = "yuv420p"
        sound_stream = out.add_stream("aac", rate=16000)
        sound_stream.layout = "mono"
        for i in range(30):  # 3 s of picture
            picture = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8),
                                                 format="rgb24")
            picture.pts = i
            for packet in video.encode(picture):
                out.mux(packet)
        frame = av.AudioFrame.from_ndarray(sound.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=16000)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in sound_stream.encode(f):
                out.mux(packet)
        for stream in (sound_stream, video):
            for packet in stream.encode(None):
                out.mux(packet)
    assert len(audio.decode(path)) / audio.SAMPLE_RATE == pytest.approx(1.0, abs=0.05)


def test_audio_codec_without_a_decoder_is_an_error_naming_the_file(tmp_path: Path) -> None:
    # a WAV whose format tag FFmpeg does not know failed with "'NoneType' object has no
    # attribute 'name'"
    data = bytearray((ASR / "tone.wav").read_bytes())
    data[20:22] = (0x1234).to_bytes(2, "little")
    path = _write(tmp_path / "odd.wav", bytes(data))
    for call in (audio.probe, audio.decode):
        with pytest.raises(CorruptInputError, match="no decoder for its codec") as info:
            call(path)
        assert str(path) in str(info.value)


def test_audio_ogg_cut_short_is_said(tmp_path: Path) -> None:
    """An Ogg file cut short decodes as a shorter recording; its last page lacks the
    end-of-stream mark, and the document says so."""
    import av

    whole = tmp_path / "tone.ogg"
    with av.open(str(whole), "w") as out:  # 5 s of Opus: many pages
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        tone = 0.3 * np.sin(np.arange(5 * 16000) * 2 * np.pi * 440 / 16000)
        frame = av.AudioFrame.from_ndarray(tone.reshape(1, -1).astype(np.float32),
                                           format="flt", layout="mono")
        frame.sample_rate = 16000
        resampler = av.AudioResampler(format=stream.codec_context.format.name,
                                      layout="mono", rate=48000)
        for f in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    notes: list[str] = []
    assert len(audio.decode(whole, on_note=notes.append)) / 16000 == pytest.approx(5, abs=0.1)
    assert notes == []
    cut = _truncate(whole, tmp_path / "cut.ogg", 0.6)
    assert len(audio.decode(cut, on_note=notes.append)) / 16000 < 4
    assert notes == ["the Ogg stream ends without its end-of-stream page: the file was cut "
                     "short, and what was read is all there is"]


def test_audio_wav_with_unfinished_header_is_accepted(tmp_path: Path) -> None:
    """Recorders that were killed leave data size 0xFFFFFFFF; FFmpeg reads those fine."""
    path = write_wav(tmp_path / "live.wav", np.zeros(8000, dtype=np.float32))
    data = bytearray(path.read_bytes())
    data[40:44] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    assert len(audio.decode(path)) == 8000


def test_audio_chunks_join_to_the_one_piece_decode(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    signal = (0.3 * rng.standard_normal(16000 * 7)).astype(np.float32)
    path = write_wav(tmp_path / "noise.wav", signal)
    whole = audio.decode(path)
    chunks = list(audio.iter_chunks(path, chunk_seconds=2.0, search_seconds=0.5))
    assert len(chunks) >= 3
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), whole)
    for before, after in itertools.pairwise(chunks):
        assert after.start == pytest.approx(before.end)
    assert all(c.duration <= 2.5 + 0.02 for c in chunks)


def test_audio_chunks_of_a_real_flac_join_exactly() -> None:
    flac = ASR.parent.parent.parent / "samples" / "jfk.flac"
    whole = audio.decode(flac)
    chunks = list(audio.iter_chunks(flac, chunk_seconds=3.0, search_seconds=1.0))
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), whole)
    assert chunks[-1].end == pytest.approx(len(whole) / audio.SAMPLE_RATE)


def test_audio_short_file_is_one_chunk() -> None:
    chunks = list(audio.iter_chunks(ASR / "tone.wav"))
    assert len(chunks) == 1 and chunks[0].start == 0.0


def test_audio_chunk_cut_falls_in_the_quiet_gap(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    signal = (0.3 * rng.standard_normal(16000 * 14)).astype(np.float32)
    signal[int(16000 * 8.6):int(16000 * 9.0)] *= 0.001  # a pause 8.6-9.0 s in
    path = write_wav(tmp_path / "pause.wav", signal)
    first = next(audio.iter_chunks(path, chunk_seconds=10.0, search_seconds=2.0))
    assert 8.6 <= first.end <= 9.0


def test_audio_quietest_cut_stays_in_range() -> None:
    samples = np.ones(16000, dtype=np.float32)
    samples[12000:13000] = 0
    cut = audio.quietest_cut(samples, 8000, 16000)
    assert 12000 <= cut <= 13000
    assert audio.quietest_cut(samples, 100, 200) == 200  # shorter than one window


def test_audio_loudest_db() -> None:
    assert audio.loudest_db(np.zeros(16000, dtype=np.float32)) == -np.inf
    tone = np.full(16000, 0.1, dtype=np.float32)
    assert audio.loudest_db(tone) == pytest.approx(-20.0, abs=0.01)
    quiet_then_loud = np.concatenate([np.zeros(32000), np.full(1000, 0.1)]).astype(np.float32)
    assert audio.loudest_db(quiet_then_loud) == pytest.approx(-20.0, abs=0.01)


def test_audio_is_silence_is_quiet_and_level() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(3 * 16000) / 16000
    # a voice-like signal: a tone that rises and falls four times a second
    voice = (np.sin(2 * np.pi * 200 * t) * np.clip(np.sin(2 * np.pi * 2 * t), 0, 1))
    for db in (-20, -65, -75):
        assert audio.is_silence((voice * 10 ** (db / 20)).astype(np.float32), -60.0) is False
    for db in (-65, -85):  # hiss at the same levels: silence
        hiss = rng.normal(0, 10 ** (db / 20), 3 * 16000).astype(np.float32)
        assert audio.is_silence(hiss, -60.0) is True
        # quiet speech over a hiss 7 dB under it still rises and falls (its spread was
        # 5-9 dB, under the 10 dB the gate asked for, and raw Whisper read 110 words)
        over = (voice * 10 ** ((db + 7) / 20) + hiss).astype(np.float32)
        assert audio.is_silence(over, -60.0) is False
    assert audio.is_silence(np.zeros(48000, dtype=np.float32), -60.0) is True
    assert audio.is_silence((voice * 1e-6).astype(np.float32), -60.0) is True  # -120 dB


def test_audio_iter_chunks_rejects_bad_lengths() -> None:
    with pytest.raises(ValueError):
        next(audio.iter_chunks(ASR / "tone.wav", chunk_seconds=1.0, search_seconds=1.0))


def test_audio_fixture_files_are_small() -> None:
    for path in ASR.iterdir():
        if path.suffix in (".wav", ".flac", ".mp3", ".ogg", ".m4a"):
            assert path.stat().st_size < 40_000, path


def test_audio_copy_keeps_decoding(tmp_path: Path) -> None:
    """The path in errors is the one given; a renamed copy decodes the same."""
    copy = tmp_path / "renamed.audio"
    shutil.copy(ASR / "tone.flac", copy)
    assert np.array_equal(audio.decode(copy), audio.decode(ASR / "tone.flac"))


def write_float_wav(path: Path, samples: np.ndarray, rate: int = audio.SAMPLE_RATE) -> Path:
    """A 32-bit float WAV (format 3) holding ``samples`` as they are, NaN included."""
    import struct

    data = np.asarray(samples, dtype="<f4").tobytes()
    path.write_bytes(b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
                     + b"fmt " + struct.pack("<IHHIIHH", 16, 3, 1, rate, 4 * rate, 4, 32)
                     + b"data" + struct.pack("<I", len(data)) + data)
    return path


def test_audio_samples_that_are_no_numbers_are_silence_and_said(tmp_path: Path) -> None:
    """A damaged float recording's NaN and infinite samples decode as silence, and one
    note says how many: whole, from memory and chunk by chunk."""
    rng = np.random.default_rng(1)
    signal = (0.3 * rng.standard_normal(16000 * 7)).astype(np.float32)
    damaged = signal.copy()
    bad = [100, 20_000, 20_001, 90_000]
    damaged[bad] = [np.nan, np.inf, -np.inf, np.nan]
    path = write_float_wav(tmp_path / "damaged.wav", damaged)
    note = ("4 samples (0.000 s) of the audio were not numbers (NaN or infinite: a damaged "
            "recording) and were read as silence")
    notes: list[str] = []
    whole = audio.decode(path, on_note=notes.append)
    assert np.isfinite(whole).all() and (whole[bad] == 0.0).all() and notes == [note]
    assert np.array_equal(np.delete(whole, bad), np.delete(signal, bad))
    notes = []
    in_memory = audio.decode_bytes(path.read_bytes(), "damaged.wav", on_note=notes.append)
    assert np.array_equal(in_memory, whole) and notes == [note]
    notes = []
    chunks = list(audio.iter_chunks(path, chunk_seconds=2.0, search_seconds=0.5,
                                    on_note=notes.append))
    assert len(chunks) >= 3 and notes == [note]
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), whole)
    # a sound recording has nothing to say
    clean = write_float_wav(tmp_path / "clean.wav", signal)
    notes = []
    assert np.array_equal(audio.decode(clean, on_note=notes.append), signal)
    list(audio.iter_chunks(clean, on_note=notes.append))
    assert notes == []


def test_audio_samples_far_beyond_full_scale_are_scaled_down(tmp_path: Path) -> None:
    """16-bit values stored as floats (peak 26214 where full scale is 1) are read scaled
    down by the loudest sample so far, from the first piece that goes beyond
    ``OVER_RANGE`` on; a recording within range (up to 8 times full scale, which Whisper
    still hears) is read as it is."""
    rng = np.random.default_rng(2)
    signal = np.clip(0.2 * rng.standard_normal(16000 * 12), -0.8, 0.8).astype(np.float32)
    loud = write_float_wav(tmp_path / "int16_as_float.wav", signal * 32767)
    notes: list[str] = []
    read = audio.decode(loud, on_note=notes.append)
    peak = float(np.abs(signal * 32767).max())
    assert np.abs(read).max() == pytest.approx(1.0)
    assert np.allclose(read, signal * 32767 / peak, atol=1e-6)
    assert notes == [f"the audio's samples reach {peak:.6g} where full scale is 1 (16-bit "
                     "values stored as floats?); it was read scaled down by its loudest sample"]
    # beyond range only after 6 s: the pieces before it are as they were
    later = signal.copy()
    later[16000 * 6:] *= 1000
    notes = []
    read = audio.decode(write_float_wav(tmp_path / "later.wav", later), on_note=notes.append)
    assert np.array_equal(read[:16000 * 5], later[:16000 * 5])
    assert np.abs(read).max() <= 1.0 and "read scaled down" in notes[0]
    started = float(notes[0].rsplit("from ", 1)[1].removesuffix(" s on"))
    assert 5.0 <= started <= 6.0  # the piece (about 5 s) in which it went beyond
    # within range: untouched, nothing said
    hot = write_float_wav(tmp_path / "hot.wav", signal * 8)
    notes = []
    assert np.array_equal(audio.decode(hot, on_note=notes.append), signal * 8)
    assert notes == []


def test_audio_clicks_beyond_full_scale_are_read_as_silence(tmp_path: Path) -> None:
    """A few samples far beyond full scale among samples within it are clicks: read as
    silence, the rest as it was, where scaling by them would leave the recording after
    them 40 dB too quiet; a 16-bit recording stored as floats whose first piece only
    starts to speak is still scaled from the piece after."""
    rng = np.random.default_rng(3)
    signal = np.clip(0.2 * rng.standard_normal(16000 * 12), -0.8, 0.8).astype(np.float32)
    clicked = signal.copy()
    spikes = [16000 * 3, 16000 * 8, 16000 * 8 + 1]
    clicked[spikes] = [100.0, -3000.0, 250.0]
    notes: list[str] = []
    read = audio.decode(write_float_wav(tmp_path / "clicks.wav", clicked), on_note=notes.append)
    assert (read[spikes] == 0.0).all()
    assert np.array_equal(np.delete(read, spikes), np.delete(signal, spikes))
    assert notes == ["3 samples (0.000 s) of the audio were far beyond full scale among "
                     "samples within it (clicks: a damaged recording) and were read as silence"]
    notes = []
    one = signal.copy()
    one[16000 * 7] = 100.0
    chunks = list(audio.iter_chunks(write_float_wav(tmp_path / "one.wav", one),
                                    chunk_seconds=2.0, search_seconds=0.5,
                                    on_note=notes.append))
    assert np.abs(np.concatenate([c.samples for c in chunks])).max() <= 0.8
    assert notes == ["1 sample (0.000 s) of the audio were far beyond full scale among "
                     "samples within it (clicks: a damaged recording) and were read as silence"]
    # 16-bit values as floats, silent but for the last 3 ms of the first piece: those few
    # read as clicks, the rest scaled from the next piece on
    wakes = np.zeros(16000 * 12, dtype=np.float32)
    first = len(next(audio._pieces(write_float_wav(tmp_path / "silent.wav", wakes))))
    wakes[first - 48:] = signal[first - 48:] * 32767
    notes = []
    read = audio.decode(write_float_wav(tmp_path / "wakes.wav", wakes), on_note=notes.append)
    assert np.abs(read).max() == pytest.approx(1.0)
    assert len(notes) == 2 and "read scaled down" in notes[1]


def _write_stereo(path: Path, left: np.ndarray, right: np.ndarray, rate: int,
                  codec: str) -> Path:
    """A two-channel file of ``left`` and ``right`` (floats at full scale 1), encoded by
    FFmpeg as ``codec`` (pcm_s16le, flac, aac ...)."""
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo")
        fmt = stream.codec_context.format
        data = np.stack([left, right])
        if not fmt.is_planar:
            data = data.T.reshape(1, -1)
        if fmt.name.startswith("u8"):
            data = (data * 127 + 128).astype(np.uint8)
        elif fmt.name.startswith("s16"):
            data = (data * 32767).astype(np.int16)
        elif fmt.name.startswith("s32"):
            data = (data * 2**31 * 0.99).astype(np.int32)
        else:
            data = data.astype(np.float32)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=fmt.name,
                                           layout="stereo")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return path


@pytest.mark.parametrize(("codec", "suffix", "rate"), [
    ("pcm_s16le", "wav", 16000), ("flac", "flac", 44100), ("pcm_f32le", "wav", 48000),
    ("aac", "m4a", 44100), ("pcm_u8", "wav", 8000)])
def test_audio_channels_that_cancel_are_read_one_alone(tmp_path: Path, codec: str,
                                                      suffix: str, rate: int) -> None:
    """A stereo recording whose right channel is the left one inverted mixes to silence:
    it is read from one channel, with a note; channels that do not cancel (the right a
    quieter copy, or silent) are mixed as before, and nothing is said."""
    t = np.arange(rate * 7) / rate
    # a tone that comes and goes, silent for its first second (the check waits for sound)
    left = (0.3 * np.sin(2 * np.pi * 440 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0)
            * (t > 1.0)).astype(np.float32)
    notes: list[str] = []
    inverted = audio.decode(_write_stereo(tmp_path / f"inverted.{suffix}", left, -left, rate,
                                          codec), on_note=notes.append)
    assert notes == ["the audio's 2 channels cancel when mixed to mono (one is another "
                     "inverted); channel 1 alone was read"]
    assert 0.25 < np.abs(inverted).max() < 0.35  # the tone itself, not a residue of the mix
    for right, name in ((0.5 * left, "copy"), (np.zeros_like(left), "left")):
        notes = []
        mixed = audio.decode(_write_stereo(tmp_path / f"{name}.{suffix}", left, right, rate,
                                           codec), on_note=notes.append)
        assert notes == [] and len(mixed) == len(inverted)
    # a mixed recording is what FFmpeg's downmix gives, as before: -3 dB a channel
    assert np.abs(mixed).max() == pytest.approx(0.3 * 0.7071, rel=0.1)


def test_audio_file_name_with_a_colon_is_a_file(tmp_path: Path, samples_dir: Path) -> None:
    """FFmpeg read "rec-2024-05-01T09:30.flac" as a URL of protocol "rec-2024-05-01T09"
    ("Protocol not found"): a recording named by its time failed as corrupt."""
    import os
    import shutil

    named = tmp_path / "rec-2024-05-01T09:30.flac"
    shutil.copy(samples_dir / "jfk.flac", named)
    expected = audio.decode(samples_dir / "jfk.flac")
    assert np.array_equal(audio.decode(named), expected)
    assert audio.probe(named).duration == audio.probe(samples_dir / "jfk.flac").duration
    here = os.getcwd()
    os.chdir(tmp_path)
    try:  # named with no folder, as a user in that folder names it
        assert np.array_equal(audio.decode("rec-2024-05-01T09:30.flac"), expected)
    finally:
        os.chdir(here)


@pytest.mark.parametrize(("name", "codec", "muxer", "rate", "options"), [
    ("a.aac", "aac", "adts", 16000, {}),
    ("a.wma", "wmav2", "asf", 16000, {}),
    ("a.ac3", "ac3", "ac3", 48000, {}),
    ("a.caf", "pcm_s16le", "caf", 16000, {}),
    ("a.au", "pcm_s16be", "au", 16000, {}),
    ("a.w64", "pcm_s16le", "w64", 16000, {}),
    ("a.wav", "pcm_s16le", "wav", 16000, {"rf64": "always"}),
    ("a.amr", "libopencore_amrnb", "amr", 8000, {}),
    ("a.avi", "mp2", "avi", 16000, {}),
    ("a.ts", "mp2", "mpegts", 16000, {}),
    ("a.m2ts", "aac", "mpegts", 16000, {"mpegts_m2ts_mode": "1"}),
    ("a.mpg", "mp2", "mpeg", 16000, {}),
    ("a.wv", "wavpack", "wv", 16000, {}),
    ("a.flv", "aac", "flv", 16000, {}),
    ("a.eac3", "eac3", "eac3", 48000, {}),
    ("a.m4b", "aac", "ipod", 16000, {}),
    ("a.weba", "libopus", "webm", 48000, {}),
    ("a.bwf", "pcm_s16le", "wav", 16000, {"write_bext": "1"}),
])
def test_audio_formats_ffmpeg_reads_are_known_by_their_bytes(
        tmp_path: Path, name: str, codec: str, muxer: str, rate: int,
        options: dict[str, str]) -> None:
    """ADTS AAC, WMA, AC-3, CAF, Sun audio, Wave64, RF64 (a WAV over 4 GB) and AMR were
    "not a supported audio, image, PDF or text format", though FFmpeg decodes them
    (.aac and .wma were even taken from folders as audio); so were AVI, MPEG transport
    and program streams, WavPack and FLV, and a folder left out .m4b, .weba, .bwf..."""
    import av

    from uncertain._io import is_input_name
    from uncertain.ingest import detect

    tone = 0.3 * np.sin(np.arange(rate) * 2 * np.pi * 440 / rate)
    try:
        path = _encode_or_kept(tmp_path / name, tone, muxer, codec, rate,
                               64000 if codec == "wmav2" else None, options)
    except (av.FFmpegError, ValueError) as exc:  # an FFmpeg built without the encoder
        pytest.skip(f"cannot write {name} here: {exc}")
    assert detect(path).kind == "audio" and is_input_name(name)
    assert len(audio.decode(path)) / audio.SAMPLE_RATE == pytest.approx(1.0, abs=0.1)


def test_audio_a_sample_rate_no_recording_has_is_a_damaged_header(tmp_path: Path) -> None:
    """A WAV header saying 1 Hz made 126 KB of samples 17.5 hours of audio, transcribed
    for minutes on end."""
    import struct

    data = bytearray((ASR / "tone.wav").read_bytes())
    data[24:28] = struct.pack("<I", 1)  # the sample rate
    data[28:32] = struct.pack("<I", 2)  # the byte rate to match
    path = _write(tmp_path / "slow.wav", bytes(data))
    for call in (audio.probe, audio.decode):
        with pytest.raises(CorruptInputError, match="a sample rate of 1 Hz") as info:
            call(path)
        assert str(path) in str(info.value)


def _burst_after_damage(tmp_path: Path, name: str, fmt: str, codec: str, rate: int,
                        share: float = 0.02) -> tuple[Path, Path]:
    """A 10 s recording (a quiet hum, a loud burst at 7.0-7.5 s) and a copy with
    ``share`` of its bytes, from 40% of the file on, overwritten with random bytes."""
    t = np.arange(10 * rate) / rate
    samples = 0.05 * np.sin(2 * np.pi * 300 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    burst = (t >= 7.0) & (t < 7.5)
    samples[burst] = 0.6 * np.sin(2 * np.pi * 1000 * t[burst])
    whole = _encode(tmp_path / f"whole.{name}", samples, fmt, codec, rate)
    data = bytearray(whole.read_bytes())
    at, size = int(len(data) * 0.4), max(512, int(len(data) * share))
    data[at:at + size] = np.random.default_rng(7).integers(0, 256, size, np.uint8).tobytes()
    return whole, _write(tmp_path / f"damaged.{name}", bytes(data))


def _onset(samples: np.ndarray) -> float:
    """Where the loud burst starts: the first 5 ms after 5 s louder than 0.3."""
    window = audio.SAMPLE_RATE // 200
    start = 5 * audio.SAMPLE_RATE
    n = (len(samples) - start) // window
    peaks = np.abs(samples[start:start + n * window]).reshape(n, window).max(axis=1)
    return (start + int(np.argmax(peaks > 0.3)) * window) / audio.SAMPLE_RATE


#: formats a test damages inside: name, muxer, encoder, sample rate
_DAMAGEABLE = [
    ("mp3", "mp3", "libmp3lame", 16000),
    ("m4a", "mp4", "aac", 16000),
    ("ogg", "ogg", "libopus", 48000),
    ("flac", "flac", "flac", 16000),
]


@pytest.mark.parametrize(("name", "fmt", "codec", "rate"), _DAMAGEABLE)
def test_audio_a_file_damaged_inside_is_read_around_the_damage(
        tmp_path: Path, name: str, fmt: str, codec: str, rate: int) -> None:
    """Bytes overwritten inside a file (a bad sector, a broken transfer) made the whole
    MP3 or M4A "cannot decode audio", and an Ogg file "truncated or damaged" (its demuxer
    skips the pages it cannot read); a FLAC file came out short without a word, the
    audio after the damage early. The packets FFmpeg cannot decode are read as silence
    of their length: the rest of the file is read, in its place, and the note says
    where."""
    whole, damaged = _burst_after_damage(tmp_path, name, fmt, codec, rate)
    clean = audio.decode(whole)
    notes: list[str] = []
    read = audio.decode(damaged, on_note=notes.append)
    assert len(read) / audio.SAMPLE_RATE == pytest.approx(len(clean) / audio.SAMPLE_RATE,
                                                          abs=0.06)
    assert _onset(read) == pytest.approx(_onset(clean), abs=0.03)
    assert len(notes) == 1, notes
    prefix = f"{damaged}: damaged at "
    assert notes[0].startswith(prefix) and notes[0].endswith(
        " s of audio unreadable, read as silence")
    stretch, lost = notes[0].removeprefix(prefix).split(" s: ")
    start, end = (float(x) for x in stretch.split("-"))
    assert 2.5 < start < end < 6.5 and 0 < float(lost.split(" ")[0]) < 2.5
    assert np.abs(read[int(start * 16000) + 80:int(end * 16000) - 80]).max() == 0.0
    # chunk by chunk and from memory alike
    notes = []
    chunks = list(audio.iter_chunks(damaged, chunk_seconds=3.0, search_seconds=1.0,
                                    on_note=notes.append))
    assert np.array_equal(np.concatenate([c.samples for c in chunks]), read)
    assert len(notes) == 1 and notes[0].startswith(prefix)
    notes = []
    in_memory = audio.decode_bytes(damaged.read_bytes(), "member.x", on_note=notes.append)
    assert np.array_equal(in_memory, read)
    assert len(notes) == 1 and notes[0].startswith("member.x: damaged at ")
    # a whole file has nothing to say
    notes = []
    audio.decode(whole, on_note=notes.append)
    assert notes == []


@pytest.mark.parametrize("rate", [16000, 44100])
def test_audio_ogg_vorbis_is_read_whole_without_a_damage_note(tmp_path: Path,
                                                               rate: int) -> None:
    """Vorbis stamps the first frame after a change of block size 8-10 ms early: each
    was read as lost data, so a whole Ogg Vorbis file (sox's, oggenc's) was "damaged at
    0.04-0.05 s, 0.32-0.33 s ... and 6 more places", with silence put in and the words
    after it late. A jump is a loss only when the frames after it stay ahead."""
    import subprocess

    t = np.arange(10 * rate) / rate
    samples = 0.05 * np.sin(2 * np.pi * 300 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    burst = (t >= 7.0) & (t < 7.5)
    samples[burst] = 0.6 * np.sin(2 * np.pi * 1000 * t[burst])
    source = tmp_path / "tone.wav"
    with wave.open(str(source), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    vorbis = tmp_path / "tone.ogg"
    subprocess.run(["sox", str(source), "-C", "3", str(vorbis)], check=True)
    assert audio.probe(vorbis).codec == "vorbis"
    notes: list[str] = []
    read = audio.decode(vorbis, on_note=notes.append)
    assert notes == []
    assert len(read) == 10 * audio.SAMPLE_RATE
    assert _onset(read) == pytest.approx(7.0, abs=0.006)


@pytest.mark.parametrize(("name", "fmt", "codec", "rate"), _DAMAGEABLE)
def test_audio_a_file_damaged_nearly_everywhere_is_refused(
        tmp_path: Path, name: str, fmt: str, codec: str, rate: int) -> None:
    """Silence in place of most of a recording is no reading of it: a file of which
    under half decodes is refused, naming the file."""
    _, damaged = _burst_after_damage(tmp_path, name, fmt, codec, rate, share=0.55)
    for call in (audio.decode, lambda p: list(audio.iter_chunks(p))):
        with pytest.raises(CorruptInputError) as info:
            call(damaged)
        assert str(damaged) in str(info.value)


def test_audio_longer_than_the_limit_is_refused_before_it_is_decoded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An image has a decompression-bomb limit; audio had none: a small, highly compressed
    file holding hours (640 KB of FLAC for an hour of silence, 530 MB decoded) was decoded
    whole into memory. Where the container says its length, it is refused before."""
    path = write_wav(tmp_path / "long.wav", np.zeros(3 * audio.SAMPLE_RATE, np.float32))
    monkeypatch.setenv(audio.MAX_SECONDS_ENV, "2")

    def never(*args: object) -> None:
        raise AssertionError("decoded")

    with monkeypatch.context() as m:
        m.setattr(audio, "_frames", never)
        for read in (audio.decode, lambda p: list(audio.iter_chunks(p)),
                     lambda p: audio.decode_bytes(p.read_bytes(), "set.tar::long.wav")):
            with pytest.raises(InputTooLargeError, match=r"3 s long, over the limit of 2 s"
                               ) as caught:
                read(path)
            assert caught.value.path.endswith("long.wav")
            assert audio.MAX_SECONDS_ENV in str(caught.value)
    # the keyword sets another limit than the environment's; the default is hours
    assert len(audio.decode(path, max_seconds=3.5)) == 3 * audio.SAMPLE_RATE
    with pytest.raises(InputTooLargeError):
        audio.decode(path, max_seconds=2.5)
    monkeypatch.setenv(audio.MAX_SECONDS_ENV, "inf")
    assert len(audio.decode(path)) == 3 * audio.SAMPLE_RATE
    monkeypatch.delenv(audio.MAX_SECONDS_ENV)
    assert audio.max_seconds_of() == audio.DEFAULT_MAX_SECONDS >= 3 * 3600


def test_audio_whose_length_is_not_declared_is_refused_while_it_decodes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a stream whose container says no length (an MP3 without a length tag, ADTS AAC) is
    # stopped once the limit has decoded, not decoded whole
    path = write_wav(tmp_path / "long.wav", np.zeros(60 * audio.SAMPLE_RATE, np.float32))
    monkeypatch.setattr(audio, "_declared_duration", lambda *args: None)
    read: list[int] = []
    grouped = audio._grouped

    def counted(*args: Any) -> Iterator[np.ndarray]:
        for group in grouped(*args):
            read.append(len(group))
            yield group

    monkeypatch.setattr(audio, "_grouped", counted)
    with pytest.raises(InputTooLargeError, match=r"over 10 s long \(it decodes on past that\)"):
        audio.decode(path, max_seconds=10)
    assert 10 * audio.SAMPLE_RATE < sum(read) <= 20 * audio.SAMPLE_RATE


@pytest.mark.parametrize("setting", ["abc", "0", "-5", "nan"])
def test_audio_limit_that_is_no_length_is_refused_naming_where_it_was_set(
        monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(audio.MAX_SECONDS_ENV, setting)
    with pytest.raises(ValueError, match=rf"\${audio.MAX_SECONDS_ENV}="):
        audio.max_seconds_of()
    with pytest.raises(ValueError, match="max_seconds=0"):
        audio.max_seconds_of(0)


def test_audio_a_channel_without_speech_is_left_out_while_another_speaks(
        tmp_path: Path, samples_dir: Path) -> None:
    """A stereo recording with the speech in one channel and steady noise louder than
    it in the other was mixed to mono under the noise (tiny.en heard nothing in it):
    the speech detector, run on each channel alone, hears no speech in the noise, and
    while the other channel speaks the noise is left out of the mix, with a note. A
    recording whose channels speak together (the same voice in both) is mixed as before,
    and nothing is said."""
    speech = audio.decode(samples_dir / "dictation.wav")
    level = float(np.sqrt(np.mean(speech[np.abs(speech) > 0.01] ** 2)))
    noise = np.random.default_rng(0).normal(0, 2 * level, len(speech)).astype(np.float32)
    notes: list[str] = []
    path = _write_stereo(tmp_path / "noisy.wav", speech, noise, audio.SAMPLE_RATE, "pcm_s16le")
    mixed = audio.decode(path, on_note=notes.append)
    assert len(notes) == 1 and notes[0].startswith(
        "the audio's 2 channels hold speech at different times (speech heard: channel 1 ")
    assert notes[0].split("speech heard: ")[1].split(")")[0].endswith("channel 2 none")
    # the speech as it was in the mix (-3 dB), without the noise
    assert np.corrcoef(mixed, speech)[0, 1] > 0.95
    speaking = np.abs(mixed - 0.7071 * speech) < 0.01
    assert speaking.mean() > 0.9
    notes = []
    same = audio.decode(_write_stereo(tmp_path / "same.wav", speech, speech,
                                      audio.SAMPLE_RATE, "pcm_s16le"), on_note=notes.append)
    assert notes == [] and np.abs(same - 2 * 0.7071 * speech).max() < 0.01


def test_audio_a_call_side_that_speaks_late_is_heard_over_the_whole_recording(
        tmp_path: Path, samples_dir: Path) -> None:
    """A call with each side on its own channel, the second silent for its first 70 s
    (past the speech detector's first minute) under a hiss in the first as loud as the
    speech: the channels are judged over the whole recording, and the second side is
    mixed in where it speaks, the first's hiss out."""
    jfk = audio.decode(samples_dir / "jfk.flac")
    gap = np.zeros(70 * audio.SAMPLE_RATE - len(jfk), dtype=np.float32)
    hiss = np.random.default_rng(1).normal(0, 0.1, len(jfk) + len(gap) + len(jfk))
    left = (np.concatenate([jfk, gap, np.zeros_like(jfk)]) + hiss).astype(np.float32)
    right = np.concatenate([np.zeros_like(jfk), gap, jfk])
    notes: list[str] = []
    mixed = audio.decode(_write_stereo(tmp_path / "call.flac", np.clip(left, -1, 1), right,
                                       audio.SAMPLE_RATE, "flac"), on_note=notes.append)
    assert len(notes) == 1 and "channel 1 " in notes[0] and "channel 2 none" not in notes[0]
    late = slice(70 * audio.SAMPLE_RATE, 70 * audio.SAMPLE_RATE + len(jfk))
    assert np.corrcoef(mixed[late], right[late])[0, 1] > 0.95
    assert np.corrcoef(mixed[:len(jfk)], left[:len(jfk)])[0, 1] > 0.99  # (its hiss and all)


def test_audio_a_wav_header_counting_less_audio_than_follows_is_read_to_the_end(
        tmp_path: Path, samples_dir: Path) -> None:
    """A WAV file whose data chunk's size counts half the audio that follows it was read
    as its first half, the rest lost with no word said: what follows the counted audio
    that is no chunk of the file (LIST, id3 ...) is read as audio too, with a note. A
    chunk after the audio is no audio, and nothing is said of it."""
    import struct

    data = bytearray((samples_dir / "dictation.wav").read_bytes())
    expected = audio.decode(samples_dir / "dictation.wav")
    at = data.find(b"data")
    size = struct.unpack("<I", data[at + 4:at + 8])[0]
    short = bytearray(data)
    short[at + 4:at + 8] = struct.pack("<I", size // 2)
    path = tmp_path / "short.wav"
    path.write_bytes(short)
    notes: list[str] = []
    read = audio.decode(path, on_note=notes.append)
    assert np.array_equal(read, expected)
    assert notes == [f"the WAV header counts {size - size // 2} bytes fewer of audio than "
                     "follow it (a header written wrong?); the audio was read to the end "
                     "of the file"]
    # (its length, for a progress bar, is unknown: not the header's half)
    assert audio.probe(path).duration is None
    assert audio.probe(samples_dir / "dictation.wav").duration == pytest.approx(32.457, abs=0.01)
    notes = []
    assert np.array_equal(audio.decode_bytes(bytes(short), "a.wav", on_note=notes.append),
                          expected) and len(notes) == 1
    info = b"INFOISFT" + struct.pack("<I", 6) + b"test\x00\x00"
    tagged = tmp_path / "tagged.wav"
    tagged.write_bytes(bytes(data) + b"LIST" + struct.pack("<I", len(info)) + info)
    notes = []
    assert np.array_equal(audio.decode(tagged, on_note=notes.append), expected)
    assert notes == []


@pytest.mark.parametrize("layout", ["5.1", "quad"])
def test_audio_a_mix_of_many_channels_is_no_louder_than_a_stereo_one(
        tmp_path: Path, samples_dir: Path, layout: str) -> None:
    """FFmpeg's weights of a 5.1 mix to mono add up to 3.4: the dictation in six
    channels reached Whisper at 3.4 times full scale (word error 0.17 against the file
    in mono, 0.06 at the stereo mix's 1.4 times). A mix of more channels than two is
    scaled to be no louder than a stereo mix of the same sound; stereo is as before."""
    import av

    speech = audio.decode(samples_dir / "dictation.wav")
    n = len(av.AudioLayout(layout).channels)
    path = tmp_path / f"{n}.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=audio.SAMPLE_RATE, layout=layout)
        data = np.ascontiguousarray(np.repeat(speech[None, :], n, axis=0).T.reshape(1, -1)
                                    * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(data, format="s16", layout=layout)
        frame.sample_rate = audio.SAMPLE_RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    notes: list[str] = []
    mixed = audio.decode(path, on_note=notes.append)
    assert notes == []
    assert np.abs(mixed).max() == pytest.approx(np.sqrt(2) * np.abs(speech).max(), rel=0.01)
    stereo = audio.decode(_write_stereo(tmp_path / "2.wav", speech, speech,
                                        audio.SAMPLE_RATE, "pcm_s16le"))
    assert np.abs(mixed - stereo).max() < 0.01
