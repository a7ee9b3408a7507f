-- A rebuild that loses a row other rows reference: the foreign key check
-- before commit fails, and nothing of it stays.
PRAGMA foreign_keys = OFF;
CREATE TABLE new_authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO new_authors (id, name) SELECT id, name FROM authors WHERE name <> 'Italo';
DROP TABLE authors;
ALTER TABLE new_authors RENAME TO authors;
PRAGMA foreign_keys = ON;
