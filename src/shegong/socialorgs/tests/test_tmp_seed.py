import pytest
from shegong.core.demo import DemoContext
from shegong.socialorgs import demo, inspections
from shegong.socialorgs.demo import inspection as step

@pytest.mark.django_db
def test_seed(district, registrar):
    ctx = DemoContext(size="seed")
    ctx.region = lambda scope: district["district"]
    demo.load(ctx)
    y = demo.report_year()
    print("RATE", inspections.inspection_rate(registrar, y), "AUD", inspections.audits_on_file(registrar, y),
          "REV", inspections.filtered(registrar, worklist="revoke").count(), "WARN", inspections.filtered(registrar, worklist="warning").count())
