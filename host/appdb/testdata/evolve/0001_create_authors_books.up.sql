-- Two tables, the second referencing the first (books are deleted with
-- their author), and rows in both.
CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, nickname TEXT);
CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  pages INTEGER
);
CREATE INDEX books_author ON books (author_id);
INSERT INTO authors (id, name, nickname) VALUES (1, 'Ursula', 'ukl'), (2, 'Italo', NULL);
INSERT INTO books (id, author_id, title, pages) VALUES (1, 1, 'Earthsea', 200), (2, 2, 'Cosmicomics', 150), (3, 1, 'The Lathe of Heaven', 180);
