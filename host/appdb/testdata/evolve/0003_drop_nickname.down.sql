ALTER TABLE authors ADD COLUMN nickname TEXT;
