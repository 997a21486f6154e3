"""One module per `apex` subcommand."""
