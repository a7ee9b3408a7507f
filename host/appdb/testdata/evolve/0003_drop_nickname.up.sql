ALTER TABLE authors DROP COLUMN nickname;
