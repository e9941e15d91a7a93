-- The keys of the API tokens, every one naming the tenant.
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (tenant_id, id);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_tenant_id_token_hash_key
    UNIQUE (tenant_id, token_hash);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_tenant_id_fkey
    FOREIGN KEY (tenant_id) REFERENCES tenants (id);
