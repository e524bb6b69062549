# vadiscover: rules are added by its issue
