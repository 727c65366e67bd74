"""Every sentence a learner reads, as a whole template with named placeholders.

One place for all learner-facing text, so that a translation (gettext) replaces whole
sentences and never glues fragments: ``say("correct", answer=..., lhs=..., expected=...)``.
Placeholders are filled with ``str.format``; a template never depends on word order in code.
"""

from __future__ import annotations

from typing import Callable

# The one hook a translation replaces (e.g. with gettext.translation(...).gettext).
translate: Callable[[str], str] = lambda message: message  # noqa: E731

MESSAGES: dict[str, str] = {
    # --- grading -----------------------------------------------------------------------
    "correct": "Right: {answer} is {lhs} = {expected}.",
    "correct_formula": "Right: your formula gives {lhs} = {expected} on this graph, the value backward() computes.",
    "imprecise": ("{answer} agrees with {lhs} = {expected} to the digits you typed, but give at least "
                  "{digits} significant digits so that a mistake cannot hide in the rounding."),
    "wrong": "Wrong: {answer} is not {lhs}, which is {expected}; it fits none of the common mistakes.",
    "wrong_few_digits": ("Wrong: {answer} is not {lhs}, which is {expected}. With fewer than {digits} significant "
                         "digits I cannot tell which mistake gave it."),
    "wrong_formula": "Wrong: your formula gives {value}, but {lhs} = {expected}.",
    "two_mistakes": "This number fits {count} different mistakes; each of them gives {value}:",
    "several_slips": "Your formula has {count} mistakes:",
    "right_value": "The right value is {lhs} = {expected}. The derivation:",
    "unreadable_number": "I cannot read {answer!r} as a number or a formula: {reason}",
    "unreadable_empty": "The answer is empty: type a number such as 0.125, or a formula in the node names.",
    "reason_not_a_number": "type a number such as 0.125 or −1.5e-3.",
    "reason_too_long": "it is longer than {limit} characters.",
    "not_finite": "{answer} is not a finite number: type a number such as 0.125.",
    # --- the mistakes: one sentence each that names it ------------------------------------
    "missed_path.assign": ("You kept only the last contribution that reached each node (the “=” instead of “+=” "
                           "bug): a node used several times gets the sum of all its contributions."),
    "missed_path.one": ("You followed only path {index} ({route}) of the {count} paths from {root} to {node}; "
                        "a node used several times gets the sum over all its paths (“=” instead of “+=” keeps only "
                        "the last one)."),
    "missed_path.all_but": ("You left out path {index} ({route}) of the {count} paths from {root} to {node}; "
                            "the gradient is the sum over all of them."),
    "missed_path.repaired": ("Even with that fixed, your formula follows only some of the {count} paths from {root} "
                             "to {node}; the gradient is the sum over all of them."),
    "missed_path.formula": ("Your formula follows {matched} of the {count} paths from {root} to {node} and misses "
                            "{missing}; the gradient is the sum over all of them."),
    "not_zeroed": ("This is two backward passes added up: the gradient of {node} was not zeroed between the passes "
                   "({twice} = 2 × {expected})."),
    "stale_intermediate": ("This is what micrograd shows after two passes without zero_grad(): the intermediate "
                           "gradients kept their old values and were passed on again."),
    "sigma_instead_of_derivative": "You wrote σ({z}) for its derivative σ′({z}) at {where}.",
    "z_times_sigma": "You wrote {z}·σ({z}) for the derivative σ′({z}) at {where}.",
    "derivative_at_activation": ("You took σ′ at the activation instead of the pre-activation at {where}: "
                                 "σ′({a}) for σ′({z})."),
    "sign_flipped": "The sign is flipped: your answer is −∂{root}/∂{node}, the loss derivative taken the wrong way round.",
    "sign_flipped.formula": "A sign in your formula is flipped: {written} should read {right}.",
    "loss_factor_dropped": "You dropped {factors} of the loss {root}: its derivative keeps every constant factor.",
    "swapped_weight_index": ("This is the gradient of {other}, not of {node}: the two indices of the weight are "
                             "swapped (check which index is the source and which the destination)."),
    "swapped_weight_index.formula": ("Your formula uses {written} where it needs {right}: the two indices of the "
                                     "weight are swapped."),
    "neighbour_factor.upstream": ("You used δ({other}) where the path needs δ({here}): a factor taken from a "
                                  "neighbouring neuron."),
    "neighbour_factor.local": ("You used the local derivative of {other} where the path goes through {here}: a "
                               "factor taken from a neighbouring neuron."),
    "neighbour_factor.formula": ("Your formula uses {written} where the path needs {right}: a factor taken from a "
                                 "neighbouring neuron."),
    "rounded_intermediates": ("This is the right computation on intermediate values rounded to {decimals} decimals: "
                              "the rounding errors multiplied; keep more digits until the end."),
    "wrong_input_factor": ("The last factor ∂{z}/∂{node} is the input {x} that {node} multiplies, but you used "
                           "{written}."),
    "wrong_node.repaired": ("With that fixed, it is the derivation of {other} (∂{root}/∂{other} = {value}), "
                            "not of {node}."),
    "swapped_weight_index.repaired": ("With that fixed, it is the gradient of {other}, not of {node}: the two "
                                      "indices of the weight are swapped."),
    "wrong_node": "This is the derivation of {other} (∂{root}/∂{other} = {value}), not of {node}.",
    "upstream_dropped": ("You gave the local derivative ∂{upper}/∂{node} alone: the contribution is it times the "
                         "gradient δ({upper}) that arrived from above."),
    "sign_flipped.step": "The sign is flipped: your answer is −{lhs}.",
    # --- the right step after a named mistake --------------------------------------------
    "fix.missed_path": "Add every path: {lhs} = {sum} = {expected}.",
    "fix.sum_of_passes": "One pass gives {lhs} = {expected}; call zero_grad() before each backward().",
    "fix.sigmoid": "The step through {where} is σ′({z}) = {a}(1 − {a}) = {local}; with it, {lhs} = {expected}.",
    "fix.sign": "With the sign right, {lhs} = {expected}.",
    "fix.loss_factor": "Keep the loss's constant factors: {lhs} = {expected}.",
    "fix.other_node": "Differentiate with respect to {node} itself: {lhs} = {expected}.",
    "fix.neighbour": "Take every factor from the neurons the path passes through: {lhs} = {expected}.",
    "fix.rounding": "With unrounded intermediates, {lhs} = {expected}.",
    "fix.input": "With ∂{z}/∂{node} = {x} = {local}, {lhs} = {expected}.",
    "fix.step": "{upper} passes δ({upper}) × ∂{upper}/∂{lower} = {delta} × {local} = {expected}.",
    "fix.generic": "The right value is {lhs} = {expected}.",
    # --- names of things in the sentences above ----------------------------------------
    "node.constant": "a constant",
    "node.operation": "the {op} node",
    "where.every_sigmoid": "every sigmoid on the way",
    "factor.mul": "the factor {c}",
    "factor.div": "the 1/{n}",
    "factor.pow": "the {e} from the power",
    "factors.two": "{first} and {second}",
    "paths.count": "{count} paths",
    # --- networks -----------------------------------------------------------------------
    "net.title.seed": "random network, seed {seed}",
    "net.title.graph": "the graph of {root}",
    "net.description": "{model}; {biases}; weights w(l)_ij go TO unit i of layer l FROM unit j",
    "net.bias.per unit": "a bias per unit",
    "net.bias.shared": "one bias per hidden layer, shared by its units",
    "net.bias.none": "no hidden biases",
    "net.loss.half_sse.one": "L = ½(yhat − t)²",
    "net.loss.half_sse.many": "L = ½·Σ_k (yhat[k] − t[k])²",
    "net.loss.mse": "L = (1/{n})·Σ_k (yhat[k] − t[k])², the mean over {n} samples",
    "net.loss.bce": "L = −[t·ln(yhat) + (1 − t)·ln(1 − yhat)]",
    # --- exercises ---------------------------------------------------------------------
    "ask.gradient": "Compute {lhs}, the gradient of {root} with respect to {node}.",
    "ask.local": "Compute the local derivative ∂{upper}/∂{lower} along the edge from {lower} to {upper}.",
    "ask.next_step": ("The backward pass has just finished {upper}: δ({upper}) = ∂{root}/∂{upper} = {delta}. Next, "
                      "{upper} passes a contribution to each of its inputs ({inputs}). What does it pass to {lower}?"),
    "ask.fill": ("The drawing shows {root}'s graph in the middle of backward(): the gradients computed so far are "
                 "shown, the others read “grad ?”. Fill in the gradient of {node}."),
    "ask.fill_intro": ("The drawing shows {root}'s graph in the middle of backward(): the gradients computed so far "
                       "are shown, the others read “grad ?”. Fill in the gradients of {nodes}."),
    "answer.local": "The local derivative ∂{upper}/∂{lower} = {symbolic} = {expected}.",
    "answer.next_step": ("{upper} passes δ({upper})·∂{upper}/∂{lower} = {delta} × {local} = {expected} to {lower}."),
    # --- the terminal session -----------------------------------------------------------
    "session.title": "Practice: {title}",
    "session.howto": ("Type a number (at least 3 significant digits) or a formula in the node names, then Enter. "
                      "Type q to stop."),
    "session.exercise": "Exercise {number} of {total}:",
    "session.prompt": "your answer> ",
    "session.score": "Score: {right} right out of {asked} answered.",
    "session.final": "Final score: {right} right out of {asked} answered ({total} questions).",
    "session.bye": "End of input: the session is over.",
    "session.stopped": "Stopped.",
    "session.skip": "Unreadable answers do not count; try again or type q to stop.",
    # --- worksheets ---------------------------------------------------------------------
    "sheet.title": "Backpropagation practice: {title}",
    "sheet.intro": ("Work each exercise by hand. Give numbers to at least 3 significant digits. The answers, "
                    "with their derivations, are on the last page."),
    "sheet.network": "The network",
    "sheet.values": "Values (parameters, inputs and the forward pass)",
    "sheet.exercises": "Exercises",
    "sheet.answers": "Answers",
    "sheet.answer_value": "Answer: {expected}.",
    "sheet.figure": "The graph with the hidden gradients (Graphviz DOT; render it with `dot -Tsvg`).",
    "sheet.table_head_node": "node",
    "sheet.table_head_value": "value",
    "sheet.table_head_grad": "grad",
}


def say(key: str, **params: object) -> str:
    """The template ``key`` (translated, then filled in with ``params``)."""
    return translate(MESSAGES[key]).format(**params)
