"""Grading one answer for d(root)/d(node): right, or wrong with the mistake that explains it.

``grade(root, node, answer)``: ``answer`` is a number (or a string that reads as one) or a
formula in the graph's node names.

* A number, in any written form (``(−0.0906)``, ``−9.06×10^-2``, ``−906/10000``: ``typed``), is
  right when it equals the exact gradient rounded to the digits typed, with at least
  ``MIN_DIGITS`` significant digits (zero never rounds a gradient that is not zero); a catalogue
  number hit exactly beats the rounding excuse. Otherwise it is compared, at the same precision,
  with every number of the catalogue (``catalogue.candidates``): each mistake whose number
  fits is named. The rounding mistake is named only when the answer fits the rounded
  computation better than the exact one.
* A formula that restates the question (δ of the node asked for, or of a gradient the exercise
  hides) earns nothing and says why. Half of the last step (the gradient from above alone, or
  the local derivative alone) and a dropped constant factor are read from the formula's structure.
* A formula goes through ``check_formula``. Its verdict (missing paths, off factors, a
  derivation of another node) is mapped to catalogue ids; so is its value when it equals a
  catalogue number, and so is any single repair (one sign flipped back, one name replaced by
  its neighbour) that makes the formula right or the derivation of another node.

The result is a ``Grade``; ``Grade.text()`` is what a learner reads: one sentence naming each
mistake, then the right step and the derivation (``explain``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping, Protocol

from ..checking import OffFactor, Verdict, check_formula
from ..engine import Value
from ..explanation import explain
from ..formula import FormulaError, parse_formula
from ..i18n import using_language
from ..paths import ChainPath, resolve_node
from ..terms import is_one
from ..typed import EXACT_DECIMALS, MIN_DIGITS, Typed, fits, read_number, typed_constant, typed_from_float
from .catalogue import MISTAKES, Candidate, Context, candidates_in, consumer, factor, input_edges, label, \
    neighbour_key, num, sum_text
from .messages import say
from .repairs import MAX_REPAIR_WORK, Repair, Work, close, negated, repairs, sign_repairs_to, values_of

MAX_ANSWER_LENGTH = 2000
STATUSES = ("correct", "imprecise", "mistake", "wrong", "unreadable")


@dataclass(frozen=True)
class Diagnosis:
    """One recognised mistake: its id, the sentence that names it, and the right step."""

    mistake: str
    sentence: str
    fix: str


@dataclass(frozen=True)
class Grade:
    """The verdict on one answer. ``correct``, ``mistakes`` (catalogue ids), ``expected``, ``text()``.

    ``status`` is one of ``STATUSES``: 'correct'; 'imprecise' (right to the digits typed, but
    fewer than MIN_DIGITS); 'mistake' (one or more catalogue mistakes fit); 'wrong' (none
    fits); 'unreadable' (neither a number nor a formula; ``message`` says why).
    """

    correct: bool
    mistakes: tuple[str, ...]
    expected: float
    status: str
    answer: str
    lhs: str
    value: float | None = None  # the answer's value (a formula evaluated on the graph)
    diagnoses: tuple[Diagnosis, ...] = ()
    derivation: str = ""
    message: str = ""
    verdict: Verdict | None = field(default=None, repr=False)
    kind: str = "number"  # or "formula"
    lang: str | None = None  # the language grade() wrote in; text() writes in it too

    def text(self) -> str:
        """The diagnosis a learner reads (in the language ``grade`` was given)."""
        with using_language(self.lang):
            return self._text()

    def _text(self) -> str:
        expected = num(self.expected, 10)
        if self.status == "unreadable":
            return self.message
        if self.status == "correct":
            return self.message
        if self.status == "imprecise":
            return self.message
        lines: list[str] = []
        if self.status == "mistake":
            if len(self.diagnoses) > 1 and self.kind == "number" and self.value is not None:
                lines.append(say("two_mistakes", count=len(self.diagnoses), value=num(self.value)))
            elif len(self.diagnoses) > 1:
                lines.append(say("several_slips", count=len(self.diagnoses)))
            lines.extend(d.sentence for d in self.diagnoses)
            lines.append(self.diagnoses[0].fix)
        else:
            lines.append(self.message)
            lines.append(say("right_value", lhs=self.lhs, expected=expected))
        lines.append(self.derivation)
        return "\n".join(lines)

    __str__ = text

    def as_dict(self) -> dict[str, object]:
        """The grade as plain data (for a JSON API): every field a page needs, and ``text``."""
        return {"correct": self.correct, "mistakes": list(self.mistakes), "expected": self.expected,
                "status": self.status, "kind": self.kind, "answer": self.answer, "value": self.value,
                "lhs": self.lhs, "text": self.text(),
                "diagnoses": [{"mistake": d.mistake, "sentence": d.sentence, "fix": d.fix} for d in self.diagnoses],
                # per path, the edges (upper, lower) whose factor a formula has wrong or lacks: the lab marks them
                "off_edges": [{"path": path, "edges": [list(e) for e in edges]}
                              for path, edges in (self.verdict.off_edges if self.verdict is not None else ())]}


# --- reading a number ---------------------------------------------------------------------

# --- the grader -----------------------------------------------------------------------------

def _resolve(root: Value, node: Value | str) -> Value:
    order, target = resolve_node(root, node, "grade")
    if isinstance(node, Value) and node not in set(order):
        raise ValueError(f"grade: the node {node!r} is not in the graph of {label(root)}")
    return target


def derivation(root: Value, node: Value) -> str:
    """The worked derivation of d(root)/d(node): every path when there are few, else the delta form."""
    count = explain(root, node, form="delta").path_count
    return explain(root, node, form="paths" if 0 < count <= 4 else "delta").text()


def grade(root: Value, node: Value | str, answer: object, *, aliases: Mapping[str, str] | None = None,
          lang: str | None = None, hidden: Iterable[Value] = (), delta_root: Value | None = None) -> Grade:
    """Grade ``answer`` (a number, or a formula in node names) for d(root)/d(node).

    ``node`` is a Value of root's graph or the unique name of one. ``aliases`` maps extra
    names a formula may use to node names (as in ``check_formula``). No ``.grad`` is changed.
    ``lang`` ('en', 'ko'; default: ``AUTODIFF_LANG``, else the locale) is the diagnosis's language.
    ``hidden``: gradients the exercise hides (δ of one restates the question, as δ(node) does);
    ``delta_root``: the root whose gradients δ(v) means (an edge's local derivative: the loss).
    """
    with using_language(lang) as language:
        return replace(_grade(root, node, answer, aliases, tuple(hidden), delta_root), lang=language)


def _grade(root: Value, node: Value | str, answer: object, aliases: Mapping[str, str] | None,
           hidden: tuple[Value, ...] = (), delta_root: Value | None = None) -> Grade:
    target = _resolve(root, node)
    ctx = Context(root, target)
    ctx.hidden, ctx.delta_root = hidden, delta_root
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        raise TypeError(f"grade: answer must be a number or a str (a number or a formula), got "
                        f"{type(answer).__name__} {answer!r}")
    if isinstance(answer, str) and len(answer) > MAX_ANSWER_LENGTH:
        return _unreadable(ctx, answer[:40] + "…", say("unreadable_number", answer=answer[:40] + "…",
                                                       reason=say("reason_too_long", limit=MAX_ANSWER_LENGTH)))
    if isinstance(answer, str) and answer.strip() and read_number(answer) is None:
        typed = read_constant(answer, list(ctx.by_name) + list(aliases or {}), aliases)
        if typed is not None:  # a number in another form: (−0.0906), −9.06×10^-2, −906/10000
            return _grade_typed(target_of(ctx), answer.strip(), typed)
        return _grade_formula(ctx, answer.strip(), aliases)
    return grade_number(target_of(ctx), answer)


def read_constant(text: str, names: Iterable[str] = (), aliases: Mapping[str, str] | None = None) -> Typed | None:
    """``text`` as a number when it is a formula without names (its precision as written,
    ``typed.typed_constant``); None when it is not (a formula with names, or unreadable)."""
    try:
        parsed = parse_formula(text, [n for n in names if n not in (aliases or {})], aliases)
    except FormulaError:
        return None
    return typed_constant(parsed, text)


@dataclass(frozen=True)
class Target:
    """What a numeric answer is graded against: the quantity, its right value, the mistakes'
    numbers and the derivation (both computed only when needed)."""

    lhs: str
    expected: float
    params: Mapping[str, str]
    candidates: Callable[[], list[Candidate]]
    derivation: Callable[[], str]


def target_of(ctx: Context) -> Target:
    """The gradient d(root)/d(node) as a Target."""
    return Target(ctx.lhs(), ctx.expected, ctx.base(), lambda: candidates_in(ctx),
                  lambda: derivation(ctx.root, ctx.node))


def _unreadable(target: Target | Context, answer: str, message: str, kind: str = "number") -> Grade:
    t = target if isinstance(target, Target) else target_of(target)
    return Grade(False, (), t.expected, "unreadable", answer, t.lhs, message=message, kind=kind)


def _diagnose(c: Candidate, target: Target) -> Diagnosis:
    return Diagnosis(c.mistake, say(c.key, **c.params), say(c.fix, **{**target.params, **c.fix_params}))


def grade_number(target: Target, answer: object) -> Grade:
    """Grade a numeric answer (a number, or a str that reads as one) against ``target``."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        raise TypeError(f"grade: answer must be a number or a str, got {type(answer).__name__} {answer!r}")
    if isinstance(answer, str):
        text = answer.strip()
        if not text:
            return _unreadable(target, answer, say("unreadable_empty"))
        typed = read_number(text) or read_constant(text)
        if typed is None:
            return _unreadable(target, text, say("unreadable_number", answer=text[:40],
                                                  reason=say("reason_not_a_number")))
    else:
        text = repr(answer)
        try:
            number = float(answer)
        except OverflowError:  # an int too large for a float
            number = math.inf
        typed = typed_from_float(number) if math.isfinite(number) else None
    if typed is None or not math.isfinite(typed.value):
        return _unreadable(target, text, say("not_finite", answer=text))
    return _grade_typed(target, text, typed)


def _grade_typed(target: Target, answer: str, typed: Typed) -> Grade:
    lhs, expected = target.lhs, target.expected
    exact = [c for c in target.candidates() if math.isclose(typed.value, c.value, rel_tol=1e-12, abs_tol=1e-300)] \
        if fits(typed, expected) and typed.digits < MIN_DIGITS else []
    if exact and not math.isclose(typed.value, expected, rel_tol=1e-12, abs_tol=1e-300):
        # An exact classic mistake beats the rounding excuse: 2 for 2.2 when the dropped factor gives exactly 2.
        return _result(target, answer, typed.value, _first_per_mistake(exact, target), None)
    if fits(typed, expected):
        if typed.digits >= MIN_DIGITS or math.isclose(typed.value, expected, rel_tol=1e-12, abs_tol=1e-300):
            return Grade(True, (), expected, "correct", answer, lhs, typed.value,
                         message=say("correct", answer=answer, lhs=lhs, expected=num(expected, 10)))
        return Grade(False, (), expected, "imprecise", answer, lhs, typed.value,
                     message=say("imprecise", answer=answer, lhs=lhs, expected=num(expected, 10), digits=MIN_DIGITS))
    coarse = typed.digits < MIN_DIGITS  # too coarse to tell mistakes apart, unless a number is hit exactly
    found: list[Candidate] = []
    for c in target.candidates():
        if coarse and not math.isclose(typed.value, c.value, rel_tol=1e-12, abs_tol=1e-300):
            continue
        if not fits(typed, c.value):
            continue
        if c.mistake == "rounded_intermediates" and not abs(typed.value - c.value) < abs(typed.value - expected):
            continue
        found.append(c)
    if coarse and not found:
        return _result(target, answer, typed.value, [], None,
                       say("wrong_few_digits", answer=answer, lhs=lhs, expected=num(expected, 10), digits=MIN_DIGITS))
    return _result(target, answer, typed.value, _first_per_mistake(found, target), None)


def _first_per_mistake(found: Iterable[Candidate], target: Target) -> list[Diagnosis]:
    out: dict[str, Diagnosis] = {}
    for c in found:
        out.setdefault(c.mistake, _diagnose(c, target))
    return list(out.values())


def _result(target: Target, answer: str, value: float | None, diagnoses: list[Diagnosis], verdict: Verdict | None,
            wrong_message: str | None = None) -> Grade:
    kind = "number" if verdict is None else "formula"
    rank = {m: i for i, m in enumerate(MISTAKES)}
    diagnoses = sorted(diagnoses, key=lambda d: rank[d.mistake])
    lhs = target.lhs
    steps = target.derivation()
    if diagnoses:
        return Grade(False, tuple(d.mistake for d in diagnoses), target.expected, "mistake", answer, lhs, value,
                     tuple(diagnoses), steps, verdict=verdict, kind=kind)
    message = wrong_message or say("wrong", answer=answer, lhs=lhs, expected=num(target.expected, 10))
    return Grade(False, (), target.expected, "wrong", answer, lhs, value, (), steps, message, verdict, kind)


# --- formulas -----------------------------------------------------------------------------------

def grade_formula_value(target: Target, root: Value, answer: str, hidden: Iterable[Value] = ()) -> Grade:
    """A formula graded by its value, for a quantity that is not one gradient (a next step's
    contribution): evaluated on root's graph (δ(v) = ∂root/∂v), then graded as that exact number,
    so that a formula and the number it gives get the same diagnosis; δ of a hidden gradient
    restates the question."""
    ctx = Context(root, root)
    try:
        parsed = parse_formula(answer, list(ctx.by_name))
        value = parsed.evaluate(values_of(ctx))
    except (FormulaError, KeyError, ValueError, ArithmeticError) as error:
        return _unreadable(target, answer, say("unreadable_number", answer=answer[:40], reason=str(error)), "formula")
    asked = {ctx.label(n) for n in hidden}
    restated = sorted(n for n in parsed.names() if n.startswith("δ(") and n[2:-1] in asked)
    if restated:
        return replace(_result(target, answer, value, [], None, _restates(answer, tuple(restated), target.lhs, "")),
                       kind="formula")
    if not math.isfinite(value):
        return _unreadable(target, answer, say("not_finite", answer=answer), "formula")
    graded = _grade_typed(target, answer, Typed(value, EXACT_DECIMALS, 17))
    if graded.status == "correct":
        graded = replace(graded, message=say("correct_formula", lhs=target.lhs, expected=num(target.expected, 10)))
    return replace(graded, kind="formula")


def _restates(answer: str, deltas: tuple[str, ...], lhs: str, own: str) -> str:
    """Why an answer that restates the question earns nothing: δ of the gradient asked for
    (``own``), or of a gradient the exercise hides."""
    if own in deltas:
        return say("restates", answer=answer, deltas=own, lhs=lhs)
    return say("restates.hidden", answer=answer, deltas=", ".join(deltas))


def _grade_formula(ctx: Context, formula: str, aliases: Mapping[str, str] | None) -> Grade:
    lhs = ctx.lhs()
    try:
        verdict = check_formula(ctx.root, ctx.node, formula, aliases=aliases, hidden=ctx.hidden,
                                delta_root=ctx.delta_root)
    except FormulaError as error:
        return _unreadable(ctx, formula, say("unreadable_number", answer=formula, reason=str(error)), "formula")
    if verdict.ok:
        return Grade(True, (), ctx.expected, "correct", formula, lhs, verdict.formula_value,
                     message=say("correct_formula", lhs=lhs, expected=num(ctx.expected, 10)), verdict=verdict,
                     kind="formula")
    found: dict[str, Diagnosis] = {}

    def add(mistake: str, key: str, fix: str = "fix.generic", **params: str) -> None:
        if mistake not in found:
            base = ctx.base()
            found[mistake] = Diagnosis(mistake, say(key, **{**base, **params}), say(fix, **{**base, **params}))

    value = verdict.formula_value
    templates = {"sign_flipped": ("sign_flipped.formula", "fix.sign"),
                 "neighbour_factor": (neighbour_key(ctx, "neighbour_factor.formula"), "fix.neighbour"),
                 "swapped_weight_index": ("swapped_weight_index.formula", "fix.other_node")}
    work = Work(MAX_REPAIR_WORK)

    def apply(repair: Repair) -> bool:
        """Name the slips a repair undoes; True when it makes the formula another node's derivation."""
        for mistake in repair.mistakes:
            add(mistake, *templates[mistake], written=repair.written, right=repair.right)
        if repair.partial:
            add("missed_path", "missed_path.repaired", "fix.missed_path", count=str(ctx.path_count()),
                sum=sum_text(p.value for p in ctx.paths()) or say("paths.count", count=ctx.path_count()))
        if repair.other is not None:
            _name_other(ctx, repair.other, add, repaired=True)
        return repair.other is not None

    if verdict.restates:  # δ of the gradient asked for: no derivation, whatever its value...
        for repair in repairs(ctx, verdict.parsed, work):  # ...unless it is a neighbour's name mistyped
            if "sign_flipped" not in repair.mistakes:
                apply(repair)
        if not found:
            return _result(target_of(ctx), formula, value, [], verdict, _restates(formula, verdict.restates, lhs,
                                                                               f"δ({ctx.label(ctx.node)})"))
        return _result(target_of(ctx), formula, value, list(found.values()), verdict)
    # 0. half of the last step, read from the formula's structure: the gradient from above alone
    # (the local derivative into the node left out), or the local derivative alone
    half = _half_step(ctx, verdict)
    if half is not None:
        add(half[0], half[1], half[2], **half[3])
    # 1. the derivation of another node
    # When every term of the formula is exactly one of the node's own paths, a coincidence with
    # another node's gradient (δ(net h1) is also the h1 path to b_1) is not a second reading.
    own_paths = bool(verdict.matched_paths) and not verdict.off_factors or half is not None
    if own_paths and half is None and value != 0 and close(value, -ctx.expected):  # the whole sign, once
        add("sign_flipped", "sign_flipped.formula", "fix.sign", written=verdict.parsed.text(),
            right=negated(verdict.parsed).text())
    other_node = half is not None
    for name in () if own_paths else verdict.same_as:
        other_node = True
        _name_other(ctx, name, add)
    # 2. one repair (a sign, a neighbour's name) makes it right or another node's derivation
    # A formula that is exactly another node's derivation needs no repair to be explained.
    repaired_right = False  # one slip undone makes it right: the unrepaired structure names nothing more
    for repair in () if own_paths or other_node else repairs(ctx, verdict.parsed, work):
        other_node = apply(repair) or other_node
        repaired_right = repair.other is None and not repair.partial
    # 3. the checker's structure: missing paths, factors that are off
    if not other_node and half is None and not repaired_right:
        if verdict.missing_paths and verdict.matched_paths:
            add("missed_path", "missed_path.formula", "fix.missed_path", count=str(ctx.path_count()),
                matched=str(len(verdict.matched_paths)),
                missing=", ".join(say("paths.item", index=p.index, route=p.route()) for p in verdict.missing_paths),
                sum=sum_text(p.value for p in (verdict.paths or ())))
        for off in verdict.off_factors:
            _classify_off_factor(ctx, verdict, off, add, work)
    # 4. the formula's value is one of the catalogue's numbers, when its structure named no mistake
    # (a mistake is named only if the answer contains it: one slip is not two mistakes)
    for c in () if found else candidates_in(ctx):
        if c.mistake != "rounded_intermediates" and close(value, c.value) and c.mistake not in found:
            found[c.mistake] = _diagnose(c, target_of(ctx))
    wrong = say("wrong_formula", value=num(value, 10), lhs=lhs, expected=num(ctx.expected, 10))
    return _result(target_of(ctx), formula, value, list(found.values()), verdict, wrong + "\n" + verdict.text())


def _half_step(ctx: Context, verdict: Verdict) -> tuple[str, str, str, dict[str, str]] | None:
    """(mistake, sentence key, fix key, values…) when the formula is one path's product with only the
    last step's local derivative left out (the gradient from above alone) or with only it kept."""
    if len(verdict.off_factors) != 1 or verdict.missing_paths or len(verdict.paths or ()) != 1:
        return None
    off = verdict.off_factors[0]
    if off.formula_text:  # a factor written wrong, not left out
        return None
    path = (verdict.paths or ())[0]
    u = consumer(ctx)
    last = len(path.factors) - 1
    chains = off.path_text.split(" · ")
    idx = [i for i, f in enumerate(path.factors) if f.chain() in chains]
    if u is None or last < 1 or path.factors[last].upper is not u:
        return None
    values = {"upper": ctx.label(u), "lower": ctx.label(ctx.node), "delta": factor(ctx.grads.get(u, 0.0)),
              "local": factor(path.factors[last].value), "value": num(ctx.grads.get(u, 0.0)),
              "local_value": num(path.factors[last].value)}
    if idx == [last]:
        return "wrong_node", "wrong_node.upstream", "fix.step", values
    if idx == [i for i in range(last) if not is_one(path.factors[i].symbol)]:  # (factors 1 are never written)
        return "upstream_dropped", "upstream_dropped", "fix.step", values
    return None


def _name_other(ctx: Context, name: str, add: _Adder, repaired: bool = False) -> None:
    other = ctx.named(name)
    value = num(ctx.grads.get(other, 0.0)) if other is not None else "?"
    suffix = ".repaired" if repaired else ""
    if ctx.node.name is not None and ctx.swapped(ctx.node.name) == name:
        add("swapped_weight_index", "swapped_weight_index" + suffix, "fix.other_node", other=name)
    else:
        add("wrong_node", "wrong_node" + suffix, "fix.other_node", other=name, value=value)


class _Adder(Protocol):  # the signature of add() in _grade_formula, for the helpers' type hints
    def __call__(self, mistake: str, key: str, fix: str = "fix.generic", **params: str) -> None: ...


def _classify_off_factor(ctx: Context, verdict: Verdict, off: OffFactor, add: _Adder, work: Work) -> None:
    path = next((p for p in verdict.paths or () if p.index == off.path), None)
    if path is None:
        return
    if not off.formula_text and off.path_text and _constant_factors(ctx, path, off):
        # a constant factor left out (a regulariser's λ, the inner 3 of sin(3b)): a dropped factor, not a missed path
        key = "loss_factor_dropped" if ctx.facts.is_loss else "loss_factor_dropped.plain"
        add("loss_factor_dropped", key, "fix.loss_factor" if ctx.facts.is_loss else "fix.generic",
            factors=off.path_symbolic)
        return
    chains = off.path_text.split(" · ") if off.path_text else []
    idx = [i for i, f in enumerate(path.factors) if f.chain() in chains]
    factors = [path.factors[i] for i in idx]
    fv, pv = off.formula_value, off.path_value
    if len(factors) == 1:
        f = factors[0]
        up, low = f.upper, f.lower
        if up.op is not None and up.op.name == "sigmoid" and up.parents[0] is low:
            z, a = low.data, up.data
            sig_a = 1 / (1 + math.exp(-a))
            slips = {"sigma_instead_of_derivative": a, "z_times_sigma": z * a,
                     "derivative_at_activation": sig_a * (1 - sig_a)}
            for mistake, wrong in slips.items():
                if close(fv, wrong):
                    add(mistake, mistake, "fix.sigmoid", where=ctx.label(up), z=ctx.label(low), a=ctx.label(up),
                        local=num(up.local_grads[0]))
            return
        if idx[-1] == len(path.factors) - 1 and any(e[0] is up for e in input_edges(ctx)):
            x = next(e[2] for e in input_edges(ctx) if e[0] is up)
            add("wrong_input_factor", "wrong_input_factor", "fix.input", z=ctx.label(up), x=ctx.label(x),
                written=off.formula_text, local=num(x.data))
            return
    if idx and idx[0] == 0 and off.formula_text:
        if close(fv, -pv) or sign_repairs_to(off.formula_text, ctx, pv, work):
            add("sign_flipped", "sign_flipped.formula", "fix.sign", written=off.formula_text, right=off.path_symbolic)
            return
    # a neighbour's gradient or local derivative in place of the path's
    for f in factors:
        for v in (f.upper, f.lower):
            for u in ctx.neighbours(v):
                options = [ctx.grads.get(u, 0.0)] + list(u.local_grads)
                if any(close(fv, o) for o in options if o != 0):
                    add("neighbour_factor", neighbour_key(ctx, "neighbour_factor.formula"), "fix.neighbour",
                        written=off.formula_text,
                        right=off.path_symbolic)
                    return


def _constant_factors(ctx: Context, path: ChainPath, off: OffFactor) -> bool:
    """Whether the path factors an off-factor lacks are constants: numbers, or leaves that do not depend on node."""
    chains = off.path_text.split(" · ")
    symbols = [f.symbol for f in path.factors if f.chain() in chains]
    for sym in symbols:
        for name in sym.names():
            nodes = ctx.by_name.get(name, [])
            if len(nodes) != 1 or nodes[0].op is not None or nodes[0] is ctx.node:
                return False
    return bool(symbols)
