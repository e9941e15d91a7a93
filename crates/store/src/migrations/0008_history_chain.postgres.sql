-- TRUNCATE passes row triggers by: refuse it as well.
CREATE TRIGGER change_history_no_truncate BEFORE TRUNCATE ON change_history
FOR EACH STATEMENT EXECUTE FUNCTION change_history_append_only();
