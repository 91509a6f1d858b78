"""Network analytics on person networks projected from the graph."""
