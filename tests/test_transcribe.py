"""Offline transcription: word error rate on RAVDESS (its two sentences are known), live utterances cut at pauses,
the words' emotion beside the voice's in the CLI, and the voice stream feeding the recogniser."""

from __future__ import annotations

import json

import numpy as np
import pytest

from emodash.cli import main
from emodash.io.audio import SAMPLE_RATE, read_audio
from emodash.modalities.speech.stream import VoiceStream
from emodash.modalities.speech.transcribe import Transcriber, word_error_rate
from emodash.serving import registry
from tests.conftest import data_path

#: RAVDESS's statement code (the file name's fifth field) -> what the actor says
SENTENCES = {"01": "kids are talking by the door", "02": "dogs are sitting by the door"}


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber()


def _clips(n: int) -> list:
    files = sorted(data_path("ravdess_16k").rglob("*.flac"))
    return files[:: max(1, len(files) // n)][:n]


def test_word_error_rate_counts_substitutions_insertions_and_deletions():
    assert word_error_rate("kids are talking by the door", "kids are talking by the door") == 0
    assert word_error_rate("a b c d", "a x c") == pytest.approx(2 / 4)  # one substitution, one deletion
    assert word_error_rate("a b", "a b c d") == pytest.approx(2 / 2)  # two insertions
    assert word_error_rate("Dogs are", "dogs ARE") == 0


def test_ravdess_sentences_are_transcribed_with_a_low_word_error_rate(transcriber):
    rates, endings = [], 0
    for f in _clips(24):  # 24 clips across actors and emotions
        t = transcriber.transcribe(read_audio(f))
        rates.append(word_error_rate(SENTENCES[f.name.split("-")[4]], t.text))
        endings += t.text.endswith("by the door")
        assert all(0 <= s < e <= t.audio_s + 0.05 for _, s, e in t.words)
        assert t.compute_s > 0 and t.audio_s > 0  # the real-time factor is measured by `python -m bench transcribe`
    assert np.mean(rates) < 0.45 and endings >= 14, (np.mean(rates), endings)  # measured: 0.37, 16 of 24


def test_silence_gives_an_empty_transcript(transcriber):
    t = transcriber.transcribe(np.zeros(2 * SAMPLE_RATE, np.float32))
    assert t.text == "" and t.words == ()


def test_a_live_stream_cuts_utterances_at_pauses_and_decodes_each(transcriber):
    pause = np.zeros(SAMPLE_RATE, np.float32)
    clips = [data_path("ravdess_16k", "Actor_01", f"03-01-{code}-01.flac") for code in ("01-01-02-01", "02-02-01-01",
                                                                                       "02-02-02-01")]  # fmt: skip
    audio = np.concatenate([part for f in clips for part in (read_audio(f), pause)])
    voice = VoiceStream(registry.load_predictor("speech"), transcript=transcriber.stream())
    for i in range(0, audio.size, 320):  # 20-ms chunks, as a browser sends them
        voice.push(audio[i : i + 320])
    heard = voice.transcript.utterances()
    references = [SENTENCES[f.name.split("-")[4]] for f in clips]
    assert len(heard) == 3 and all(word_error_rate(r, text) <= 0.5 for r, (_, text) in zip(references, heard)), heard
    lengths = [read_audio(f).size / SAMPLE_RATE for f in clips]
    ends = [sum(lengths[: k + 1]) + k for k in range(3)]  # each clip's end, 1-s pauses between
    assert [t for t, _ in heard] == pytest.approx(ends, abs=1.0)
    assert voice.transcript.text() == " ".join(text for _, text in heard) and voice.transcript.real_time_factor() > 0
    assert any(r.scores is not None for r in voice.readings())  # the tone is read from the same audio


def test_cli_transcribes_and_scores_the_words(capsys):
    flac = data_path("ravdess_16k", "Actor_01", "03-01-02-02-01-01-01.flac")  # calm, "Kids are talking by the door"
    assert main(["predict", "speech", "--transcribe", "--json", str(flac)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] in out["scores"] and out["transcript"]["model_id"] == "pocketsphinx-en-us"
    assert word_error_rate(SENTENCES["01"], out["transcript"]["text"]) <= 0.5
    assert set(out["words"]["scores"]) == {"sadness", "joy", "love", "anger", "fear", "surprise"}
    assert [w for w, _ in out["words"]["evidence"]] == out["transcript"]["text"].split()
    assert main(["predict", "speech", "--transcribe", str(flac)]) == 0
    human = capsys.readouterr().out
    assert "said: " in human and "words: " in human
