# vadiscover tool: rules are added by its issue
