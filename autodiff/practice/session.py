"""The interactive practice session: ask, read an answer, grade it, explain, keep the score.

``run_session(exercise_set, stdin, stdout)`` works on any text streams, so the command line
(``python -m autodiff.practice``), a lab or a test can drive it. It handles a right answer, a
wrong one (with its diagnosis), an unreadable one (a clear message, the question is asked
again and not counted), ``q`` to stop, and the end of input (a clean stop with the final score).
Questions are numbered through the whole set (a fill-in exercise asks one question per hidden
gradient), so "Question 5 of 5" is the last and the final score counts the same questions. A
fill-in exercise shows its graph as a table of nodes, and its prompt speaks of that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from .catalogue import label, num
from .exercises import Exercise, ExerciseSet
from ..i18n import N_, translate, translate_plural, using_language
from .messages import say

QUIT = ("q", "quit", "exit")
_FILL = N_("The table lists the nodes of {root}'s graph in the middle of backward(): the gradients computed so far "
           "are shown, the others are “?”. Fill in the gradient of {node}.")


@dataclass
class Score:
    """How a session went: right answers, graded answers, questions in the set."""

    right: int = 0
    asked: int = 0
    total: int = 0
    finished: bool = False  # every question was answered


def _table(exercise: Exercise) -> list[str]:
    shown = exercise.shown()
    rows = []
    for n, g in reversed(list(shown.items())):
        if n.name is not None:
            rows.append((n.name, num(n.data), "?" if g is None else num(g)))
    width = max(len(r[0]) for r in rows)
    head = (say("sheet.table_head_node"), say("sheet.table_head_value"), say("sheet.table_head_grad"))
    lines = [f"  {head[0]:<{width}}  {head[1]:>12}  {head[2]:>12}"]
    lines += [f"  {a:<{width}}  {b:>12}  {c:>12}" for a, b, c in rows]
    return lines


def _final(score: Score) -> str:
    return translate_plural("Final score: {right} right out of {asked} answered ({total} question).",
                            "Final score: {right} right out of {asked} answered ({total} questions).", score.total,
                            right=score.right, asked=score.asked, total=score.total)


def run_session(es: ExerciseSet, stdin: TextIO, stdout: TextIO, lang: str | None = None) -> Score:
    """Ask every question of ``es`` on ``stdout``, read answers from ``stdin``; return the score.

    ``lang`` ('en', 'ko'; default: ``AUTODIFF_LANG``, else the locale) is the session's language.
    """
    with using_language(lang):
        return _run_session(es, stdin, stdout)


def _run_session(es: ExerciseSet, stdin: TextIO, stdout: TextIO) -> Score:
    score = Score(total=len(es.questions()))

    def write(text: str = "") -> None:
        stdout.write(text + "\n")
        stdout.flush()

    write(say("session.title", title=es.title))
    for line in es.description:
        write(f"  {line}")
    write(say("session.howto"))
    shown_tables: set[int] = set()
    questions = es.questions()
    for asked, (number, question) in enumerate(questions, start=1):
        write()
        write(say("session.exercise", number=asked, total=len(questions)))
        exercise = question.exercise
        if exercise.kind == "fill":
            if number not in shown_tables:
                shown_tables.add(number)
                for line in _table(exercise):
                    write(line)
            write(translate(_FILL, root=label(exercise.root), node=label(question.node)))
        else:
            write(question.prompt)
        while True:
            stdout.write(say("session.prompt"))
            stdout.flush()
            line = stdin.readline()
            if not line:  # end of input
                write()
                write(say("session.bye"))
                write(_final(score))
                return score
            answer = line.strip()
            if answer.lower() in QUIT:
                write(say("session.stopped"))
                write(_final(score))
                return score
            result = question.grade(answer)
            write(result.text())
            if result.status == "unreadable":
                write(say("session.skip"))
                continue
            score.asked += 1
            score.right += result.correct
            write(say("session.score", right=score.right, asked=score.asked))
            break
    score.finished = True
    write()
    write(_final(score))
    return score
