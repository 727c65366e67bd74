"""Practice backpropagation: exercises on any graph, graded with a diagnosis that names the mistake.

    from autodiff.practice import grade, MISTAKES
    g = grade(loss, "b_1", "-0.0764")      # a number or a formula in node names
    g.correct, g.mistakes, g.expected      # False, ('missed_path',), -0.0906...
    print(g.text())                        # the mistake named, then the right step

Modules: ``chain`` (the chain rule re-run with a mistake injected), ``catalogue`` (the
mistakes and their numbers on a graph), ``grading`` (``grade``), ``messages`` (every sentence
a learner reads), ``exercises``, ``worksheet`` and ``session`` (the terminal session).
"""

from .catalogue import MISTAKES, Candidate, candidates
from .grading import Diagnosis, Grade, grade

__all__ = ["MISTAKES", "grade", "Grade", "Diagnosis", "Candidate", "candidates"]
