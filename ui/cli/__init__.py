"""The `hilorojo` command line."""
