-- Every key of a tenant's table names the tenant (store/src/tenant_keys.rs rewrites them
-- from what the database has). A user's departments name the user's tenant too.
ALTER TABLE user_departments ADD COLUMN tenant_id BIGINT REFERENCES tenants(id);
UPDATE user_departments SET tenant_id = (SELECT u.tenant_id FROM users u WHERE u.id = user_departments.user_id);
-- The keys (tenant_id, id) index what these did.
DROP INDEX IF EXISTS assets_tenant_id;
DROP INDEX IF EXISTS change_history_tenant_id;
