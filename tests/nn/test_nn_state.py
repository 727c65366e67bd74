"""state_dict / load_state_dict / save / load: round trips, and every bad input refused cleanly."""

import json
import math
import os

import pytest

from nn import MLP, reference


def _model():
    return MLP(2, [3, 1], seed=5)


def test_state_dict_round_trip_and_set_from_names():
    m = _model()
    state = m.state_dict()
    assert list(state) == [n for n, _ in m.named_parameters()]
    other = MLP(2, [3, 1], seed=6)
    other.load_state_dict(state)
    assert other.state_dict() == state
    state["L2.N1.b"] = 3  # ints are fine
    other.load_state_dict(state)
    assert other.state_dict()["L2.N1.b"] == 3.0


def test_save_load_round_trip_is_exact(tmp_path):
    case = reference.build("000")
    path = tmp_path / "model.json"
    case.model.save(path)
    saved = json.loads(path.read_text())
    assert saved["parameters"]["b_1"] == 0.1 and saved["model"].startswith("MLP(2 -> 3 sigmoid")
    fresh = reference.build("000")
    for p in fresh.model.parameters():
        p.data = 123.0
    fresh.model.load(path)
    assert fresh.model.state_dict() == case.model.state_dict()
    m = _model()
    for p in m.parameters():
        p.data = p.data / 3  # values whose decimal form is long: JSON must keep them exactly
    m.save(path)
    n = MLP(2, [3, 1], seed=99)
    n.load(path)
    assert n.state_dict() == m.state_dict()
    assert [f for f in os.listdir(tmp_path) if f != "model.json"] == []  # no temp file left behind


def test_save_replaces_atomically_and_cleans_up_on_failure(tmp_path):
    m = _model()
    path = tmp_path / "m.json"
    path.write_text("old contents")
    m.save(path)
    assert json.loads(path.read_text())["parameters"] == m.state_dict()
    (tmp_path / "is_a_dir").mkdir()
    with pytest.raises(OSError):  # os.replace cannot put a file where a folder is
        m.save(tmp_path / "is_a_dir")
    assert sorted(os.listdir(tmp_path)) == ["is_a_dir", "m.json"]


BAD_STATES = [
    ({"L1.N1.w1": 1.0}, "missing parameter"),
    ("extra", "unknown parameter name\\(s\\) 'nope'"),
    ("bool", "'L1.N1.w1' must be a real number, got bool True"),
    ("str", "'L1.N1.w1' must be a real number, got str '0.5'"),
    ("none", "'L1.N1.w1' must be a real number, got NoneType None"),
    ("nan", "'L1.N1.w1' must be finite, got nan"),
    ("inf", "'L1.N1.w1' must be finite, got inf"),
]


def _bad_state(kind, good):
    state = dict(good)
    if isinstance(kind, dict):
        return kind
    if kind == "extra":
        state["nope"] = 1.0
    else:
        state["L1.N1.w1"] = {"bool": True, "str": "0.5", "none": None, "nan": math.nan, "inf": math.inf}[kind]
    return state


@pytest.mark.parametrize("kind, message", BAD_STATES)
def test_bad_state_dicts_are_refused_and_the_model_is_untouched(kind, message):
    m = _model()
    before = m.state_dict()
    with pytest.raises(ValueError, match=message):
        m.load_state_dict(_bad_state(kind, before))
    assert m.state_dict() == before


def test_a_state_that_is_not_a_mapping_is_refused():
    m = _model()
    before = m.state_dict()
    with pytest.raises(TypeError, match="expected a mapping of parameter names to numbers, got list"):
        m.load_state_dict([1.0, 2.0])  # type: ignore[arg-type]
    assert m.state_dict() == before


def _good_file_text(m):
    return json.dumps({"model": repr(m), "parameters": m.state_dict()})


BAD_FILES = [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ("[1, 2, 3]", "expected a JSON object with a 'parameters' object, got list"),
    ('{"weights": {}}', "without a 'parameters' object"),
    ('{"parameters": [1, 2]}', "without a 'parameters' object"),
    ('{"parameters": {"L1.N1.w1": 1.0}}', "missing parameter\\(s\\) 'L1.N1.w2'"),
    ("EXTRA", "unknown parameter name\\(s\\) 'L3.N1.w1'"),
    ("NAN", "NaN is not a valid parameter value"),
    ("STRING", "'L1.N1.b' must be a real number, got str '0'"),
    ("BOOL", "'L1.N1.b' must be a real number, got bool False"),
    ("DUPLICATE", "the name\\(s\\) 'L1.N1.b' appear more than once"),
]


@pytest.mark.parametrize("text, message", BAD_FILES)
def test_every_bad_file_is_refused_cleanly_and_leaves_the_model_unchanged(tmp_path, text, message):
    m = _model()
    before = m.state_dict()
    good = _good_file_text(m)
    if text == "EXTRA":
        state = m.state_dict()
        state["L3.N1.w1"] = 0.0
        text = json.dumps({"parameters": state})
    elif text == "NAN":
        text = good.replace('"L1.N1.b": 0.0', '"L1.N1.b": NaN')
    elif text == "STRING":
        text = good.replace('"L1.N1.b": 0.0', '"L1.N1.b": "0"')
    elif text == "BOOL":
        text = good.replace('"L1.N1.b": 0.0', '"L1.N1.b": false')
    elif text == "DUPLICATE":
        text = good.replace('"L1.N1.b": 0.0', '"L1.N1.b": 0.0, "L1.N1.b": 1.0')
    assert text != good
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as error:
        m.load(path)
    assert "bad.json" in str(error.value)
    assert m.state_dict() == before


def test_binary_garbage_and_missing_files_are_refused(tmp_path):
    m = _model()
    before = m.state_dict()
    path = tmp_path / "garbage.json"
    path.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        m.load(path)
    with pytest.raises(FileNotFoundError):
        m.load(tmp_path / "absent.json")
    assert m.state_dict() == before
