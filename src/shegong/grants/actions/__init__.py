"""Every state change of grants and community funds, one module per noun: ``calls``,
``applications``, ``reviews``, ``projects`` (公益创投) and ``funds``, ``ledger``, ``spending``,
``disclosures`` (社区慈善基金)."""
