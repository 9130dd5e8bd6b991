"""The admin CLI: a thin layer over the library. Errors become a sentence and exit status 2."""
