"""Field masks: `fields=` on reads and the `fields` of update requests.

Both `a.b` and `a/b` separate path parts, parentheses group sub-fields (`sheets(properties,data)`)
and `*` selects everything at its level.
"""

from __future__ import annotations

import copy
from typing import Any

Path = tuple[str, ...]
MaskTree = dict[str, Any]  # name -> subtree; LEAF marks "the whole field"
LEAF = "\x00leaf"


class MaskError(ValueError):
    "The mask text is malformed (unbalanced parentheses, empty parts)."


def parse_mask(text: str) -> list[Path]:
    """`a.b(c,d/e),f` -> [(a,b,c), (a,b,d,e), (f,)]."""
    paths, rest = _parse_list(text.replace(" ", ""), 0, ())
    if rest != len(text.replace(" ", "")):
        raise MaskError(text)
    return paths


def _parse_list(text: str, pos: int, prefix: Path) -> tuple[list[Path], int]:
    paths: list[Path] = []
    while True:
        name_end = pos
        while name_end < len(text) and text[name_end] not in ",()":
            name_end += 1
        parts = tuple(p for p in text[pos:name_end].replace("/", ".").split(".") if p)
        if not parts:
            raise MaskError(text)
        pos = name_end
        if pos < len(text) and text[pos] == "(":
            inner, pos = _parse_list(text, pos + 1, prefix + parts)
            if pos >= len(text) or text[pos] != ")":
                raise MaskError(text)
            paths.extend(inner)
            pos += 1
        else:
            paths.append(prefix + parts)
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        return paths, pos


def mask_tree(paths: list[Path]) -> MaskTree:
    """Paths to a tree; a path that selects a whole field swallows any deeper ones."""
    tree: MaskTree = {}
    for path in paths:
        node = tree
        for part in path:
            if LEAF in node:
                break
            node = node.setdefault(part, {})
        else:
            node.clear()
            node[LEAF] = True
    return tree


def project(value: Any, tree: MaskTree) -> Any:
    """Keep only the masked parts of a JSON value (lists are masked element by element)."""
    if LEAF in tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [project(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in tree.items():
        if key in value:
            out[key] = project(value[key], sub)
    return out


def mentions(tree: MaskTree, *path: str) -> bool:
    """Does the mask select anything under `path` (or the whole of a parent of it)?"""
    node = tree
    for part in path:
        if LEAF in node or "*" in node:
            return True
        if part not in node:
            return False
        node = node[part]
    return True


def apply_update(target: dict[str, Any], source: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    """Copy each masked path from source into a new version of target; absent in source means reset.

    Only the dicts along each changed path are copied; untouched branches are shared with
    `target`, which is safe because stored cells and properties are replaced, never edited.
    """
    result = dict(target)
    for path in paths:
        if path == ("*",):
            return copy.deepcopy(source)
        _copy_path(result, source, path)
    return result


def _copy_path(result: dict[str, Any], source: dict[str, Any], path: Path) -> None:
    node_src: Any = source
    for part in path:
        node_src = node_src.get(part) if isinstance(node_src, dict) else None
    node_dst = result
    for part in path[:-1]:
        child = node_dst.get(part)
        if not isinstance(child, dict):
            if node_src is None:
                return
            child = {}
        node_dst[part] = child = dict(child)
        node_dst = child
    if node_src is None:
        node_dst.pop(path[-1], None)
        _prune_empty(result, path[:-1])
    else:
        node_dst[path[-1]] = node_src


def _prune_empty(result: dict[str, Any], path: Path) -> None:
    for depth in range(len(path), 0, -1):
        node: Any = result
        for part in path[: depth - 1]:
            node = node.get(part, {})
        if isinstance(node, dict) and node.get(path[depth - 1]) == {}:
            del node[path[depth - 1]]
