start-greeting = Hello, { $name }!
help-title = Available commands:
