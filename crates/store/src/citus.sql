-- {{reference_tables}}: store/src/tenant_keys.rs REFERENCE_TABLES.
-- Distributes daicho's tables on a Citus coordinator (`daicho migrate --citus`, after the
-- migrations; tables already distributed are left as they are): the accounts,
-- the tenants and the catalogue are reference tables, every tenant's table is sharded by
-- tenant_id (all co-located), sessions and login throttling by their own keys. Citus
-- distributes a table only while no foreign key ties it to a table not yet distributed:
-- the foreign keys are set aside, the tables distributed, the keys added back.
-- The history's append-only trigger goes to every shard; the foreign keys to reference
-- tables want one connection per node.
SET LOCAL citus.enable_unsafe_triggers = on;
SET LOCAL citus.multi_shard_modify_mode TO 'sequential';
CREATE TEMP TABLE daicho_fkeys ON COMMIT DROP AS
  SELECT c.conrelid::regclass::text AS tbl, c.conname::text AS name, pg_get_constraintdef(c.oid) AS def
  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
  WHERE n.nspname = current_schema() AND c.contype = 'f'
    -- not the copies the coordinator keeps of reference tables (users_102010): their keys
    -- go and come back with their table's
    AND NOT EXISTS (SELECT 1 FROM pg_dist_shard s
                    WHERE c.conrelid::regclass::text = s.logicalrelid::regclass::text || '_' || s.shardid);
DO $$
DECLARE r record; t text;
BEGIN
  FOR r IN SELECT * FROM daicho_fkeys LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tbl, r.name);
  END LOOP;
  FOREACH t IN ARRAY ARRAY[{{reference_tables}}] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t::regclass) THEN
      PERFORM create_reference_table(t);
    END IF;
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'departments'::regclass) THEN
    PERFORM create_distributed_table('departments', 'tenant_id');
  END IF;
  FOR t IN SELECT c.table_name FROM information_schema.columns c
      WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
        AND c.table_name NOT IN ({{reference_tables}}, 'departments')
        AND NOT EXISTS (SELECT 1 FROM pg_dist_partition p WHERE p.logicalrelid = c.table_name::regclass)
      ORDER BY 1 LOOP
    PERFORM create_distributed_table(t, 'tenant_id', colocate_with => 'departments');
  END LOOP;
  IF NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'sessions'::regclass) THEN
    PERFORM create_distributed_table('sessions', 'token_hash');
    PERFORM create_distributed_table('login_throttle', 'throttle_key');
  END IF;
  FOR r IN SELECT * FROM daicho_fkeys LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.tbl, r.name, r.def);
  END LOOP;
END $$;
