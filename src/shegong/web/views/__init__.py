"""The shell's views: ``home`` (workbench and H5 homes, error pages, health) and ``staff``
(audit, inbox, system status)."""
