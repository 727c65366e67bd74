"""The course built on ``nn``: the five documents walked through, the toy training, the main demo.

Not the library: ``nn`` (models, losses, optimizers, the five reference networks) never imports
this package; this package uses ``nn`` as any user would, through its public names.

* ``documents``: the five documents' own formulas (corrected, and as written);
* ``report``: the tables that put the documents' hand formulas beside ``backward()``'s numbers;
* ``toy``: the toy problems (XOR, two moons), their training runs and plots;
* ``demo``: the main demo (``python -m autodiff demo``, ``examples/demo.py``), which uses the three.
"""
