"""Every sentence a learner reads, as a whole template with named placeholders.

One place for all learner-facing text, so that a translation (gettext) replaces whole
sentences and never glues fragments: ``say("correct", answer=..., lhs=..., expected=...)``.
Placeholders are filled with ``str.format``; a template never depends on word order in code.
The templates are marked with ``N_`` for the catalogue (``autodiff/locale``), which translates them.
"""

from __future__ import annotations

from ..i18n import N_, lookup


MESSAGES: dict[str, str] = {
    # --- grading -----------------------------------------------------------------------
    "correct": N_("Right: {answer} is {lhs} = {expected}."),
    "correct_formula": N_("Right: your formula gives {lhs} = {expected} on this graph, the value backward() computes."),
    "imprecise": N_("{answer} agrees with {lhs} = {expected} to the digits you typed, but give at least "
                  "{digits} significant digits so that a mistake cannot hide in the rounding."),
    "wrong": N_("Wrong: {answer} is not {lhs}, which is {expected}; it fits none of the common mistakes."),
    "wrong_few_digits": N_("Wrong: {answer} is not {lhs}, which is {expected}. With fewer than {digits} significant "
                         "digits I cannot tell which mistake gave it."),
    "wrong_formula": N_("Wrong: your formula gives {value}, but {lhs} = {expected}."),
    "two_mistakes": N_("This number fits {count} different mistakes; each of them gives {value}:"),
    "several_slips": N_("Your formula has {count} mistakes:"),
    "right_value": N_("The right value is {lhs} = {expected}. The derivation:"),
    "unreadable_number": N_("I cannot read {answer!r} as a number or a formula: {reason}"),
    "unreadable_empty": N_("The answer is empty: type a number such as 0.125, or a formula in the node names."),
    "reason_not_a_number": N_("type a number such as 0.125 or −1.5e-3."),
    "reason_too_long": N_("it is longer than {limit} characters."),
    "not_finite": N_("{answer} is not a finite number: type a number such as 0.125."),
    # --- the mistakes: one sentence each that names it ------------------------------------
    "missed_path.assign": N_("You kept only the last contribution that reached each node (the “=” instead of “+=” "
                           "bug): a node used several times gets the sum of all its contributions."),
    "missed_path.one": N_("You followed only path {index} ({route}) of the {count} paths from {root} to {node}; "
                        "a node used several times gets the sum over all its paths (“=” instead of “+=” keeps only "
                        "the last one)."),
    "missed_path.all_but": N_("You left out path {index} ({route}) of the {count} paths from {root} to {node}; "
                            "the gradient is the sum over all of them."),
    "missed_path.repaired": N_("Even with that fixed, your formula follows only some of the {count} paths from {root} "
                             "to {node}; the gradient is the sum over all of them."),
    "missed_path.formula": N_("Your formula follows {matched} of the {count} paths from {root} to {node} and misses "
                            "{missing}; the gradient is the sum over all of them."),
    "not_zeroed": N_("This is two backward passes added up: the gradient of {node} was not zeroed between the passes "
                   "({twice} = 2 × {expected})."),
    "stale_intermediate": N_("This is what micrograd shows after two passes without zero_grad(): the intermediate "
                           "gradients kept their old values and were passed on again."),
    "sigma_instead_of_derivative": N_("You wrote σ({z}) for its derivative σ′({z}) at {where}."),
    "z_times_sigma": N_("You wrote {z}·σ({z}) for the derivative σ′({z}) at {where}."),
    "derivative_at_activation": N_("You took σ′ at the activation instead of the pre-activation at {where}: "
                                 "σ′({a}) for σ′({z})."),
    "sign_flipped": N_("The sign is flipped: your answer is −∂{root}/∂{node}, the loss derivative taken the wrong way round."),
    "sign_flipped.formula": N_("A sign in your formula is flipped: {written} should read {right}."),
    "loss_factor_dropped": N_("You dropped {factors} of the loss {root}: its derivative keeps every constant factor."),
    "swapped_weight_index": N_("This is the gradient of {other}, not of {node}: the two indices of the weight are "
                             "swapped (check which index is the source and which the destination)."),
    "swapped_weight_index.formula": N_("Your formula uses {written} where it needs {right}: the two indices of the "
                                     "weight are swapped."),
    "neighbour_factor.upstream": N_("You used δ({other}) where the path needs δ({here}): a factor taken from a "
                                  "neighbouring neuron."),
    "neighbour_factor.local": N_("You used the local derivative of {other} where the path goes through {here}: a "
                               "factor taken from a neighbouring neuron."),
    "neighbour_factor.formula": N_("Your formula uses {written} where the path needs {right}: a factor taken from a "
                                 "neighbouring neuron."),
    "rounded_intermediates": N_("This is the right computation on intermediate values rounded to {decimals} decimals: "
                              "the rounding errors multiplied; keep more digits until the end."),
    "wrong_input_factor": N_("The last factor ∂{z}/∂{node} is the input {x} that {node} multiplies, but you used "
                           "{written}."),
    "wrong_node.repaired": N_("With that fixed, it is the derivation of {other} (∂{root}/∂{other} = {value}), "
                            "not of {node}."),
    "swapped_weight_index.repaired": N_("With that fixed, it is the gradient of {other}, not of {node}: the two "
                                      "indices of the weight are swapped."),
    "wrong_node": N_("This is the derivation of {other} (∂{root}/∂{other} = {value}), not of {node}."),
    "upstream_dropped": N_("You gave the local derivative ∂{upper}/∂{node} alone: the contribution is it times the "
                         "gradient δ({upper}) that arrived from above."),
    "wrong_node.upstream": N_("This is δ({upper}) = ∂{root}/∂{upper} = {value}, the gradient that arrives at {upper} "
                            "from above, alone: it still needs the local derivative ∂{upper}/∂{node} = {local_value}."),
    "restates": N_("{answer} restates the question: {deltas} is {lhs} itself, the gradient to find, so it earns "
                   "nothing. Write it with the factors of the paths (the local derivatives and the gradients above)."),
    "restates.hidden": N_("{answer} uses {deltas}, a gradient this exercise asks you to find, so it earns nothing. "
                          "Write it with the factors of the paths (the local derivatives and the gradients given)."),
    "loss_factor_dropped.plain": N_("You dropped {factors} of {root}: its derivative keeps every constant factor."),
    "sign_flipped.plain": N_("The sign is flipped: your answer is −∂{root}/∂{node}."),
    "neighbour_factor.upstream.plain": N_("You used δ({other}) where the path needs δ({here}): a factor taken from a "
                                        "node with a similar name."),
    "neighbour_factor.local.plain": N_("You used the local derivative of {other} where the path goes through {here}: "
                                     "a factor taken from a node with a similar name."),
    "neighbour_factor.formula.plain": N_("Your formula uses {written} where the path needs {right}: a factor taken "
                                       "from a node with a similar name."),
    "sign_flipped.step": N_("The sign is flipped: your answer is −{lhs}."),
    # --- the right step after a named mistake --------------------------------------------
    "fix.missed_path": N_("Add every path: {lhs} = {sum} = {expected}."),
    "fix.sum_of_passes": N_("One pass gives {lhs} = {expected}; call zero_grad() before each backward()."),
    "fix.sigmoid": N_("The step through {where} is σ′({z}) = {a}(1 − {a}) = {local}; with it, {lhs} = {expected}."),
    "fix.sign": N_("With the sign right, {lhs} = {expected}."),
    "fix.loss_factor": N_("Keep the loss's constant factors: {lhs} = {expected}."),
    "fix.other_node": N_("Differentiate with respect to {node} itself: {lhs} = {expected}."),
    "fix.neighbour": N_("Take every factor from the neurons the path passes through: {lhs} = {expected}."),
    "fix.rounding": N_("With unrounded intermediates, {lhs} = {expected}."),
    "fix.input": N_("With ∂{z}/∂{node} = {x} = {local}, {lhs} = {expected}."),
    "fix.step": N_("{upper} passes δ({upper}) × ∂{upper}/∂{lower} = {delta} × {local} = {expected}."),
    "fix.generic": N_("The right value is {lhs} = {expected}."),
    # --- names of things in the sentences above ----------------------------------------
    "node.constant": N_("a constant"),
    "node.operation": N_("the {op} node"),
    "where.every_sigmoid": N_("every sigmoid on the way"),
    "factor.mul": N_("the factor {c}"),
    "factor.div": N_("the 1/{n}"),
    "factor.pow": N_("the {e} from the power"),
    "factors.two": N_("{first} and {second}"),
    "paths.count": N_("{count} paths"),
    "paths.item": N_("path {index} ({route})"),  # one path in a list of them, joined by ", "
    # --- networks -----------------------------------------------------------------------
    "net.title.seed": N_("random network, seed {seed}"),
    "net.title.graph": N_("the graph of {root}"),
    "net.description": N_("{model}; {biases}; weights w(l)_ij go TO unit i of layer l FROM unit j"),
    "net.bias.per unit": N_("a bias per unit"),
    "net.bias.shared": N_("one bias per hidden layer, shared by its units"),
    "net.bias.none": N_("no hidden biases"),
    "net.loss.half_sse.one": N_("L = ½(yhat − t)²"),
    "net.loss.half_sse.many": N_("L = ½·Σ_k (yhat[k] − t[k])²"),
    "net.loss.mse": N_("L = (1/{n})·Σ_k (yhat[k] − t[k])², the mean over {n} samples"),
    "net.loss.bce": N_("L = −[t·ln(yhat) + (1 − t)·ln(1 − yhat)]"),
    # --- exercises ---------------------------------------------------------------------
    "ask.gradient": N_("Compute {lhs}, the gradient of {root} with respect to {node}."),
    "ask.local": N_("Compute the local derivative ∂{upper}/∂{lower} along the edge from {lower} to {upper}."),
    "ask.next_step": N_("The backward pass has just finished {upper}: δ({upper}) = ∂{root}/∂{upper} = {delta}. Next, "
                      "{upper} passes a contribution to each of its inputs ({inputs}). What does it pass to {lower}?"),
    "ask.fill": N_("The drawing shows {root}'s graph in the middle of backward(): the gradients computed so far are "
                 "shown, the others read “grad ?”. Fill in the gradient of {node}."),
    "ask.fill_intro": N_("The drawing shows {root}'s graph in the middle of backward(): the gradients computed so far "
                       "are shown, the others read “grad ?”. Fill in the gradients of {nodes}."),
    "answer.local": N_("The local derivative ∂{upper}/∂{lower} = {symbolic} = {expected}."),
    "answer.next_step": N_("{upper} passes δ({upper})·∂{upper}/∂{lower} = {delta} × {local} = {expected} to {lower}."),
    # --- the terminal session -----------------------------------------------------------
    "session.title": N_("Practice: {title}"),
    "session.howto": N_("Type a number (at least 3 significant digits) or a formula in the node names, then Enter. "
                      "Type q to stop."),
    "session.exercise": N_("Question {number} of {total}:"),
    "session.prompt": N_("your answer> "),
    "session.score": N_("Score: {right} right out of {asked} answered."),
    "session.bye": N_("End of input: the session is over."),
    "session.stopped": N_("Stopped."),
    "session.skip": N_("Unreadable answers do not count; try again or type q to stop."),
    # --- worksheets ---------------------------------------------------------------------
    "sheet.title": N_("Backpropagation practice: {title}"),
    "sheet.intro": N_("Work each exercise by hand. Give numbers to at least 3 significant digits. The answers, "
                    "with their derivations, are on the last page."),
    "sheet.network": N_("The network"),
    "sheet.values": N_("Values (parameters, inputs and the forward pass)"),
    "sheet.exercises": N_("Exercises"),
    "sheet.answers": N_("Answers"),
    "sheet.answer_value": N_("Answer: {expected}."),
    "sheet.figure": N_("The graph with the hidden gradients (Graphviz DOT; render it with `dot -Tsvg`)."),
    "sheet.table_head_node": N_("node"),
    "sheet.table_head_value": N_("value"),
    "sheet.table_head_grad": N_("grad"),
}


def say(key: str, **params: object) -> str:
    """The template ``key`` in the learner's language (``autodiff.i18n``), filled in with ``params``.

    The language is the enclosing ``using_language`` block's (``grade(..., lang=)``, the
    session's and the worksheets' ``lang=``), else ``AUTODIFF_LANG``, else the locale.
    """
    return lookup(MESSAGES[key]).format(**params)
