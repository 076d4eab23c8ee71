from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "shegong.ledger"
    label = "ledger"
    verbose_name = "台账与党建覆盖"

    def ready(self) -> None:
        # Registers the ledger's periodic scans and notification events (see scans.py).
        from . import scans  # noqa: F401
