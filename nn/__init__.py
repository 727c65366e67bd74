"""nn: neurons, layers, losses (also softmax cross-entropy) and optimizers on top of ``autodiff.Value``.

    from nn import MLP, SGD, mse_loss
    model = MLP(2, [3, 1])                       # MLP(2 -> 3 sigmoid -> 1 sigmoid, with bias)
    loss = mse_loss([model(x) for x in xs], ys)
    model.zero_grad(); loss.backward(); SGD(model.parameters(), lr=0.5).step()

For classes: ``cross_entropy(model(x), label)`` on a linear last layer, with ``Adam`` or ``AdamW``.

``nn.reference.build('000')`` .. ``build('004')`` rebuild the five hand-derived reference
networks with the documents' own names, loaded with the golden instance.
"""

from . import reference
from .losses import bce_loss, cross_entropy, half_sse_loss, mse_loss, softmax
from .module import ACTIVATIONS, MLP, Layer, Module, Neuron, named_nodes
from .optim import SGD, Adam, AdamW, Optimizer

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Optimizer", "SGD", "Adam", "AdamW", "ACTIVATIONS",
    "mse_loss", "half_sse_loss", "bce_loss", "softmax", "cross_entropy", "named_nodes", "reference",
]
