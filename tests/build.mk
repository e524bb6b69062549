# tests: rules are added by its issue
