-- TRUNCATE fires neither UPDATE nor DELETE triggers: refuse it too, so the audit stays append-only.
create trigger tenant_audit_no_truncate
    before truncate on tenant_audit
    for each statement execute function tenant_audit_append_only();
