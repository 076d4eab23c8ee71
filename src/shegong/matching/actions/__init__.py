"""Every state change of matching: one function per verb, one module per noun."""
