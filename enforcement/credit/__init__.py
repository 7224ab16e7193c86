"""Credit records with publication by band, repair, and the optional township score."""
