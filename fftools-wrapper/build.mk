# fftools-wrapper: rules are added by its issue
