"""state_dict / load_state_dict / save / load: round trips, and every bad input refused cleanly."""

import json
import math
import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Value
from nn import MLP, reference
from nn.saving import checked_state


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


# --- 18: save keeps the file's mode and writes through a symbolic link -----------------------

def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    MLP(2, [1]).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o640)
    MLP(2, [1]).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_save_gives_a_new_file_the_usual_mode_from_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        MLP(2, [1]).save(tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o644


def test_save_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    m = MLP(2, [1], seed=3)
    m.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["parameters"] == m.state_dict()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    with pytest.raises(OSError, match="which is not a file"):
        m.save(dangling)
    assert dangling.is_symlink()


# --- 19: load reads only a regular file of bounded size --------------------------------------

def test_load_refuses_a_device_instead_of_reading_forever():
    m = MLP(2, [1])
    before = m.state_dict()
    with pytest.raises(ValueError, match="load\\('/dev/zero'\\): not a regular file"):
        m.load("/dev/zero")
    assert m.state_dict() == before


def test_load_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        MLP(2, [1]).load(fifo)


def test_load_refuses_a_file_over_the_size_cap(tmp_path):
    m = MLP(2, [1])
    path = tmp_path / "m.json"
    m.save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"larger than {size - 1} bytes"):
        m.load(path, max_bytes=size - 1)
    m.load(path, max_bytes=size)  # exactly at the cap is fine
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        m.load(path, max_bytes=0)


# --- 20: numbers no float holds, deep nesting: clear errors naming file and parameter --------

def _file_with(tmp_path, m, raw_value):
    text = json.dumps({"parameters": m.state_dict()}).replace('"L1.N1.b": 0.0', f'"L1.N1.b": {raw_value}')
    assert raw_value in text
    path = tmp_path / "bad.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("raw, message", [
    ("1e999", "'L1.N1.b': the number 1e999... \\(5 characters\\) is too large for a float"),
    ("9" * 5000, "'L1.N1.b': the number 99999999999999999999... \\(5000 characters\\) is too large for a float"),
    ("-" + "9" * 400, "'L1.N1.b': the number -9999999999999999999... \\(401 characters\\) is too large"),
])
def test_load_of_a_number_too_large_for_a_float_names_file_and_parameter(tmp_path, raw, message):
    m = MLP(2, [1])
    before = m.state_dict()
    with pytest.raises(ValueError, match=message) as error:
        m.load(_file_with(tmp_path, m, raw))
    assert "bad.json" in str(error.value)
    assert m.state_dict() == before


def test_a_long_but_representable_integer_loads(tmp_path):
    m = MLP(2, [1])
    m.load(_file_with(tmp_path, m, "1" + "0" * 300))
    assert m.state_dict()["L1.N1.b"] == 1e300


def test_load_of_deeply_nested_json_is_a_clear_error(tmp_path):
    m = MLP(2, [1])
    before = m.state_dict()
    path = tmp_path / "deep.json"
    path.write_text('{"parameters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match="deep.json'\\): the JSON is nested too deeply"):
        m.load(path)
    assert m.state_dict() == before


def test_a_nested_value_is_reported_briefly(tmp_path):
    m = MLP(2, [1])
    path = _file_with(tmp_path, m, "[" * 500 + "]" * 500)
    with pytest.raises(ValueError, match="'L1.N1.b' must be a real number, got list \\[\\[") as error:
        m.load(path)
    assert len(str(error.value)) < 400


def test_load_state_dict_with_a_huge_int_is_a_clear_error():
    m = MLP(2, [1])
    state = m.state_dict()
    state["L1.N1.w2"] = 10**400
    with pytest.raises(ValueError, match="'L1.N1.w2': 1000000000.* is too large for a float"):
        m.load_state_dict(state)


def test_many_duplicate_names_in_a_file_are_reported_without_quadratic_work(tmp_path):
    body = ", ".join(f'"k{i}": 0' for i in range(200_000)) + ', "k7": 1'
    path = tmp_path / "dup.json"
    path.write_text('{"parameters": {' + body + "}}")
    with pytest.raises(ValueError, match="the name\\(s\\) 'k7' appear more than once"):
        MLP(2, [1]).load(path)


# --- nn.saving on its own: checked_state, and exact round trips of any numbers -----------------------

def test_checked_state_lists_every_problem_at_once() -> None:
    params = {"w": Value(0.0), "b": Value(0.0), "v": Value(0.0)}
    with pytest.raises(ValueError) as caught:
        checked_state(params, {"w": "x", "b": math.inf, "extra": 1.0}, "here")
    message = str(caught.value)
    assert message.startswith("here: unknown parameter name(s) 'extra'; missing parameter(s) 'v'; ")
    assert "'w' must be a real number, got str 'x'" in message and "'b' must be finite, got inf" in message
    assert message.endswith("(expected 3 parameters; model left unchanged)")
    with pytest.raises(TypeError, match="here: expected a mapping"):
        checked_state(params, [("w", 1.0)], "here")
    assert all(p.data == 0.0 for p in params.values())  # it only reads


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3), nin=st.integers(1, 3),
       values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1))
def test_save_and_load_give_back_every_number_exactly(tmp_path_factory, sizes, nin, values) -> None:
    model = MLP(nin, sizes, seed=1)
    params = model.parameters()
    for k, p in enumerate(params):
        p.data = values[k % len(values)]
    path = tmp_path_factory.mktemp("saving") / "model.json"
    model.save(path)
    other = MLP(nin, sizes, seed=2)
    other.load(path)
    assert [p.data for p in other.parameters()] == [p.data for p in params]  # bit for bit
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["model"] == repr(model) and list(saved["parameters"]) == [n for n, _ in model.named_parameters()]
    assert checked_state(dict(model.named_parameters()), saved["parameters"], "t") == model.state_dict()
