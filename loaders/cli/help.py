"""Help text in plain words: `TOPIC` and `FILE` in the usage line, `TEXT` or the choices beside an option,
nothing beside a flag, never typer's `<str>`, `<bool>` or `{file}` placeholders."""

import click


def _usage_name(argument):
    """The argument in the usage line: TOPIC when required, [TOPIC] when not (typer writes {topic})."""
    return argument.metavar if argument.required else f"[{argument.metavar}]"


def _option_metavar(option):
    if getattr(option, "is_flag", False) or getattr(option, "count", False):
        return ""
    desc = getattr(option, "type_descriptor", None)  # typer's description of the annotation
    if desc is not None and desc.is_choice:
        return "[" + "|".join(str(getattr(choice, "value", choice)) for choice in desc.choices or ()) + "]"
    if desc is not None and desc.is_path:
        return "FILE"
    if desc is not None and getattr(desc, "annotation", None) is int:
        return "N"
    return "TEXT"


def plain_help(command):
    """Set a plain metavar on every parameter of command and its subcommands (and their --help)."""
    for param in command.params:
        if param.param_type_name == "argument":
            param.metavar = param.metavar or param.name.upper()
            # Typer's own argument help writes {topic} in the usage line and <str> beside it.
            param._usage_display_name = lambda argument=param: _usage_name(argument)
            param.display_type_rich = lambda ctx=None: None
        elif param.metavar is None:
            param.metavar = _option_metavar(param)
    help_option = command.get_help_option(click.Context(command))
    if help_option is not None:
        help_option.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
