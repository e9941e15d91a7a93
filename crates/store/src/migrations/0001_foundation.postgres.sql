CREATE FUNCTION change_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'change_history is append-only';
END;
$$;
CREATE TRIGGER change_history_no_update BEFORE UPDATE OR DELETE ON change_history
FOR EACH ROW EXECUTE FUNCTION change_history_append_only();
