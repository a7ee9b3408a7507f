DROP INDEX todos_done;
