"""The pages, one module per group: ``staff`` (department workbench, dispatch desk, the case
page), ``board`` (supervisor board, metrics, appointments), ``config`` (categories, routing
rules, reply templates), ``keys`` (Open311 API keys), ``mobile`` (H5 pages under ``/m/``),
``public`` (case pages under ``/public/``, no login)."""
