"""API schemas of grants and funds, one module per noun."""
