"""YAML for parameters, read defensively: one clear ParameterError instead of a traceback or a hang.

Refused, each with a message naming the problem and what is allowed:
- a file that is a folder, missing, not UTF-8, or larger than a parameter file could sensibly be;
- text that is not valid YAML (with line and column), or not a mapping at the top of a file;
- a key given twice in one mapping (YAML would silently keep the last; here it is named, with lines);
- anchors and aliases (`&name`, `*name`): refused while parsing, before anything is expanded, so an
  "alias bomb" (a few lines that expand to billions of items) is refused at once instead of hanging;
- nesting deeper than any parameter needs;
- numbers that are not finite (`.inf`, `-.inf`, `.nan`, or an overflowing `1e999`), anywhere in the data.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import yaml

from se_ambulance.errors import ParameterError

MAX_FILE_BYTES = 1_000_000  # the whole canonical parameter file is a few kB
MAX_VALUE_CHARS = 20_000
MAX_DEPTH = 32


class _Refused(Exception):
    """A construct parameter YAML does not allow; the message says which and where."""


class _ParamLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors, aliases, duplicate keys and deep nesting."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1 if event.start_mark else "?"
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"uses a YAML alias (*{event.anchor}) at line {line}")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(f"uses a YAML anchor (&{anchor}) at line {line}")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nests values more than {MAX_DEPTH} levels deep (line {line})")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: SafeConstructor reports it below
                    continue
                if first is not None:
                    raise _Refused(f"gives the key {key!r} twice (line {first} and line {line})")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


_ALLOWED = (
    "Parameter YAML may hold mappings, lists, strings and finite numbers; anchors and aliases "
    "(&name, *name) and repeated keys are not allowed."
)


def _non_finite(value: Any, path: str) -> tuple[str, float] | None:
    """The path and value of the first number that is not finite, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        sub = f"{path}[{k}]" if isinstance(value, list) else f"{path}.{k}" if path else str(k)
        found = _non_finite(v, sub)
        if found is not None:
            return found
    return None


def _show(value: float) -> str:
    return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"


def _parse(text: str) -> Any:
    loader = _ParamLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml_mapping(path: str | os.PathLike, what: str = "parameter file") -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping (an empty file gives {}).

    Raises ParameterError naming the file and the problem for: a missing file or a folder, bytes that are
    not UTF-8, invalid YAML, a top level that is not a mapping, anchors/aliases, duplicate keys, nesting
    deeper than MAX_DEPTH, and non-finite numbers (.inf, .nan) anywhere in the data.
    """
    p = Path(path)
    if p.is_dir():
        raise ParameterError(f"The {what} {p} is a folder; give a YAML file, e.g. params/scas.yaml.")
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParameterError(
                f"The {what} {p} is {size:,} bytes; a parameter file is a short YAML "
                f"mapping (at most {MAX_FILE_BYTES:,} bytes)."
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ParameterError(f"The {what} {p} does not exist; give a YAML file, e.g. params/scas.yaml.") from None
    except OSError as e:
        raise ParameterError(f"The {what} {p} cannot be read ({e.strerror}).") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParameterError(
            f"The {what} {p} is not UTF-8 text (byte 0x{raw[e.start]:02x} at position "
            f"{e.start}); save it as UTF-8 YAML."
        ) from None
    try:
        data = _parse(text)
    except _Refused as e:
        raise ParameterError(f"The {what} {p} {e}. {_ALLOWED}") from None
    except yaml.YAMLError as e:
        raise ParameterError(f"The {what} {p} is not valid YAML{_where(e)}: {_problem(e)}.") from None
    except RecursionError:
        raise ParameterError(f"The {what} {p} nests values too deeply; parameter files are shallow mappings.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"The {what} {p} must be a YAML mapping of parameter names to values "
            f"(e.g. `performance:` then `  trust: RYE`), not a {type(data).__name__}."
        )
    bad = _non_finite(data, "")
    if bad is not None:
        raise ParameterError(
            f"Parameter '{bad[0]}' = {_show(bad[1])} in the {what} {p} is not a finite "
            "number; numbers must be finite (not .inf, -.inf or .nan)."
        )
    return data


def parse_yaml_value(text: str, key: str) -> Any:
    """The value of one `--set KEY=VALUE` override, parsed as YAML with the same guards as files.

    An empty text gives None (as YAML does). Raises ParameterError naming `key` for invalid YAML,
    anchors/aliases, duplicate keys, deep nesting, overlong text and non-finite numbers.
    """
    if len(text) > MAX_VALUE_CHARS:
        raise ParameterError(
            f"The value given to --set {key} is {len(text):,} characters; a parameter value "
            f"is at most {MAX_VALUE_CHARS:,}."
        )
    try:
        value = _parse(text)
    except _Refused as e:
        raise ParameterError(f"The value given to --set {key} {e}. {_ALLOWED}") from None
    except yaml.YAMLError as e:
        raise ParameterError(
            f"The value given to --set {key} is not valid YAML{_where(e)}: {_problem(e)}. "
            "Write a YAML value such as 0.5, RYE, [RYD, Eng] or {low: 0.2, central: 0.5, high: 0.8}, "
            "quoted for the shell."
        ) from None
    except RecursionError:
        raise ParameterError(f"The value given to --set {key} nests values too deeply.") from None
    bad = _non_finite(value, key)
    if bad is not None:
        raise ParameterError(
            f"Parameter '{bad[0]}' = {_show(bad[1])} (from --set) is not a "
            "finite number; numbers must be finite (not .inf, -.inf or .nan)."
        )
    return value


def _where(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _problem(e: yaml.YAMLError) -> str:
    return str(getattr(e, "problem", None) or e).strip()


__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "load_yaml_mapping", "parse_yaml_value"]
