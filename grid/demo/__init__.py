"""Demo data of the grid app (seeded by `seed_demo` through each part's seed function)."""
