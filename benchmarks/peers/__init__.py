"""One module per benchmarked system; ``PEERS`` in ``peers.registry`` lists them in run order."""
