"""The lab's Practice endpoints: exercises on the lab's current graph, graded by ``autodiff.practice``.

Nothing here knows HTTP (``server.py`` does) and nothing here grades (``autodiff.practice``
does): this module turns a ``LabGraph`` and a seed into the exercises the page asks, without
their answers, and a graded answer into JSON. The exercises are ``make_exercises`` on the
lab's own copy of the graph, with the model's parameters when the graph has a model, so a
document's exercises are those of ``python -m autodiff.practice --case 000 --seed N``.

* ``exercises_payload``: ``{"graph", "seed", "title", "total", "exercises": [{"id", "kind",
  "prompt", "node", ...}]}``: one entry per question, never an answer;
* ``grade_payload``: ``Grade.as_dict()`` (``{"correct", "mistakes", "expected", "text",
  "status", ...}``) and each mistake's catalogue description, for an exercise id or for the
  gradient of a node.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any, Mapping

from ..i18n import lookup
from ..engine import Value
from ..practice import MISTAKES, grade
from ..practice.exercises import Exercise, make_exercises
from ..practice.grading import MAX_ANSWER_LENGTH
from ..render import format_number
from .api import number
from .graphs import LabError, LabGraph

MAX_SEED = 2**31 - 1
"""Seeds run from 0 to this."""
CACHE_SIZE = 64
"""Exercise sets kept (by graph, its current values and seed); the least recently used is dropped."""

_ID = re.compile(r"s(\d{1,10})-(\d{1,3})-(\d{1,3})")
_cache: OrderedDict[tuple[str, int], tuple[Value, list[Exercise]]] = OrderedDict()
_cache_lock = threading.Lock()


def seed_field(x: object) -> int:
    """The seed of a request: an int (or its decimal digits, from a query string) from 0 to MAX_SEED; 0 if absent."""
    if x is None:
        return 0
    if isinstance(x, str) and re.fullmatch(r"\d{1,10}", x):
        x = int(x)
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= MAX_SEED:
        raise LabError(f"seed must be a whole number from 0 to {MAX_SEED}, got {x!r}")
    return x


def exercises_of(graph: LabGraph, seed: int) -> list[Exercise]:
    """The exercises on ``graph`` as its values are now, deterministic from ``seed`` (cached).

    The caller holds ``graph.lock``. A graph with a model asks about its parameters (as
    ``from_case`` does); any other graph about every uniquely named node (as ``from_graph``).
    """
    key = (graph.gid, seed)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is graph.root:
            _cache.move_to_end(key)
            return hit[1]
    params = [graph.order[k] for k in graph.params] if graph.clusters else None
    made = make_exercises(graph.root, seed=seed, params=params)
    with _cache_lock:
        _cache[key] = (graph.root, made)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


def _focus(exercise: Exercise, graph: LabGraph) -> list[str]:
    """The node ids the page may highlight: the node asked about, the edge's two ends, or the hidden nodes."""
    return [graph.ids[n] for n in exercise.nodes]


def exercises_payload(graph: LabGraph, seed_value: object) -> dict[str, Any]:
    """Every question of the exercises on ``graph`` for ``seed``, without its answer."""
    seed = seed_field(seed_value)
    ids = graph.ids
    out: list[dict[str, Any]] = []
    for number_, exercise in enumerate(exercises_of(graph, seed), start=1):
        questions = exercise.questions()
        shown: dict[str, str | None] | None = None
        if exercise.kind == "fill":  # the drawing of a fill exercise: the gradients done so far, "grad ?" elsewhere
            shown = {ids[n]: (None if g is None else format_number(g)) for n, g in exercise.shown().items()}
        for q_number, q in enumerate(questions, start=1):
            out.append({
                "id": f"s{seed}-{number_}-{q_number}", "exercise": number_, "question": q_number,
                "questions": len(questions), "kind": exercise.kind, "prompt": q.prompt, "intro": exercise.prompt(),
                "lhs": q.lhs, "node": ids[q.node], "name": q.node.name, "focus": _focus(exercise, graph),
                "shown": shown,
            })
    return {"graph": graph.gid, "seed": seed, "title": graph.title, "total": len(out), "exercises": out}


def _question(graph: LabGraph, exercise_id: object) -> tuple[Exercise, Value, str]:
    if not isinstance(exercise_id, str) or not _ID.fullmatch(exercise_id):
        raise LabError(f"exercise must be an exercise id such as 's0-1-1' (from /api/practice), got {exercise_id!r}")
    match = _ID.fullmatch(exercise_id)
    assert match is not None
    seed, e, q = (int(g) for g in match.groups())
    exercises = exercises_of(graph, seed_field(seed))
    if not 1 <= e <= len(exercises) or not 1 <= q <= len(exercises[e - 1].questions()):
        raise LabError(f"no exercise {exercise_id!r} on this graph: seed {seed} gives {len(exercises)} exercises", 404)
    exercise = exercises[e - 1]
    return exercise, exercise.questions()[q - 1].node, exercise_id


def grade_payload(graph: LabGraph, body: Mapping[str, Any]) -> dict[str, Any]:
    """The grader's verdict on ``body["answer"]`` for an exercise (``"exercise"``: its id) or a node's gradient."""
    given = [k for k in ("exercise", "node") if k in body]
    if len(given) != 1:
        raise LabError('POST /api/practice/grade takes exactly one of "exercise" (an id from /api/practice) or '
                       '"node" (a node id or unique name), and "answer"')
    if "answer" not in body:
        raise LabError('POST /api/practice/grade needs "answer": a number, or a string (a number or a formula)')
    answer = body["answer"]
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        raise LabError(f"answer must be a number or a string (a number or a formula), got {answer!r}")
    if isinstance(answer, str) and len(answer) > MAX_ANSWER_LENGTH:
        raise LabError(f"the answer is {len(answer)} characters long; the grader reads at most {MAX_ANSWER_LENGTH}",
                       413)
    if isinstance(answer, float) and answer != answer:  # NaN cannot come from JSON, but a caller in Python may send it
        raise LabError("answer must be a finite number")
    if given[0] == "exercise":
        exercise, node, exercise_id = _question(graph, body["exercise"])
        result = exercise.grade_node(node, answer)
        where: dict[str, Any] = {"exercise": exercise_id}
    else:
        node = graph.resolve(body["node"])
        result = grade(graph.root, node, answer)
        where = {"exercise": None}
    data = result.as_dict()
    value = data["value"]
    return {**data, "expected": number(result.expected), "value": number(value) if isinstance(value, float) else value,
            "mistake_descriptions": [lookup(MISTAKES[m]) for m in result.mistakes], "graph": graph.gid,
            "node": graph.ids[node], **where}


__all__ = ["exercises_payload", "grade_payload", "exercises_of", "seed_field", "MAX_SEED"]
