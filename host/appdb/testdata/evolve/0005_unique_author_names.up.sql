-- SQLite cannot add a constraint to a table: it is rebuilt, as
-- https://www.sqlite.org/lang_altertable.html says ("Making Other Kinds Of
-- Table Schema Changes"). books references authors with ON DELETE
-- CASCADE: with foreign keys on, DROP TABLE authors would delete every
-- book.
PRAGMA foreign_keys = OFF;

CREATE TABLE new_authors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (length(name) > 0)
);
INSERT INTO new_authors (id, name) SELECT id, name FROM authors;
DROP TABLE authors;
ALTER TABLE new_authors RENAME TO authors;

PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
