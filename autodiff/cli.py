"""The command line: ``python -m autodiff`` (or the ``autodiff`` script) and its subcommands.

    autodiff demo [--out DIR]                                  the five documents, training, pictures, pages
    autodiff draw EXPR --values x=2,w=-3 -o graph.svg          the graph after backward (.svg .png .pdf .dot)
    autodiff explain EXPR --values ... --wrt w                 d(EXPR)/dw derived path by path
    autodiff explain "q = x + y; f = q * z" --values ... --wrt q   named steps, as lectures write them
    autodiff check EXPR --values ... --wrt w --formula "..."   a hand formula for d(EXPR)/dw, checked
    autodiff matrices --case 002                               the layer (matrix) form, entry by entry

Expressions use the formula checker's syntax and are built by ``autodiff.expression`` (never
``eval``). Exit codes: 0 done (``check``: the formula is right), 1 bad input (the message is on
standard error), 2 bad usage (argparse's own), 3 ``check`` found the formula wrong. Tools that
live in their own packages (``lab``, ``practice``) are subcommands here when their package exists:
each is listed in ``TOOLS`` with the module whose ``main(argv: list[str]) -> int`` runs it.

Everything but argument parsing is imported inside the subcommand, so ``--help`` is instant and
``nn`` is loaded only by ``demo`` and ``matrices``. ``--lang ko`` (before the subcommand; default ``AUTODIFF_LANG``,
else the locale) is the language of the help, the explanations, the verdicts and the tools.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from .argparsing import ArgumentParser
from .i18n import N_, LanguageError, available_languages, resolve_language, translate, using_language

if TYPE_CHECKING:
    from .engine import Value

__all__ = ["main", "build_parser", "InputError", "TOOLS"]

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_WRONG = 0, 1, 2, 3
DRAW_SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv")
"""The files ``draw -o`` writes (``render.save``'s suffixes; a test keeps the two in step)."""
_EXPRESSION_COMMANDS = ("draw", "explain", "check")
GRAPHVIZ_HINT = N_("Install Graphviz, which provides the `dot` program: `sudo apt-get install graphviz` "
                   "(Debian/Ubuntu), `brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, "
                   "or see https://graphviz.org/download/ (the Python package `graphviz` alone is not enough).")

TOOLS: dict[str, tuple[str, str, str]] = {
    # subcommand: (its package, the module with main(argv) -> int, one-line help)
    "lab": ("autodiff.lab", "autodiff.lab.__main__", N_("explore, step through and check backpropagation in the browser")),
    "practice": ("autodiff.practice", "autodiff.practice.cli", N_("exercises on any graph, graded with a diagnosis")),
}


class InputError(Exception):
    """Input the command cannot use (an expression, a value, a name, a file): exit code 1."""


class _Once(argparse.Action):
    """An option that may be given once: a second ``--values`` is a usage error, not a silent replacement."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(translate("{option} is given twice: write every value in one {option}, separated by "
                                   "commas, as in {option} x=2,w=-3", option=option_string))
        setattr(namespace, self.dest, values)


def _version() -> str:
    from . import __version__

    return __version__


def build_parser() -> ArgumentParser:
    """The argument parser, with one subparser per subcommand (and per installed tool).

    Its help, argparse's own words and its errors are in the learner's language (``autodiff.i18n``:
    an enclosing ``using_language``, else ``AUTODIFF_LANG``, else the locale; ``autodiff.argparsing``);
    ``main`` reads ``--lang`` first for it.
    """
    parser = ArgumentParser(
        prog="autodiff",
        description=translate("A tiny, exact scalar autograd engine that draws, explains and checks its gradients."),
        epilog=translate("Run 'autodiff COMMAND --help' for a command's options. Exit codes: 0 done, 1 bad input, "
               "2 bad usage, 3 (check) the formula is wrong."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    parser.add_argument("--lang", metavar="LANG",
                        help=translate("the language of the explanations, verdicts and help ({languages}; default: "
                                       "AUTODIFF_LANG, else the locale)", languages=", ".join(available_languages())))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo", help=translate("the five reference documents, toy training, drawings and animations"),
        description=translate("Walk through the five reference documents (forward values, every gradient beside the "
                    "document's formula, the checker on its formulas as written), train MLPs on XOR and two "
                    "moons, draw the networks and animate the backward pass. Pictures and pages go into --out."))
    demo.add_argument("--out", type=Path, default=Path("autodiff-demo"), metavar="DIR",
                      help=translate("folder for the pictures and pages (default: ./autodiff-demo)"))
    demo.set_defaults(run=_run_demo)

    def expression_arguments(command: argparse.ArgumentParser) -> None:
        """The arguments every expression command takes: EXPR, --values and --name."""
        command.add_argument("expression", metavar="EXPR",
                             help=translate("an expression in the formula syntax, e.g. 'tanh(x1*w1 + x2*w2 + b)'"))
        command.add_argument("--values", required=True, metavar="NAME=NUMBER,...", action=_Once,
                             help=translate("values for the expression's leaves, e.g. 'x1=2,w1=-3,x2=0,w2=1,b=6.88'"))
        command.add_argument("--name", default=None,
                             help=translate("the name of the result, as derivations write it (default: f, unless "
                                            "the expression names it: q = x + y; f = q * z)"))

    draw = commands.add_parser(
        "draw", help=translate("draw an expression's graph after backward"),
        description=translate("Build the expression, run backward() and draw the graph: every value with its data and "
                    "gradient, every edge with its local derivative. The suffix of -o chooses the format "
                    "(.svg, .png, .pdf need Graphviz's dot; .dot does not)."))
    expression_arguments(draw)
    draw.add_argument("-o", "--output", type=Path, default=Path("graph.svg"), metavar="FILE",
                      help=translate("where to write the drawing (default: graph.svg)"))
    draw.add_argument("--highlight", metavar="NAME", help=translate("colour every path from the result back to this node"))
    draw.add_argument("--no-edge-formulas", action="store_true", help=translate("label edges with numbers only"))
    draw.set_defaults(run=_run_draw)

    explain = commands.add_parser(
        "explain", help=translate("derive d(EXPR)/d(NAME) path by path, as a teacher does"),
        description=translate("Build the expression and write the derivative of its result with respect to one node: "
                    "every path as a product of local derivatives (symbolic and numeric), and their sum."))
    expression_arguments(explain)
    explain.add_argument("--wrt", required=True, metavar="NAME", help=translate("the node to differentiate with respect to"))
    explain.add_argument("--form", choices=("paths", "delta"), default="paths",
                         help=translate("every path (default), or the factored delta form"))
    explain.add_argument("--format", choices=("text", "markdown", "latex"), default="text", dest="style",
                         help=translate("how to print it (default: text)"))
    explain.set_defaults(run=_run_explain)

    check = commands.add_parser(
        "check", help=translate("check a hand formula for d(EXPR)/d(NAME)"),
        description=translate("Build the expression, compare a hand-derived formula (written with the node names) with "
                    "the gradient from backward(), and say what differs. Exit code 0 when it is right, "
                    "3 when it is wrong."))
    expression_arguments(check)
    check.add_argument("--wrt", required=True, metavar="NAME", help=translate("the node the formula differentiates by"))
    check.add_argument("--formula", required=True, metavar="FORMULA", help=translate("the hand formula, e.g. 'x1*(1-y^2)'"))
    check.set_defaults(run=_run_check)

    matrices = commands.add_parser(
        "matrices", help=translate("a network's gradients in the layer (matrix) form, checked entry by entry"),
        description=translate("The layer form of a reference document (--case) or of a typed network (--sizes, "
                              "--inputs, --targets): A, Z, δ, ∂L/∂W = Aᵀ·δ and ∂L/∂b per layer, rows are samples, "
                              "W is fan-in × fan-out; every entry equals backward()'s gradient."))
    matrices.add_argument("--case", metavar="SEED", help=translate("a reference document: 000, 001, 002, 003 or 004"))
    matrices.add_argument("--variant", help=translate("a variant of the document (000: per_unit_hidden_bias, "
                                                      "half_squared_error_loss; 003: batch_sum)"))
    matrices.add_argument("--sizes", help=translate("a typed network's layer sizes, e.g. '3,1'"))
    matrices.add_argument("--inputs", help=translate("its samples, one per ';', e.g. '0.5,1; 1,2'"))
    matrices.add_argument("--targets", help=translate("its targets, one row per sample, e.g. '1; 0'"))
    matrices.add_argument("--activations", default="sigmoid", help=translate("one activation, or one per layer "
                                                                             "(default: sigmoid)"))
    matrices.add_argument("--bias", choices=("on", "off", "shared"), default="on", help=translate("biases (default: on)"))
    matrices.add_argument("--loss", choices=("mse", "half_sse", "bce", "cross_entropy"), default="mse",
                          help=translate("the loss (default: mse)"))
    matrices.add_argument("--seed", type=int, default=0, help=translate("the seed of the initial weights (default: 0)"))
    matrices.add_argument("--format", choices=("text", "markdown", "latex", "numpy"), default="text", dest="style",
                          help=translate("how to print it; numpy writes a runnable script (default: text)"))
    matrices.add_argument("--entry", metavar="NAME", help=translate("derive one parameter's entry: its δ and activation, "
                                                                    "the transpose, and its paths"))
    matrices.add_argument("--check", metavar="TARGET", help=translate("check a matrix formula (--formula) or a shape "
                                                                      "(--shape) for TARGET, e.g. dW2, δ1, db2 or "
                                                                      "the document's own name (loss_3)"))
    matrices.add_argument("--formula", help=translate("the formula, in numpy's or the documents' notation, e.g. "
                                                      "'A2.T @ loss_3' or 'A2ᵀ · loss_3'"))
    matrices.add_argument("--shape", metavar="ROWS,COLS", help=translate("a stated shape, e.g. '2,1' (003's are "
                                                                         "judged on its 2-100-50-1 network)"))
    matrices.set_defaults(run=_run_matrices)

    for name, (package, module, help_text) in TOOLS.items():
        if importlib.util.find_spec(package) is None:  # (finds the package without importing it)
            continue  # not in this version
        tool = commands.add_parser(name, help=translate(help_text), add_help=False,
                                   description=translate("{help} (options: 'autodiff {name} --help')",
                                                         help=translate(help_text), name=name))
        tool.add_argument("args", nargs=argparse.REMAINDER)
        tool.set_defaults(run=_delegate(module))
    return parser


def _delegate(module: str) -> Callable[[argparse.Namespace], int]:
    """Run ``module.main`` with the rest of the command line (its own parser handles ``--help``)."""
    def run(args: argparse.Namespace) -> int:
        tool_main: Callable[[list[str]], int] = importlib.import_module(module).main
        return tool_main(list(args.args))
    return run


def _tool(argv: Sequence[str]) -> str | None:
    """The module to hand ``argv`` to when it starts with an installed tool's subcommand."""
    if argv and argv[0] in TOOLS:
        package, module, _ = TOOLS[argv[0]]
        if importlib.util.find_spec(package) is not None:
            return module
    return None


# --- demo --------------------------------------------------------------------------------------

def _import_nn_demo() -> Callable[[Path], None]:
    """``nn.course.demo.run``, or an ``InputError`` naming the file when a user's own ``nn`` shadows the package."""
    try:
        from nn.course.demo import run
    except ImportError as error:
        nn = sys.modules.get("nn")
        where = getattr(nn, "__file__", None)
        ours = Path(__file__).resolve().parents[1]
        if where is not None and Path(where).resolve().parents[1 if Path(where).name == "__init__.py" else 0] != ours:
            raise InputError(translate(
                "'import nn' found {where}, which is not this package's nn (expected under {ours}): a file or "
                "folder named nn in the current directory or on sys.path shadows it. Rename yours "
                "(e.g. to my_nn.py) and remove the __pycache__ beside it.", where=where, ours=ours)) from None
        raise InputError(translate("cannot import nn.course.demo: {error}", error=error)) from None
    return run


def _run_demo(args: argparse.Namespace) -> int:
    if shutil.which("dot") is None:  # refused before anything is printed or written, not halfway
        raise InputError(translate("the demo draws and animates graphs with Graphviz's `dot` program, which was not "
                                   "found.") + " " + translate(GRAPHVIZ_HINT))
    run = _import_nn_demo()
    run(args.out)
    return EXIT_OK


# --- expressions -------------------------------------------------------------------------------

def _build(args: argparse.Namespace) -> Value:
    """The expression's result, named ``--name`` (default f, unless the expression names it), with backward() run.

    Bad text or values are an ``InputError``: a missing value, a value nothing uses, a name taken twice."""
    from .expression import ValuesError, build_expression, parse_values

    name = args.name if args.name is not None else "f"
    try:
        values = parse_values(args.values)
        root = build_expression(args.expression, values)
        if root.op is not None and root.name is None:  # (a single leaf, or a named last step, keeps its name)
            if name in {n.name for n in _order(root)}:
                raise InputError(translate("the result's name {name} is also a leaf's or a step's; choose another "
                                           "with --name", name=repr(name)))
            root.name = name
        elif args.name is not None and root.name != args.name:
            raise InputError(translate("the expression names its result {name}; --name {option} would rename it",
                                       name=repr(root.name), option=repr(args.name)))
    except ValuesError as error:  # (its position counts from 1 here, as a formula's does)
        raise InputError(translate("--values: entry {count} {entry} (character {position}): {problem}",
                                   count=error.count, entry=repr(error.entry), position=error.position + 1,
                                   problem=error.problem)) from None
    except (ValueError, TypeError) as error:  # FormulaError is a ValueError
        raise InputError(str(error)) from None
    root.backward()
    return root


def _order(root: Value) -> list[Value]:
    from .traversal import topological_order

    return topological_order(root)


def _node(root: Value, name: str) -> Value:
    """The node ``--wrt``/``--highlight`` names: a name, a step's name, or an automatic name (q₁, q_1, q1)."""
    from .paths import resolve_node

    try:
        return resolve_node(root, name, "the expression")[1]
    except ValueError:
        names = sorted({node.name for node in _order(root) if node.name})
        raise InputError(translate("the expression has no node named {name}; its names are {names}", name=repr(name),
                                   names=", ".join(names))) from None


def _run_draw(args: argparse.Namespace) -> int:
    from .render import GraphvizNotFoundError, save

    output: Path = args.output
    if output.suffix.lower() not in DRAW_SUFFIXES:
        raise InputError(translate("unknown file type {suffix} in {path}; use .svg, .png, .pdf or .dot",
                                   suffix=repr(output.suffix), path=repr(str(output))))
    if not output.parent.is_dir():  # a typo in a folder name is not a new tree of folders
        raise InputError(translate("there is no folder {folder}; create it first or write elsewhere",
                                   folder=repr(str(output.parent))))
    root = _build(args)
    highlight = None if args.highlight is None else _node(root, args.highlight)
    try:
        path = save(root, output, edge_symbols=not args.no_edge_formulas, highlight=highlight)
    except GraphvizNotFoundError:
        raise InputError(translate("drawing a {suffix} file needs Graphviz's `dot` program, which was not found.",
                                   suffix=output.suffix) + " " + translate(GRAPHVIZ_HINT)) from None
    except ValueError as error:
        raise InputError(str(error)) from None
    except OSError as error:
        raise InputError(translate("cannot write {path}: {reason}", path=repr(str(output)),
                                   reason=error.strerror or str(error))) from None
    print(path)
    return EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    from .explanation import explain

    root = _build(args)
    try:
        explanation = explain(root, _node(root, args.wrt), form=args.form)
    except ValueError as error:
        raise InputError(str(error)) from None
    print(getattr(explanation, args.style)())
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from .checking import check_formula

    root = _build(args)
    try:
        verdict = check_formula(root, _node(root, args.wrt), args.formula)
    except ValueError as error:  # FormulaError: the formula cannot be read
        raise InputError(str(error)) from None
    print(verdict.text())
    return EXIT_OK if verdict.ok else EXIT_WRONG


# --- the layer (matrix) form ------------------------------------------------------------------

def _run_matrices(args: argparse.Namespace) -> int:
    from nn.layerform_text import case_matrices, typed_matrices
    from nn.numpy_code import to_numpy_code

    typed = [args.sizes, args.inputs, args.targets]
    if (args.case is None) == all(t is None for t in typed) or (args.case is None and None in typed):
        raise InputError(translate("give --case SEED, or a typed network with --sizes, --inputs and --targets"))
    try:
        if args.case is not None:
            shown = case_matrices(args.case, args.variant)
        else:
            shown = typed_matrices(args.sizes, args.inputs, args.targets, args.activations, args.bias, args.loss,
                                   args.seed)
        if args.check is not None:
            from nn.matrix_check import check_matrix_formula, check_matrix_shape, companion_003

            if (args.formula is None) == (args.shape is None):
                raise InputError(translate("--check needs --formula or --shape (one of them)"))
            if args.shape is not None:
                form = companion_003() if args.case is not None and args.case[:3] == "003" else shown.form
                try:
                    rows, cols = (int(x) for x in args.shape.replace("(", "").replace(")", "").split(","))
                except ValueError:
                    raise InputError(translate("--shape must be ROWS,COLS such as 2,1, got {shape}",
                                               shape=repr(args.shape))) from None
                verdict = check_matrix_shape(form, args.check, (rows, cols))
            else:
                verdict = check_matrix_formula(shown.form, args.check, args.formula)
            print(verdict.text())
            return EXIT_OK if verdict.ok else EXIT_WRONG
        if args.entry is not None:
            print(shown.entry_text(args.entry))
        elif args.style == "numpy":
            print(to_numpy_code(shown.form), end="")
        else:
            print(getattr(shown, args.style)())
    except (ValueError, TypeError) as error:
        raise InputError(str(error)) from None
    return EXIT_OK


# --- entry point -------------------------------------------------------------------------------

def _take_lang(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--lang X`` / ``--lang=X`` before the subcommand, and the command line without it."""
    rest: list[str] = []
    lang: str | None = None
    k = 0
    while k < len(argv):
        arg = argv[k]
        if not arg.startswith("-"):  # the subcommand: what follows is its own
            return lang, rest + argv[k:]
        if arg == "--lang" and k + 1 < len(argv):
            lang, k = argv[k + 1], k + 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        k += 1
    return lang, rest


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse exits with 2 itself on bad usage)."""
    lang, argv = _take_lang(list(sys.argv[1:] if argv is None else argv))
    try:
        language = resolve_language(lang)
    except LanguageError as error:
        print(f"autodiff: --lang: {error}", file=sys.stderr)
        return EXIT_USAGE
    with using_language(language):  # the help, the explanations, the verdicts and the tools in one language
        return _main(argv)


def _main(argv: list[str]) -> int:
    module = _tool(argv)
    if module is not None:  # a tool parses its own options (argparse would take '--help' for ours)
        return _delegate(module)(argparse.Namespace(args=argv[1:]))
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if getattr(args, "command", None) in _EXPRESSION_COMMANDS and not any(e.startswith("--") for e in extra):
            # e.g. explain x + b: the shell split an unquoted expression
            parser.error(translate("unrecognized arguments: {arguments}; an expression with spaces must be in quotes, "
                                   "as in \"{example}\"", arguments=" ".join(extra),
                                   example=" ".join([args.expression, *extra])))
        parser.error(f"unrecognized arguments: {' '.join(extra)}")  # (argparse's words; error() translates them)
    try:
        code: int = args.run(args)
    except InputError as error:
        print(f"autodiff {args.command}: {error}", file=sys.stderr)
        return EXIT_INPUT
    return code
