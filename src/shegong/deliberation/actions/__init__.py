"""Every state change of deliberation: one function per verb, one module per noun (topics,
meetings, actions)."""
