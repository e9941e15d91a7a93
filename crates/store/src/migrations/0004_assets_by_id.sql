-- Export and printed forms read a tenant's assets in id order, page by page
-- (`a.tenant_id = ? AND a.id > ? ORDER BY a.id`). Without this index SQLite took a tenant
-- index and sorted all of the tenant's rows for every page: quadratic at a million assets.
CREATE INDEX assets_tenant_id ON assets (tenant_id, id);
