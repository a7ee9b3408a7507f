-- The same on PostgreSQL: the constraint is put back after the delete,
-- and its validation fails.
ALTER TABLE books DROP CONSTRAINT books_author_id_fkey;
DELETE FROM authors WHERE name = 'Italo';
ALTER TABLE books ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE;
