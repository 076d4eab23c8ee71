"""Forms of the stations pages, one module per noun: ``stations`` (the station form with its
schedule editor, filters, status and inspections), ``visits``, ``workers``, ``care`` and
``vanguard``. Nothing is re-exported here."""
