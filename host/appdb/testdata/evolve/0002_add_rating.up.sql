-- A new column with a CHECK constraint (SQLite checks the existing rows
-- against it as it adds it).
ALTER TABLE books ADD COLUMN rating INTEGER NOT NULL DEFAULT 3 CHECK (rating BETWEEN 1 AND 5);
