"""The command line before and around Hydra: overrides Hydra's base composition accepts, refusals in salesim's words.

Hydra composes its own primary config from the command line before salesim sees it, and
refuses an override whose key is missing from that base config even when every scenario
has it. :func:`prepare_command_line` therefore passes value overrides to Hydra as
``++key=value`` (add or override) and remembers which ones it changed, so the job can
apply them to the scenarios as the plain overrides the user typed
(:func:`restore_overrides`). An override Hydra's grammar refuses is a
:class:`~simulator.config.errors.ConfigError` here (:func:`parse_overrides`), before
Hydra starts, with the quoting that fixes it when a value holds non-ASCII characters.

What Hydra itself refuses while composing (a missing experiment or config directory, a
YAML syntax error in a file of the user's, an interpolation that does not resolve) is
turned into one salesim message by :func:`hydra_refusal` (:func:`composition_issue`
when composing an experiment's scenarios): file and line for YAML, the options for a
missing config. This module, with :mod:`simulator.cli` and :mod:`simulator.compose`, is
the only place that imports Hydra.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from hydra.errors import HydraException, MissingConfigException, OverrideParseException, SearchPathException
from omegaconf.errors import ConfigIndexError, ConfigTypeError, OmegaConfBaseException

from simulator.config.errors import ConfigError, ConfigIssue
from simulator.config_search import SEARCHPATH, primary_on_searchpath
from simulator.override_shapes import named_index_issue, unpackaged_issue

UNKNOWN_KEY = "no such key in the config: check its spelling (salesim adds no key a config does not have)"
NO_SUCH_ITEM = "has no such item"  # a list item past the end
NOT_A_LIST, NOT_A_MAPPING = "is a mapping, not a list", "is a list, not a mapping"
ALREADY_THERE = "is already in the config: set it without the +"
"""How :func:`composition_issue` words ``+key=value`` on a key the config has (its fix follows)."""
MERGE_REFUSALS = (UNKNOWN_KEY, NO_SUCH_ITEM, NOT_A_LIST, NOT_A_MAPPING, "could not be merged")  # Hydra's merges
"""What a key no config has is told, when Hydra refuses it before salesim's own check can name the closest key."""

# Hydra flags after which the command line only prints something: leave its overrides as typed.
_PRINT_ONLY_FLAGS = ("cfg", "info", "help", "hydra_help", "shell_completion")


def parse_overrides(lines: Sequence[str], where: str) -> list[Override]:
    """Parse overrides with Hydra's grammar; a line it refuses is named, with a quoting hint if it helps."""
    parser = OverridesParser.create()
    try:
        return parser.parse_overrides(list(lines))
    except Exception as error:
        for line in lines:
            try:
                parser.parse_override(line)
            except Exception as own:
                raise ConfigError.single(where, line, syntax_problem(line, own)) from None
        raise ConfigError.single(where, list(lines), f"not valid Hydra override syntax: {first_line(error)}") from None


def syntax_problem(line: str, error: BaseException) -> str:
    """Why Hydra's grammar refuses an override line, with the quoting that fixes the usual cases."""
    words = f"not valid Hydra override syntax ({first_line(error)})"
    key, equals, value = line.partition("=")
    if not equals:
        return words
    if not re.fullmatch(r"[~+]{0,2}[A-Za-z0-9_./@-]*", key):
        return words + "; a key is plain words joined by dots: letters, digits and _ (no spaces or accents)"
    if value.startswith(("{", "[")):  # quoting the whole would make text of a mapping or list
        example = '{name: "São Paulo", size: 1}' if value.startswith("{") else '[core, "São Paulo"]'
        return words + (
            "; inside a mapping or a list, keys are plain words (letters, digits and _) and text with spaces, "
            "commas, brackets, quotes or non-ASCII characters is quoted, the whole quoted for the shell, as in "
            + shlex.quote(f"{key}={example}")
        )
    if not value.startswith(("'", '"')) and (not value.isascii() or any(c in value for c in " ,()[]{}'\"=:")):
        quoted = value.replace('"', '\\"')
        kind = "non-ASCII characters" if not value.isascii() else "spaces, commas, brackets, quotes or '='"
        suggestion = shlex.quote(f'{key}="{quoted}"')
        return words + f"; a value with {kind} must be quoted: {suggestion}"
    return words


def first_line(error: BaseException) -> str:
    """The first line of an error's message (Hydra's run to many)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def composition_issue(error: Exception, where: str, shown: Any) -> ConfigIssue:
    """Hydra's refusal in salesim's words: a YAML error names file and line, a missing config its options."""
    mistyped = yaml_issue(error)
    if mistyped is not None:
        return mistyped
    missing = getattr(error, "missing_cfg_file", None)
    options = getattr(error, "options", None)
    if isinstance(error, MissingConfigException) and missing and options and "/" in missing:
        group, option = missing.rsplit("/", 1)
        return ConfigIssue(group, option, f"no such config in {group}/: must be one of {', '.join(options)}")
    if isinstance(error, MissingConfigException) and missing and "/" in missing:  # a file gone from a folder
        group, option = missing.rsplit("/", 1)
        parent = re.match(r"In '([^']+)'", str(error))
        folders = re.findall(r"path=file://(\S+)", str(error))
        return ConfigIssue(
            group,
            option,
            f"the defaults list of {parent[1] if parent else 'the config'}.yaml names {group}/{option}.yaml, but no "
            f"config folder has it (looked in {', '.join(f'{f}/{group}' for f in folders) or 'the config folders'}): "
            f"restore the file (a calibrated folder: run salesim calibrate again), or choose another with "
            f"{group}=NAME",
        )
    message = " ".join(str(error).split("Config search path")[0].split())
    ambiguous = re.search(r"Ambiguous value for argument '\+*([^=']+)=([^']*)'", message)
    if ambiguous:  # key=a,b without --multirun: Hydra's words name its internal ++ prefix
        key, value = ambiguous[1], ambiguous[2]
        return ConfigIssue(
            "command line",
            f"{key}={value}",
            f"a comma makes a list or a sweep: write {key}=[{value}] for a list, '{key}=\"{value}\"' for text, "
            "or add --multirun to run one job per value",
        )
    present = re.search(
        r"Could not append to config\. An item is already at '([^']+)'\. Either remove \+ prefix: '([^']*)'", message
    )
    if present:  # +key=value on a key the config has
        (given,) = parse_overrides([present[2]], "command line")
        words = f"{ALREADY_THERE}, {shlex.quote(present[2])}"
        return ConfigIssue(present[1], given.value(), words)
    absent = re.search(r"Could not delete from config\. '([^']+)' does not exist", message)
    if absent:  # ~key on a key the base config lacks (Hydra composes the base before salesim's scenarios)
        return ConfigIssue(
            "command line",
            f"~{absent[1]}",
            "nothing to delete: the experiment's base config has no such key (a ~ deletes only a key the base "
            "has, even when a scenario has it)",
        )
    unknown = re.search(r"Could not override '([^']+)'\. To append to your config use \+(\S+)", message)
    if unknown:  # a key no config has, seen by Hydra first (--cfg, --info): Hydra's "+key" would add a typo
        key, value = unknown[1], unknown[2].split("=", 1)[1] if "=" in unknown[2] else None
        return ConfigIssue(key, value, UNKNOWN_KEY)
    no_group = re.search(
        r"Could not override '([^']+)'\. No match in the defaults list\. To append to your default list use \+(\S+)",
        message,
    )
    if no_group:  # plan=default on a folder whose config.yaml has no plan group (a calibrated company)
        group, typed = no_group[1], no_group[2]
        return ConfigIssue(
            group,
            typed.split("=", 1)[1] if "=" in typed else None,
            f"this config folder's config.yaml chooses no {group} (a calibrated company's has none): add one with "
            f"+{typed}, or leave it out",
        )
    merging = re.search(r"Error merging override \+*(\S+)", message)
    past_end = _past_the_end(error)
    if merging and past_end:  # pipeline.stages.9.conversion=0.5 on a pipeline of 6 stages
        return ConfigIssue(
            merging[1].split("=", 1)[0],
            merging[1].split("=", 1)[1] if "=" in merging[1] else None,
            f"{past_end} {NO_SUCH_ITEM}: list items count from 0 (`python -m simulator --cfg job` prints the list)",
        )
    if merging:  # Hydra names the override it could not merge; the reason is further down its chain
        typed = re.search(r"Error merging override \+*(.+)$", message)
        key, _, value = (typed[1] if typed else merging[1]).partition("=")
        cause = _first_cause(error, ConfigTypeError)
        # OmegaConf words a list given for a mapping and a mapping given for a list alike: the value tells which
        if cause is not None and "Cannot merge DictConfig with ListConfig" in cause and value.startswith("["):
            return ConfigIssue(
                key, value, f"{key} {NOT_A_LIST}: write {key}={{name: value, ...}} (`--cfg job` prints it)"
            )
        if cause is not None and "Cannot merge DictConfig with ListConfig" in cause and value.startswith("{"):
            return ConfigIssue(key, value, f"{key} {NOT_A_MAPPING}: write {key}=[a,b] (`--cfg job` prints it)")
        if cause is not None:
            return ConfigIssue(key, value, f"could not be merged: {cause}")
    return ConfigIssue(where, shown, f"could not be composed: {message}")


def _first_cause(error: BaseException, kind: type[BaseException]) -> str | None:
    """The first line of the first ``kind`` in ``error``'s chain (its cause or context), else None."""
    cause: BaseException | None = error
    seen: list[BaseException] = []
    while cause is not None and cause not in seen:
        seen.append(cause)
        if isinstance(cause, kind):
            return (str(cause).strip().splitlines() or [""])[0]
        cause = cause.__cause__ or cause.__context__
    return None


def _past_the_end(error: BaseException) -> str | None:
    """The list (``pipeline.stages``) an index in ``error``'s chain runs past, else None."""
    cause: BaseException | None = error
    seen: list[BaseException] = []
    while cause is not None and cause not in seen:
        seen.append(cause)
        if isinstance(cause, ConfigIndexError):
            key = str(getattr(cause, "full_key", "") or "")
            return re.sub(r"\[\d+\]$", "", key) or "the list"
        cause = cause.__cause__ or cause.__context__
    return None


def yaml_issue(error: BaseException) -> ConfigIssue | None:
    """A YAML syntax error anywhere in ``error``'s chain as one issue (file, line, problem), else None."""
    chain: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for found in chain:
        if isinstance(found, yaml.MarkedYAMLError) and found.problem_mark is not None:
            return _marked_issue(found)
    return None


def _marked_issue(error: yaml.MarkedYAMLError) -> ConfigIssue:
    """A YAML syntax error as one issue: ``file, line N``, the line's text, the problem and where it began."""
    mark = error.problem_mark
    assert mark is not None
    text = ""
    with contextlib.suppress(OSError, IndexError, UnicodeDecodeError):
        text = Path(mark.name).read_text().splitlines()[mark.line].strip()
    problem = error.problem or "not valid YAML"
    context = error.context_mark
    began = ""
    if error.context and context is not None and context.line != mark.line:
        began = f" ({error.context} begun on line {context.line + 1})"
    return ConfigIssue(f"{mark.name}, line {mark.line + 1}", text, f"not valid YAML: {problem}{began}")


def prepare_command_line(args: Sequence[str], groups_in: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Rewrite plain value overrides as ``++key=value`` so Hydra's base composition accepts them.

    Args:
        args: The command line after the program name.
        groups_in: Config directories whose sub-folders are config groups (the shipped
            configs); ``--config-dir`` and ``hydra.searchpath`` folders are added.

    Returns:
        The rewritten command line and the keys rewritten, which :func:`restore_overrides`
        turns back into the user's plain overrides inside the job. When Hydra is only asked
        to print (``--cfg``, ``--info``, ``--help``), nothing is rewritten.

    Raises:
        ConfigError: An override Hydra's grammar refuses (named, with a quoting hint).
    """
    from hydra._internal.utils import get_args_parser  # Hydra's own command-line grammar

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # Hydra prints argparse's usage and error itself, once
            parsed = get_args_parser().parse_args(list(args))
    except SystemExit:
        return list(args), []  # a flag argparse refuses: Hydra reports it in its own words
    overrides = parse_overrides(parsed.overrides, "command line")
    if any(getattr(parsed, flag, None) for flag in _PRINT_ONLY_FLAGS):
        return list(args), []
    folders = [*groups_in, *([Path(parsed.config_dir)] if parsed.config_dir else [])]
    for override in overrides:
        value = override.value()
        if override.key_or_group == SEARCHPATH and isinstance(value, list):
            searched = [Path(str(p).removeprefix("file://")) for p in value]
            owned = primary_on_searchpath(searched, str(override.input_line).split("=", 1)[1])
            if owned is not None:
                raise owned
            folders += searched

    def is_group(key: str) -> bool:
        return "/" in key or any((folder / key).is_dir() for folder in folders)

    nulls = [
        override
        for override in overrides
        if override.type == OverrideType.CHANGE and not override.is_hydra_override() and override.value() is None
    ]
    refused = [_null_group(o.key_or_group, folders) for o in nulls if is_group(o.key_or_group)]
    refused += [
        issue
        for o in overrides
        if o.key_or_group == "experiment" and isinstance(o.value(), str)
        for issue in [unpackaged_issue(str(o.value()), folders)]
        if issue is not None
    ]
    if refused:  # Hydra would stop in a ValueError traceback ("Config group override must be a string")
        raise ConfigError(refused)
    rewritten: list[str] = []
    result = list(args)
    position = 0
    for override in overrides:
        position = result.index(str(override.input_line), position)
        plain_value = override.type == OverrideType.CHANGE and not override.is_hydra_override()
        # a mapping given to a config group (plan={bookings: 5e6}) sets keys of the group's config, as a value does
        if plain_value and (not is_group(override.key_or_group) or isinstance(override.value(), Mapping)):
            result[position] = "++" + result[position]
            rewritten.append(override.key_or_group)
        position += 1
    return result, rewritten


def _null_group(group: str, folders: Sequence[Path]) -> ConfigIssue:
    """``plan=null``: a config group takes the name of one of its configs, never null."""
    names = sorted({p.stem for folder in folders for p in (folder / group).glob("*.yaml")})
    choices = f"one of its configs: {', '.join(names)}" if names else "the name of one of its configs"
    return ConfigIssue(
        group, None, f"is a config group: it takes {choices} ({group}.KEY=VALUE sets a key of the one chosen)"
    )


def restore_overrides(task: Sequence[str], rewritten: Collection[str]) -> list[str]:
    """The job's overrides as the user typed them: strip the ``++`` :func:`prepare_command_line` added."""
    if not rewritten:
        return list(task)
    restored = []
    for line, override in zip(task, parse_overrides(task, "command line"), strict=True):
        forced = override.type == OverrideType.FORCE_ADD and override.key_or_group in rewritten
        restored.append(line[2:] if forced else line)
    return restored


def hydra_refusal(error: BaseException, args: Sequence[str] = (), folders: Sequence[Path] = ()) -> ConfigError | None:
    """What Hydra refused while composing, in salesim's words; None if ``error`` is not such a refusal.

    A YAML syntax error names the file and line; a missing config its group and options;
    a missing ``--config-dir`` the folder; a list indexed by a name, the override of ``args``
    that does it (``folders``: the config folders, for a scenario's own list).
    """
    mistyped = yaml_issue(error)
    if mistyped is not None:
        return ConfigError(mistyped)
    named = named_index_issue(error, args, folders)
    if named is not None:
        return ConfigError(named)
    if isinstance(error, SearchPathException):
        folder = re.search(r"'([^']*)'", str(error))
        where = folder[1] if folder else str(error)
        allowed = "no such directory: --config-dir must name a folder that exists (your experiment/NAME.yaml files)"
        return ConfigError.single("--config-dir", where, allowed)
    if isinstance(error, MissingConfigException):
        if error.missing_cfg_file and "/" not in error.missing_cfg_file:
            allowed = "no such primary config: give a config.yaml of your own with --config-dir, or leave it out"
            return ConfigError.single("--config-name", error.missing_cfg_file, allowed)
        return ConfigError(composition_issue(error, "overrides", None))
    if isinstance(error, OverrideParseException):
        return ConfigError.single("command line", error.override, syntax_problem(error.override, error))
    if isinstance(error, OmegaConfBaseException):
        key = getattr(error, "full_key", None) or "config"
        return ConfigError.single(
            str(key), getattr(error, "value", None), f"could not be resolved: {first_line(error)}"
        )
    if isinstance(error, HydraException):
        return ConfigError(composition_issue(error, "command line", None))
    return None
