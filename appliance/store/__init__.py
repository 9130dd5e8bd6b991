"""The store: the only code that writes SQL. apsw on one SQLite file in WAL mode."""
