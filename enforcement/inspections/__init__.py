"""Double-random inspections: the algorithm, services, selectors, views and the clue hand-off hook."""
