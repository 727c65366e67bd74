"""Sigmoid hidden units for micrograd 0.1.0, written in micrograd's own style.

micrograd has no sigmoid. For the benchmark's sigmoid step we add one the way micrograd
writes ``relu``: a new ``Value`` whose ``_backward`` closure adds the local derivative
times ``out.grad`` to the input's grad. The forward formula is the numerically stable
two-branch form our engine uses, so both engines compute bit-identical activations.

The network classes reuse micrograd's ``Neuron``/``Layer``/``MLP`` and only swap the
hidden nonlinearity (micrograd's ``Layer`` builds ``Neuron`` by name, so the sigmoid
versions construct their own parts).
"""

import math

from micrograd.engine import Value
from micrograd.nn import MLP, Layer, Neuron


def sigmoid(self):
    """σ(self) as a new micrograd Value, in the style of ``micrograd.engine.Value.relu``."""
    x = self.data
    if x >= 0:
        s = 1.0 / (1.0 + math.exp(-x))
    else:
        e = math.exp(x)
        s = e / (1.0 + e)
    out = Value(s, (self,), 'sigmoid')

    def _backward():
        self.grad += (out.data * (1 - out.data)) * out.grad
    out._backward = _backward

    return out


class SigmoidNeuron(Neuron):
    def __call__(self, x):
        act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
        return sigmoid(act) if self.nonlin else act

    def __repr__(self):
        return f"{'Sigmoid' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class SigmoidLayer(Layer):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [SigmoidNeuron(nin, **kwargs) for _ in range(nout)]


class SigmoidMLP(MLP):
    """micrograd's MLP with sigmoid hidden units and a linear output."""

    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [SigmoidLayer(sz[i], sz[i+1], nonlin=i != len(nouts)-1) for i in range(len(nouts))]
