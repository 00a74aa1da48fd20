"""The one exception type whose message is meant for the user, shown as it is by the CLI and the pages."""


class InputError(ValueError):
    """Bad user input (unreadable file, empty text, wrong format): the message says what is wrong and what to do."""
