"""Every state change of a registration lives in this package, one module per concern."""
