-- PostgreSQL adds constraints in place.
ALTER TABLE authors
  ADD CONSTRAINT authors_name_key UNIQUE (name),
  ADD CONSTRAINT authors_name_check CHECK (length(name) > 0);
