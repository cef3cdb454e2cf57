"""kg's benchmarks and the README's pictures, run as modules from the project root:
``python -m bench.generate``, ``python -m bench.run``, ``python -m bench.viz``,
``python -m bench.screenshots``."""
