"""Speech: a 3-s utterance to scores (warm) with each registered speech model side by side, and the live stream's
real-time factor on 20-ms webrtc-sized chunks."""

from __future__ import annotations

from itertools import cycle

import numpy as np

from bench.timing import median_p95, table, time_ms
from emodash import modalities
from emodash.core import settings
from emodash.core.errors import missing_part
from emodash.io.audio import SAMPLE_RATE, read_audio
from emodash.modalities.speech.formats import read_ravdess
from emodash.modalities.speech.stream import VoiceStream
from emodash.serving import registry


def run(repeat: int = 50) -> str:
    ds = read_ravdess(settings.data_root() / "ravdess_16k" / "Actor_03")
    clips = [read_audio(p)[: 3 * SAMPLE_RATE] for p in ds.samples[:20]]
    clips = [c for c in clips if c.size == 3 * SAMPLE_RATE]
    audio = np.concatenate([read_audio(p) for p in ds.samples[:20]])
    rows = []
    for info in modalities.get("speech").models:
        try:
            model = info.load()  # warms librosa and the model's features up
        except ModuleNotFoundError as exc:
            rows.append([info.model_id, f"not measured: {missing_part(exc.name)}", "", "", "", ""])
            continue
        it = cycle(clips)
        feat = median_p95(time_ms(lambda: model.features.transform([next(it)]), repeat))
        total = median_p95(time_ms(lambda: model.predict(next(it)), repeat))
        stream = VoiceStream(model, window_s=3.0, hop_s=1.5)
        for i in range(0, audio.size, 320):
            stream.push(audio[i : i + 320])
        voiced = sum(r.voiced for r in stream.readings())
        head = info.headline()
        serving = " (serving)" if info.model_id == registry.active_model("speech").model_id else ""
        accuracy = f"{head['accuracy']:.3f}" if head else "not measured"
        rows += [
            [f"{info.model_id}{serving}", "3-s utterance: features", *feat, "", accuracy],
            ["", "3-s utterance: features + model (predict)", *total, "", ""],
            [
                "",
                f"live stream, {audio.size / SAMPLE_RATE:.0f} s of speech in 20-ms chunks (window 3 s, hop 1.5 s; "
                f"{voiced} windows voiced)",
                "",
                "",
                f"real-time factor {stream.real_time_factor():.3f}",
                "",
            ],
        ]
    header = ["model", "case", "median ms", "p95 ms", "streaming", "grouped-CV accuracy"]
    return "### Speech models side by side (budget: 50 ms for a 3-s utterance)\n\n" + table(header, rows)
