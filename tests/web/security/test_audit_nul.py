"""A NUL character in audited text (a client can put one in a field name) is stored, not a 500:
PostgreSQL text cannot hold NUL, so the audit row replaces it."""

import pytest

from bip.web.core.audit import audit
from bip.web.core.models import AuditLog


@pytest.mark.django_db
def test_nul_in_audit_detail_is_replaced():
    audit("someone", "api", "api.denied", "field", "a\x00b", detail="unknown field 'x\x00y'")
    row = AuditLog.objects.order_by("-seq").first()
    assert "\x00" not in row.detail and "\x00" not in row.object_id
    assert row.detail == "unknown field 'x\ufffdy'" and row.object_id == "a\ufffdb"
