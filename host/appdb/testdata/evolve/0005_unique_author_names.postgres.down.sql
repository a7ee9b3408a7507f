ALTER TABLE authors DROP CONSTRAINT authors_name_key, DROP CONSTRAINT authors_name_check;
