# tests/harness: rules are added by its issue
