"""Offline transcription (PocketSphinx en-us) on RAVDESS, whose two sentences are known: word error rate and
real-time factor for whole clips, by actor group, and the live stream's real-time factor (20-ms chunks, pauses
between utterances, the endpointer cutting them)."""

from __future__ import annotations

import numpy as np

from bench.timing import table
from emodash.core import settings
from emodash.io.audio import SAMPLE_RATE, read_audio
from emodash.modalities.speech.transcribe import Transcriber, word_error_rate

SENTENCES = {"01": "kids are talking by the door", "02": "dogs are sitting by the door"}


def run(per_actor: int = 10) -> str:
    root = settings.data_root() / "ravdess_16k"
    transcriber = Transcriber()
    rows, totals = [], {"errors": 0.0, "words": 0, "audio": 0.0, "compute": 0.0, "exact": 0, "n": 0}
    for actor in sorted(root.glob("Actor_*")):
        files = sorted(actor.glob("*.flac"))
        files = files[:: max(1, len(files) // per_actor)][:per_actor]
        errs = []
        for f in files:
            t = transcriber.transcribe(read_audio(f))
            ref = SENTENCES[f.name.split("-")[4]]
            errs.append(word_error_rate(ref, t.text))
            totals["errors"] += errs[-1] * len(ref.split())
            totals["words"] += len(ref.split())
            totals["audio"] += t.audio_s
            totals["compute"] += t.compute_s
            totals["exact"] += t.text == ref
            totals["n"] += 1
        rows.append([actor.name, len(files), f"{np.mean(errs):.3f}"])
    stream = transcriber.stream(keep_s=1e9)
    pause = np.zeros(SAMPLE_RATE, np.float32)
    clips = sorted((root / "Actor_01").glob("*.flac"))[:20]
    audio = np.concatenate([part for f in clips for part in (read_audio(f), pause)])
    for i in range(0, audio.size, 320):
        stream.push(audio[i : i + 320])
    heard = [text for _, text in stream.utterances()]
    said = " ".join(SENTENCES[f.name.split("-")[4]] for f in clips)
    wer = totals["errors"] / totals["words"]
    summary = [
        ["clips", totals["n"], f"WER {wer:.3f}; {totals['exact'] / totals['n']:.0%} exactly right; real-time factor "
         f"{totals['compute'] / totals['audio']:.3f}"],
        ["live stream (Actor_01's first 20 clips, 1-s pauses, 20-ms chunks)", len(heard),
         f"WER {word_error_rate(said, ' '.join(heard)):.3f}; real-time factor {stream.real_time_factor():.3f}"],
    ]  # fmt: skip
    return (
        "### Offline transcription (PocketSphinx en-us) on RAVDESS actors 01-20\n\n"
        + table(["case", "clips / utterances", "word error rate, real-time factor"], summary)
        + "\n\nBy actor (mean WER):\n\n"
        + table(["actor", "clips", "WER"], rows)
    )
