"""The notebooks' exercises, graded inline: each exercise's graph and question, and what a cell shows.

A notebook cell reads::

    answer = None              # your answer: a number, or a formula in the node names
    check("01.2", answer)      # check("01.2", answer, hint=True) adds a hint

``check`` grades ``answer`` with the practice grader (``grade``, or an ``Exercise`` of
``exercises`` for a local derivative or one step of the backward pass) on the exercise's own
graph, built here by ``EXERCISES[key].graph()``, and returns a ``Feedback`` that shows itself in
Jupyter as Markdown: right, or which mistake the grader recognised, with the worked answer folded
away. ``answer = None`` shows the question and "type your answer" and raises nothing, so the
notebooks run as they are committed. ``check_own(root, node, answer)`` grades an answer on the
learner's own expression. A hint comes from the grader: the catalogue's description of the likely
mistake (the one the answer made, else the one the exercise is about), or the first path a
formula missed. Every sentence comes from the message catalogue, in the learner's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..display import one_line
from ..engine import Value
from ..explanation import explain
from ..i18n import lookup, translate, translate_plural, using_language
from ..paths import resolve_node
from ..typed import MIN_DIGITS, read_number
from .catalogue import MISTAKES, label
from .exercises import Exercise
from .grading import Grade

__all__ = ["NotebookExercise", "EXERCISES", "Feedback", "check", "check_own"]


# --- the exercises' graphs (the notebooks build the same ones, step by step) -----------------------

def chain_graph() -> Value:
    """Notebook 01: L = (a·b + c)·f with e = a·b and d = e + c (micrograd's first graph)."""
    a, b, c, f = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c"), Value(-2.0, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    L = d * f
    L.name = "L"
    return L


def shared_graph() -> Value:
    """Notebook 01: z = a·a + a with u = a·a at a = 2: a reaches z along two paths."""
    a = Value(2.0, name="a")
    u = a * a
    u.name = "u"
    z = u + a
    z.name = "z"
    return z


def cube_graph() -> Value:
    """Notebook 01: y = x·x·x at x = 3."""
    x = Value(3.0, name="x")
    y = x * x * x
    y.name = "y"
    return y


def sigmoid_neuron() -> Value:
    """Notebook 02: z = w1·x1 + w2·x2 + b (one dot node), a = σ(z), L = ½(a − t)² with t = 1."""
    from ..dotnode import dot
    x1, x2 = Value(1.5, name="x1"), Value(-0.5, name="x2")
    w1, w2 = Value(0.4, name="w1"), Value(0.7, name="w2")
    b = Value(0.3, name="b")
    z = dot([w1, w2], [x1, x2], b)
    z.name = "z"
    a = z.sigmoid()
    a.name = "a"
    t = Value(1.0, name="t")
    L = 0.5 * (a - t) ** 2
    L.name = "L"
    return L


def reference_loss(seed: str) -> Callable[[], Value]:
    """A reference document's loss, its nodes named as the document names them."""
    def build() -> Value:
        from nn.reference import build as build_case
        return build_case(seed).loss()
    return build


POINTS = ((1.0, 1.0), (2.0, 3.0))
"""Notebook 08's two points (x, t)."""
LEARNING_RATE = 0.1


def two_point_fit(w: float = 0.5, b: float = -0.2) -> Value:
    """Notebook 08: one linear neuron y = w·x + b fitted to two points, L = the mean of (y − t)²."""
    wv, bv = Value(w, name="w"), Value(b, name="b")
    terms = []
    for k, (x, t) in enumerate(POINTS, start=1):
        y = wv * Value(x, name=f"x{k}") + bv
        y.name = f"y{k}"
        terms.append((y - Value(t, name=f"t{k}")) ** 2)
    L = (terms[0] + terms[1]) / 2
    L.name = "L"
    return L


def after_one_step() -> Value:
    """Notebook 08: the same fit after one gradient-descent step (w -= 0.1·∂L/∂w, b likewise)."""
    L = two_point_fit()
    L.backward()
    params = {n.name: n for n in _leaves(L) if n.name in ("w", "b")}
    w, b = params["w"], params["b"]
    return two_point_fit(w.data - LEARNING_RATE * w.grad, b.data - LEARNING_RATE * b.grad)


def _leaves(root: Value) -> list[Value]:
    from ..traversal import topological_order
    return [n for n in topological_order(root) if n.op is None]


# --- the exercises ------------------------------------------------------------------------------------

KINDS = ("gradient", "local", "next_step")


@dataclass(frozen=True)
class NotebookExercise:
    """One exercise of a notebook: the graph it is asked on, what is asked, and the mistake it is about.

    ``kind``: 'gradient' (d(root)/d(node), ``nodes = (node,)``), 'local' (∂upper/∂lower along one
    edge) or 'next_step' (what upper passes to lower in the backward pass), ``nodes = (upper, lower)``,
    all by name. ``watch_for``: the catalogue mistakes the exercise is about, the likeliest first.
    """

    key: str
    kind: str
    graph: Callable[[], Value]
    nodes: tuple[str, ...]
    watch_for: tuple[str, ...]

    @property
    def number(self) -> int:
        return int(self.key.split(".")[1])

    def exercise(self) -> Exercise:
        """The practice ``Exercise`` on a fresh copy of the graph."""
        root = self.graph()
        nodes = tuple(resolve_node(root, name, "check")[1] for name in self.nodes)
        return Exercise(self.kind, root, nodes, self.watch_for)

    def prompt(self) -> str:
        return self.exercise().prompt()

    def grade(self, answer: object) -> Grade:
        return self.exercise().grade(answer)


def _exercise(key: str, kind: str, graph: Callable[[], Value], nodes: tuple[str, ...], *watch: str) -> NotebookExercise:
    if kind not in KINDS or not watch or any(m not in MISTAKES for m in watch):
        raise ValueError(f"exercise {key}: unknown kind {kind!r} or mistakes {watch!r}")
    return NotebookExercise(key, kind, graph, nodes, watch)


EXERCISES: dict[str, NotebookExercise] = {e.key: e for e in (
    # 01: a Value and the chain rule
    _exercise("01.1", "next_step", chain_graph, ("e", "a"), "upstream_dropped"),
    _exercise("01.2", "gradient", shared_graph, ("a",), "missed_path"),
    _exercise("01.3", "gradient", cube_graph, ("x",), "not_zeroed", "stale_intermediate"),
    # 02: one neuron
    _exercise("02.1", "local", sigmoid_neuron, ("a", "z"), "sigma_instead_of_derivative", "z_times_sigma",
              "derivative_at_activation"),
    _exercise("02.2", "gradient", sigmoid_neuron, ("w1",), "wrong_input_factor"),
    _exercise("02.3", "gradient", sigmoid_neuron, ("b",), "sign_flipped", "loss_factor_dropped"),
    # 03-07: the five documents
    _exercise("03.1", "gradient", reference_loss("000"), ("W_20",), "sign_flipped"),
    _exercise("03.2", "gradient", reference_loss("000"), ("b_1",), "missed_path"),
    _exercise("03.3", "local", reference_loss("000"), ("Out h1", "net h1"), "z_times_sigma"),
    _exercise("04.1", "gradient", reference_loss("001"), ("w3_11",), "rounded_intermediates"),
    _exercise("04.2", "gradient", reference_loss("001"), ("b3_1",), "loss_factor_dropped"),
    _exercise("04.3", "gradient", reference_loss("001"), ("w1_11",), "missed_path"),
    _exercise("04.4", "gradient", reference_loss("001"), ("b1_1",), "wrong_node"),
    _exercise("05.1", "gradient", reference_loss("002"), ("w3_12",), "swapped_weight_index"),
    _exercise("05.2", "gradient", reference_loss("002"), ("w2_11",), "missed_path"),
    _exercise("05.3", "gradient", reference_loss("002"), ("z3_1",), "loss_factor_dropped"),
    _exercise("06.1", "gradient", reference_loss("003"), ("a1_1",), "neighbour_factor"),
    _exercise("06.2", "local", reference_loss("003"), ("a1_1", "z1_1"), "derivative_at_activation"),
    _exercise("06.3", "gradient", reference_loss("003"), ("w2_12",), "swapped_weight_index"),
    _exercise("07.1", "gradient", reference_loss("004"), ("w11",), "sigma_instead_of_derivative"),
    _exercise("07.2", "gradient", reference_loss("004"), ("w12",), "swapped_weight_index"),
    _exercise("07.3", "gradient", reference_loss("004"), ("w31",), "sign_flipped"),
    # 08: training
    _exercise("08.1", "gradient", two_point_fit, ("w",), "loss_factor_dropped"),
    _exercise("08.2", "gradient", two_point_fit, ("b",), "missed_path"),
    _exercise("08.3", "gradient", after_one_step, ("b",), "not_zeroed"),
)}
"""Every notebook exercise by key ('01.2': notebook 01, exercise 2)."""


# --- what a cell shows ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """What an exercise cell shows: the question while unanswered, else the grader's verdict.

    ``status``: 'unanswered', or the ``Grade``'s status ('correct', 'imprecise', 'mistake',
    'wrong', 'unreadable'). ``grade`` is None while unanswered. In Jupyter it is Markdown.
    """

    title: str
    prompt: str
    status: str
    grade: Grade | None
    hint: str | None
    solution: str
    lang: str

    @property
    def correct(self) -> bool:
        return self.grade is not None and self.grade.correct

    def markdown(self) -> str:
        with using_language(self.lang):
            return self._markdown()

    def _markdown(self) -> str:
        g = self.grade
        if g is None:
            lines = [translate("**{title}: type your answer.** {prompt}", title=self.title, prompt=self.prompt),
                     translate("Replace `None` with a number (at least {digits} significant digits) or a formula in "
                               "the node names, then run the cell again.", digits=MIN_DIGITS)]
        elif g.status == "correct":
            lines = [translate("✓ **{title}.** {message}", title=self.title, message=g.message)]
        elif g.status == "imprecise":
            lines = [translate("**{title}: almost.** {message}", title=self.title, message=g.message)]
        elif g.status == "unreadable":
            lines = [translate("**{title}: I cannot read this answer.** {message}", title=self.title,
                               message=g.message)]
        elif g.status == "mistake":
            first = lookup(MISTAKES[g.mistakes[0]])
            lines = [translate("✗ **{title}: not yet.** The grader recognises a common mistake: {mistake}.",
                               title=self.title, mistake=first)]
            lines += [d.sentence for d in g.diagnoses]
        elif _coarse(g):
            lines = [translate("✗ **{title}: not yet.** {answer} is not {lhs}. Type at least {digits} significant "
                               "digits, so that the grader can tell which mistake gave it.", title=self.title,
                               answer=g.answer, lhs=g.lhs, digits=MIN_DIGITS)]
        else:
            lines = [translate("✗ **{title}: not yet.** {answer} is not {lhs}, and it fits none of the common "
                               "mistakes: check each factor of each path.", title=self.title, answer=g.answer,
                               lhs=g.lhs)]
        if self.hint:
            lines.append(translate("**Hint:** {hint}", hint=self.hint))
        if g is not None and not g.correct and self.solution:
            lines.append("<details><summary>" + translate("The worked answer") + "</summary>\n\n```text\n"
                         + self.solution + "\n```\n\n</details>")
        return "\n\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def text(self) -> str:
        """The verdict as plain text (the grader's own text once answered)."""
        if self.grade is None:
            return f"{self.title}: {self.prompt}"
        return self.grade.text()

    def __repr__(self) -> str:
        verdict = "unanswered" if self.grade is None else f"{self.grade.status}, mistakes={self.grade.mistakes!r}"
        return one_line(f"Feedback({self.title}: {verdict})")


def _coarse(g: Grade) -> bool:
    """A wrong number typed with too few significant digits to tell mistakes apart."""
    typed = read_number(g.answer) if g.kind == "number" else None
    return typed is not None and typed.digits < MIN_DIGITS


def _hint(g: Grade | None, watch_for: tuple[str, ...], root: Value, node: Value) -> str:
    """The grader's hint: the first path a formula missed, else the likely mistake's description."""
    if g is not None and g.verdict is not None and g.verdict.missing_paths:
        path = g.verdict.missing_paths[0]
        return translate("the sum also needs path {index}: {route}. Multiply the local derivatives along it.",
                         index=path.index, route=path.route())
    mistakes = g.mistakes if g is not None and g.mistakes else watch_for
    if mistakes:
        return translate("watch for this common mistake: {mistake}.", mistake=lookup(MISTAKES[mistakes[0]]))
    count = explain(root, node, form="delta").path_count
    return translate_plural("{root} reaches {node} along {count} path: the gradient is the product of the local "
                            "derivatives along it.",
                            "{root} reaches {node} along {count} paths: the gradient is the sum, over them, of the "
                            "product of the local derivatives along each.", count, root=label(root), node=label(node))


def _solution(g: Grade) -> str:
    """The worked answer: the grader's derivation, which ends in the right value."""
    return g.derivation


def _feedback(title: str, prompt: str, grader: Callable[[object], Grade], answer: object, show_hint: bool,
              watch_for: tuple[str, ...], root: Value, node: Value, lang: str | None) -> Feedback:
    with using_language(lang) as language:
        g = None if answer is None else grader(answer)
        tip = _hint(g, watch_for, root, node) if show_hint and (g is None or not g.correct) else None
        return Feedback(title, prompt, "unanswered" if g is None else g.status, g, tip,
                        _solution(g) if g is not None else "", language)


def check(key: str, answer: object, *, hint: bool = False, lang: str | None = None) -> Feedback:
    """Grade ``answer`` to the notebook exercise ``key`` ('01.2'); None: not answered yet.

    ``answer`` is a number or a string (a number, or a formula in the node names). ``hint=True``
    adds the grader's hint. ``lang``: the language (default: ``AUTODIFF_LANG``, else the locale).
    """
    if key not in EXERCISES:
        raise KeyError(f"check: no notebook exercise {key!r}; the exercises are {', '.join(EXERCISES)}")
    spec = EXERCISES[key]
    with using_language(lang):
        exercise = spec.exercise()
        node = exercise.nodes[-1]
        title = translate("Exercise {number}", number=spec.number)
        return _feedback(title, exercise.prompt(), exercise.grade, answer, hint, spec.watch_for, exercise.root,
                         node, lang)


def check_own(root: Value, node: Value | str, answer: object, *, hint: bool = False,
              lang: str | None = None) -> Feedback:
    """Grade ``answer`` for d(root)/d(node) on your own expression ``root`` (None: not answered yet)."""
    target = resolve_node(root, node, "check_own")[1]
    with using_language(lang):
        exercise = Exercise("gradient", root, (target,))
        title = translate("Your own expression")
        return _feedback(title, exercise.prompt(), exercise.grade, answer, hint, (), root, target, lang)
