"""The pages' forms, one module per group of pages (as ``views/``): ``staff`` (the queue, the
dispatch desk and a case's steps), ``board`` (period, appointments), ``config`` (categories,
routing rules, templates), ``keys`` (Open311 API keys), ``public`` (the public case list)."""
