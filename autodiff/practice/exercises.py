"""Exercises on a graph: a reference document's network, your own expression or model, or a
random small network made from a seed. Deterministic: the same seed gives the same exercises.

Kinds (``KINDS``):

* ``local``: the local derivative ∂u/∂v along one edge between two named nodes;
* ``gradient``: d(loss)/d(node) for a parameter or a hidden node;
* ``next_step``: the next step of the backward pass: the contribution a node passes to one of
  its inputs, δ(u)·∂u/∂v;
* ``fill``: the gradients of k hidden nodes of a drawn graph (the drawing shows "grad ?").

Nodes are chosen so that the mistakes each exercise tests give numbers different from the
right one at 4 significant digits (a one-path gradient does not test the missed-path mistake;
a node with several paths is preferred).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..engine import Value
from ..explanation import explain
from ..engine import backward_order
from ..traversal import topological_order
from .catalogue import MISTAKES, Candidate, Context, Facts, labeller, candidates_in, factor, label, num
from .chain import gradients
from ..typed import read_number
from .grading import Grade, Target, grade, grade_formula_value, grade_number, read_constant, target_of
from ..i18n import lookup
from .messages import say
from .random_networks import random_network, value_lines

KINDS = ("gradient", "local", "next_step", "fill")
TELL_APART_DIGITS = 4  # a mistake is tested when its number differs from the right one at this precision


def _sig(x: float, digits: int = TELL_APART_DIGITS) -> float:
    return float(f"{x:.{digits - 1}e}")


def tested(expected: float, found: Sequence[Candidate]) -> tuple[str, ...]:
    """The mistakes whose every number differs from the right one at TELL_APART_DIGITS digits."""
    right = _sig(expected)
    ok: dict[str, bool] = {}
    for c in found:
        if not c.chooses:
            continue
        ok[c.mistake] = ok.get(c.mistake, True) and _sig(c.value) != right
    return tuple(m for m in MISTAKES if ok.get(m))


@dataclass(frozen=True)
class Question:
    """One answer to give: its prompt, its right value, and how to grade an answer."""

    prompt: str
    expected: float
    lhs: str
    exercise: "Exercise" = field(repr=False)
    node: Value = field(repr=False)

    def grade(self, answer: object) -> Grade:
        return self.exercise.grade_node(self.node, answer)


@dataclass(frozen=True)
class Exercise:
    """One exercise. ``nodes``: the node asked about (gradient), the (upper, lower) edge (local,
    next_step), or the hidden nodes (fill). ``tests``: the mistakes it can tell apart."""

    kind: str
    root: Value = field(repr=False)
    nodes: tuple[Value, ...] = field(repr=False)
    tests: tuple[str, ...] = ()

    # --- what is asked -----------------------------------------------------------------
    def questions(self) -> list[Question]:
        label = labeller(self.root)
        r = label(self.root)
        if self.kind == "gradient":
            (n,) = self.nodes
            lhs = f"∂{r}/∂{label(n)}"
            return [Question(say("ask.gradient", lhs=lhs, root=r, node=label(n)), _grads(self.root).get(n, 0.0),
                             lhs, self, n)]
        if self.kind == "local":
            u, v = self.nodes
            lhs = f"∂{label(u)}/∂{label(v)}"
            return [Question(say("ask.local", upper=label(u), lower=label(v)), _local(u, v), lhs, self, v)]
        if self.kind == "next_step":
            u, v = self.nodes
            inputs = ", ".join(dict.fromkeys(label(p) for p in u.parents))
            delta = _grads(self.root).get(u, 0.0)
            lhs = f"δ({label(u)})·∂{label(u)}/∂{label(v)}"
            prompt = say("ask.next_step", upper=label(u), root=r, delta=num(delta), inputs=inputs, lower=label(v))
            return [Question(prompt, delta * _local(u, v), lhs, self, v)]
        grads = _grads(self.root)
        return [Question(say("ask.fill", root=r, count=len(self.nodes), node=label(n)), grads.get(n, 0.0),
                         f"∂{r}/∂{label(n)}", self, n) for n in self.nodes]

    def prompt(self) -> str:
        """The exercise as one paragraph (a fill exercise names all its hidden nodes)."""
        if self.kind == "fill":
            label = labeller(self.root)
            return say("ask.fill_intro", root=label(self.root), count=len(self.nodes),
                       nodes=", ".join(label(n) for n in self.nodes))
        return self.questions()[0].prompt

    def shown(self) -> dict[Value, float | None]:
        """A fill exercise's snapshot of the backward pass: the gradients complete before the
        first hidden node's, and None ("grad ?") for every other node."""
        done = completion(self.root)
        cut = min(done[n] for n in self.nodes)
        grads = _grads(self.root)
        return {n: (grads.get(n, 0.0) if done.get(n, -1) < cut else None) for n in topological_order(self.root)}

    def figure(self) -> str:
        """The drawing of a fill exercise as DOT text (hidden gradients drawn as "grad ?")."""
        from ..render import draw
        return str(draw(self.root, grads=self.shown(), max_nodes=None).source)

    # --- grading -----------------------------------------------------------------------
    def grade_node(self, node: Value, answer: object) -> Grade:
        """Grade an answer for one question; δ(v) means ∂root/∂v in every kind of exercise."""
        if self.kind in ("gradient", "fill"):
            return grade(self.root, node, answer, hidden=self.nodes if self.kind == "fill" else ())
        u, v = self.nodes
        formula = isinstance(answer, str) and answer.strip() and read_number(answer) is None \
            and read_constant(answer) is None
        if self.kind == "local":
            if formula:
                return grade(u, v, answer, delta_root=self.root)
            return grade_number(_local_target(u, v), answer)
        if formula:  # the answer is part of δ(v): δ(v) restates it
            assert isinstance(answer, str)
            return grade_formula_value(_step_target(self.root, u, v), self.root, answer.strip(), hidden=(v,))
        return grade_number(_step_target(self.root, u, v), answer)

    def grade(self, answer: object) -> Grade:
        """Grade the answer to a one-question exercise."""
        qs = self.questions()
        if len(qs) != 1:
            raise ValueError(f"grade: this {self.kind} exercise has {len(qs)} questions; grade each question")
        return qs[0].grade(answer)

    # --- the worked answer -------------------------------------------------------------
    def solution(self, fmt: str = "text") -> list[tuple[str, str]]:
        """(the quantity = value, its derivation in ``fmt``: 'text', 'markdown' or 'latex') per question."""
        out = []
        label = labeller(self.root)
        for q in self.questions():
            if self.kind == "next_step":
                u, v = self.nodes
                text = say("answer.next_step", upper=label(u), lower=label(v), delta=factor(_grads(self.root).get(u, 0.0)),
                           local=factor(_local(u, v)), expected=num(q.expected))
                out.append((f"{q.lhs} = {num(q.expected)}", text))
                continue
            root = self.nodes[0] if self.kind == "local" else self.root
            e = explain(root, q.node, form="paths" if 0 < explain(root, q.node, form="delta").path_count <= 4 else "delta")
            body = e.text() if fmt == "text" else e.markdown() if fmt == "markdown" else e.latex()
            out.append((f"{q.lhs} = {num(q.expected)}", body))
        return out


def _grads(root: Value) -> dict[Value, float]:
    return gradients(root)


def _local(u: Value, v: Value) -> float:
    """∂u/∂v along the direct edges from v to u (summed when v is used twice)."""
    return math.fsum(d for p, d in zip(u.parents, u.local_grads) if p is v)


LOCAL_MISTAKES = ("sigma_instead_of_derivative", "z_times_sigma", "derivative_at_activation", "sign_flipped",
                  "swapped_weight_index", "neighbour_factor", "wrong_input_factor", "wrong_node")
"""The mistakes a local derivative can show (no paths, passes or loss constants on one edge)."""


def _local_target(u: Value, v: Value) -> Target:
    ctx = Context(u, v)
    target = target_of(ctx)
    return Target(target.lhs, target.expected, target.params,
                  lambda: [c for c in candidates_in(ctx) if c.mistake in LOCAL_MISTAKES], target.derivation)


def _step_target(root: Value, u: Value, v: Value) -> Target:
    """The contribution δ(u)·∂u/∂v and the mistakes a learner makes computing it."""
    label = labeller(root)
    delta = gradients(root).get(u, 0.0)
    local = _local(u, v)
    expected = delta * local
    lhs = f"δ({label(u)})·∂{label(u)}/∂{label(v)}"
    base = {"root": label(root), "node": label(v), "lhs": lhs, "expected": num(expected, 10)}

    def found() -> list[Candidate]:
        out = [Candidate("upstream_dropped", local, "upstream_dropped", {**base, "upper": label(u)}, "fix.step",
                         {"delta": factor(delta), "local": factor(local), "upper": label(u), "lower": label(v)}),
               Candidate("sign_flipped", -expected, "sign_flipped.step", base, "fix.sign", base),
               Candidate("wrong_node", delta, "wrong_node.upstream",
                         {**base, "upper": label(u), "value": num(delta), "local_value": num(local)}, "fix.step",
                         {"delta": factor(delta), "local": factor(local), "upper": label(u), "lower": label(v)},
                         chooses=False)]
        if u.op is not None and u.op.name == "sigmoid":
            z, a = v.data, u.data
            sa = 1 / (1 + math.exp(-a))
            for mistake, wrong in (("sigma_instead_of_derivative", a), ("z_times_sigma", z * a),
                                   ("derivative_at_activation", sa * (1 - sa))):
                params = {**base, "where": label(u), "z": label(v), "a": label(u)}
                out.append(Candidate(mistake, delta * wrong, mistake, params, "fix.sigmoid",
                                     {**params, "local": num(local)}))
        return [c for c in out if not math.isclose(c.value, expected, rel_tol=1e-9, abs_tol=1e-15)]

    def steps() -> str:
        return say("answer.next_step", upper=label(u), lower=label(v), delta=factor(delta), local=factor(local),
                   expected=num(expected))

    return Target(lhs, expected, base, found, steps)


# --- choosing exercises on a graph --------------------------------------------------------------

def _named(root: Value) -> list[Value]:
    seen: dict[str, int] = {}
    order = topological_order(root)
    for n in order:
        if n.name is not None:
            seen[n.name] = seen.get(n.name, 0) + 1
    return [n for n in reversed(order) if n.name is not None and seen[n.name] == 1 and n is not root]


def _gradient_choices(root: Value, params: Sequence[Value] | None, facts: Facts | None = None) -> list[tuple[int, Value, tuple[str, ...]]]:
    """(score, node, tested mistakes) for every node worth asking about; higher scores first."""
    pool = list(params) if params is not None else [n for n in _named(root)]
    facts = facts if facts is not None and facts.root is root else Facts(root)
    grads = facts.grads
    scored = []
    for n in pool:
        if n not in grads or grads[n] == 0:
            continue
        ctx = Context(root, n, facts)
        tests = tested(ctx.expected, candidates_in(ctx))
        score = len(tests) + (5 if "missed_path" in tests else 0)
        scored.append((score, n, tests))
    scored.sort(key=lambda s: -s[0])
    return scored


def make_exercises(
    root: Value,
    *,
    seed: int = 0,
    kinds: Sequence[str] = KINDS,
    count: int | None = None,
    params: Sequence[Value] | None = None,
    hidden: int = 2,
) -> list[Exercise]:
    """Exercises on ``root``'s graph, deterministic from ``seed``.

    One exercise per kind in ``kinds`` (cycling when ``count`` is larger). ``params``: the
    nodes gradient exercises may ask about (default: every uniquely named node). ``hidden``:
    how many gradients a fill exercise hides.
    """
    if not isinstance(root, Value):
        raise TypeError(f"make_exercises: root must be a Value, got {type(root).__name__}")
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(f"make_exercises: kinds must be among {', '.join(KINDS)}, got {list(kinds)!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"make_exercises: seed must be an int, got {type(seed).__name__} {seed!r}")
    rng = random.Random(seed)
    count = len(kinds) if count is None else count
    if count < 1:
        raise ValueError(f"make_exercises: count must be at least 1, got {count!r}")
    named = _named(root)
    grads = gradients(root)
    facts = Facts(root)
    choices = _gradient_choices(root, params, facts)
    edges = [(u, v) for u in named if u.op is not None for v in dict.fromkeys(u.parents)
             if v.name is not None and v in set(named) and _local(u, v) != 0]
    steps = [(u, v) for u, v in edges if grads.get(u, 0.0) != 0]
    hidden_pool = [n for n in named if n.op is not None]
    used: set[Value] = set()
    used_edges: set[tuple[Value, Value]] = set()
    revealed: set[Value] = set()  # gradients a fill exercise's drawing shows
    chosen: dict[int, Exercise] = {}
    priority = {"fill": 0, "gradient": 1, "local": 2, "next_step": 3}  # fill first: it needs a window
    for i in sorted(range(count), key=lambda i: (priority[kinds[i % len(kinds)]], i)):
        kind = kinds[i % len(kinds)]
        if kind == "gradient" and choices:
            top = [c for c in choices if c[1] not in used and c[1] not in revealed] or choices
            best = top[0][0]
            pick = rng.choice([c for c in top if c[0] >= best - 2])
            used.add(pick[1])
            chosen[i] = Exercise("gradient", root, (pick[1],), pick[2])
        elif kind == "local" and edges:
            u, v, tests = _pick(rng, [(len(t), e, t) for e in edges for t in [_edge_tests(*e)]])
            used_edges.add((u, v))
            chosen[i] = Exercise("local", root, (u, v), tests)
        elif kind == "next_step" and steps:
            # The prompt shows δ(u), the answer is part of δ(v): neither may answer another exercise.
            free = ([e for e in steps if not used & set(e) and e[1] not in revealed and e not in used_edges]
                    or [e for e in steps if e[0] not in used and e[1] not in used and e not in used_edges]
                    or [e for e in steps if e not in used_edges] or steps)
            u, v, tests = _pick(rng, [(len(t), e, t) for e in free for t in [_step_tests(root, *e)]])
            used.update((u, v))
            chosen[i] = Exercise("next_step", root, (u, v), tests)
        elif kind == "fill" and hidden_pool:
            chosen[i] = _fill(root, rng, hidden, used, facts)
            used.update(chosen[i].nodes)
            revealed.update(n for n, g in chosen[i].shown().items() if g is not None)
    out = [chosen[i] for i in sorted(chosen)]
    return out


def completion(root: Value) -> dict[Value, int]:
    """When each node's gradient is complete: the position in backward order of the last node
    that passes it a contribution (-1 for the root)."""
    position = {n: i for i, n in enumerate(backward_order(root))}
    done: dict[Value, int] = {root: -1}
    for n in backward_order(root):
        for p in n.parents:
            done[p] = max(done.get(p, -1), position[n])
    return done


def _fill(root: Value, rng: random.Random, k: int, avoid: set[Value], facts: Facts | None = None) -> Exercise:
    """The next k named nodes to be completed from a point of the backward pass chosen by ``rng``
    (among the points whose nodes test the most mistakes)."""
    done = completion(root)
    named = _named(root)
    made = {n: i for i, n in enumerate(named)}  # creation order: ties go to the node nearer the root
    pool = sorted((n for n in named if n.op is not None), key=lambda n: (done[n], -made[n]))
    k = max(1, min(k, len(pool)))
    facts = facts if facts is not None and facts.root is root else Facts(root)
    node_tests: dict[Value, tuple[str, ...]] = {}
    windows = []
    for start in range(len(pool) - k + 1):
        picked = pool[start:start + k]
        if avoid & set(picked) and start < len(pool) - k:
            continue
        tests: set[str] = set()
        for n in picked:
            if n not in node_tests:
                ctx = Context(root, n, facts)
                node_tests[n] = tested(ctx.expected, candidates_in(ctx))
            tests.update(node_tests[n])
        windows.append((len(tests), tuple(picked), tuple(m for m in MISTAKES if m in tests)))
    best = max(w[0] for w in windows)
    _, picked_nodes, tests_ = rng.choice([w for w in windows if w[0] >= best - 1])
    return Exercise("fill", root, picked_nodes, tests_)  # in the order the backward pass completes them


def _edge_tests(u: Value, v: Value) -> tuple[str, ...]:
    target = _local_target(u, v)
    return tested(target.expected, target.candidates())


def _step_tests(root: Value, u: Value, v: Value) -> tuple[str, ...]:
    target = _step_target(root, u, v)
    return tested(target.expected, target.candidates())


def _pick(rng: random.Random, scored: list[tuple[int, tuple[Value, Value], tuple[str, ...]]]) \
        -> tuple[Value, Value, tuple[str, ...]]:
    """One of the edges that test the most mistakes (ties broken by ``rng``)."""
    best = max(s for s, _, _ in scored)
    score, (u, v), tests = rng.choice([s for s in scored if s[0] == best])
    return u, v, tests


# --- where the graph comes from --------------------------------------------------------------

@dataclass
class ExerciseSet:
    """A graph, where it came from, and its exercises."""

    title: str
    root: Value
    exercises: list[Exercise]
    description: list[str] = field(default_factory=list)
    seed: int = 0

    def questions(self) -> list[tuple[int, Question]]:
        """(exercise number from 1, question) for every question, in order."""
        return [(i, q) for i, e in enumerate(self.exercises, start=1) for q in e.questions()]


def from_case(case: str, *, seed: int = 0, kinds: Sequence[str] = KINDS, count: int | None = None) -> ExerciseSet:
    """Exercises on a reference document's network ('000'..'004'), about its parameters."""
    from nn.reference import build
    ref = build(case)
    root = ref.loss()
    params = [p for _, p in ref.model.named_parameters()]
    description = [repr(ref.model)] + value_lines(root)
    return ExerciseSet(lookup(ref.title), root, make_exercises(root, seed=seed, kinds=kinds, count=count, params=params),
                       description, seed)


def from_seed(seed: int, *, kinds: Sequence[str] = KINDS, count: int | None = None) -> ExerciseSet:
    """Exercises on the random network of ``seed`` (``random_network``), about its parameters."""
    net = random_network(seed)
    params = [p for _, p in net.model.named_parameters()]
    return ExerciseSet(say("net.title.seed", seed=seed), net.root,
                       make_exercises(net.root, seed=seed, kinds=kinds, count=count, params=params),
                       net.description, seed)


def from_graph(root: Value, *, title: str | None = None, seed: int = 0, kinds: Sequence[str] = KINDS,
               count: int | None = None, params: Sequence[Value] | None = None) -> ExerciseSet:
    """Exercises on your own expression or model's loss ``root``."""
    return ExerciseSet(title or say("net.title.graph", root=label(root)), root,
                       make_exercises(root, seed=seed, kinds=kinds, count=count, params=params),
                       value_lines(root), seed)
