"""The workshop's benchmark (`make bench`); not part of `make test`."""
