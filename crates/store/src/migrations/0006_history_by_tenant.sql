-- The findings pages reuse an audit while the tenant's last recorded change is the same
-- (`Db::audit_stamp`): its newest history row, found through this index at once.
CREATE INDEX change_history_tenant_id ON change_history (tenant_id, id);
