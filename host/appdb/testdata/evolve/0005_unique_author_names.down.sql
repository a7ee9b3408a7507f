PRAGMA foreign_keys = OFF;

CREATE TABLE new_authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO new_authors (id, name) SELECT id, name FROM authors;
DROP TABLE authors;
ALTER TABLE new_authors RENAME TO authors;

PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
