import numpy as np
import pytest

from emodash.core.scores import Scores
from emodash.core.settings import ice_servers
from emodash.core.taxonomy import FER2013
from emodash.serving.timeline import ScoreTimeline


def face(label: str, size: int = 50) -> Scores:
    return Scores(FER2013, np.eye(7)[FER2013.index(label)], "face", "m", 5.0, box=(0, 0, size, size))


def test_timeline_keeps_the_last_seconds_and_the_largest_face():
    tl = ScoreTimeline(FER2013, window_s=10)
    for t in range(30):
        tl.add([face("sad", 20), face("happy", 80)], now=float(t))
    tl.add([], now=30.0)  # no face: counted for fps, not charted
    df = tl.frame(now=30.0)
    assert (
        len(df) == 10 and df["t"].between(-10, -1).all()
    )  # frames at t >= 20 are kept; the faceless one is not charted
    assert (df["happy"] == 1).all()
    stats = tl.stats()
    assert stats["fps"] == pytest.approx(1.0) and stats["faces"] == 0


def test_ice_servers_setting(monkeypatch):
    monkeypatch.delenv("EMODASH_ICE_SERVERS", raising=False)
    assert ice_servers() == []
    monkeypatch.setenv("EMODASH_ICE_SERVERS", '[{"urls": ["stun:example.org:3478"]}]')
    assert ice_servers() == [{"urls": ["stun:example.org:3478"]}]
    monkeypatch.setenv("EMODASH_ICE_SERVERS", '{"urls": 1}')
    with pytest.raises(ValueError, match="list"):
        ice_servers()
