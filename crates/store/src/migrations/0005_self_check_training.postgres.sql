-- The bank's rows kept their ids; the identity must continue after the highest.
SELECT setval(pg_get_serial_sequence('self_check_questions', 'id'),
              COALESCE((SELECT MAX(id) FROM self_check_questions), 0) + 1, false);
