from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "shegong.ledger"
    label = "ledger"
    verbose_name = "台账与党建覆盖"
