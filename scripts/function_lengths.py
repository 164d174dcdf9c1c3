#!/usr/bin/env python3
"""Lists the Swift functions in Sources/ whose bodies are longer than a threshold.

A function here is a `func`, `init`, `deinit` or `subscript` with a body, a computed property
(`var name: Type {`) or a property initialised by a closure (`let name = { ... }()`) declared
in a type or at file level. Its length counts the lines from the line of its keyword to the line
of its closing brace, both included. Braces in comments and string literals (also multi-line
and raw strings; string interpolations are code) do not count.

    scripts/function_lengths.py                  every function over 60 lines, longest first
    scripts/function_lengths.py --threshold 40   ... over 40 lines
    scripts/function_lengths.py --check          also exit 1 when a function is over 80 lines
                                                 (ALLOWED_OVER_80 excepted) or more than three
                                                 are over 60

Output lines read `path:line: name: N lines`, `name` qualified by the enclosing types and
functions (`CSVTokenizer.consume`, `DateFormat.match.digits`). Python 3, no dependencies.
"""

import argparse
import os
import re
import sys

MAX_LINES = 80
PREFERRED_LINES = 60
MAX_OVER_PREFERRED = 3
# The CSV tokenizer's hot loop: one function keeps its state in registers (see CSVTokenizer).
ALLOWED_OVER_80 = {"CSVTokenizer.consume"}

TYPE_KEYWORDS = {"struct", "enum", "class", "extension", "protocol", "actor"}
FUNCTION_KEYWORDS = {"func", "init", "deinit", "subscript"}
PROPERTY_KEYWORDS = {"var", "let"}
DECLARATION_KEYWORDS = TYPE_KEYWORDS | FUNCTION_KEYWORDS | PROPERTY_KEYWORDS | {"case", "typealias", "import"}


def code_only(source):
    """The source with comments and string contents replaced by spaces (newlines kept), so that
    line numbers stay and only braces of code remain; interpolations inside strings stay code."""
    out = []
    i, n = 0, len(source)
    # Open strings whose interpolation is being read: (hashes, multi-line, parentheses outside it).
    interpolated = []
    string = None  # (hashes, multi-line) while inside a string's text
    parens = 0

    def blank(text):
        out.append("".join("\n" if ch == "\n" else " " for ch in text))

    while i < n:
        if string is not None:
            hashes, multiline = string
            escape = "\\" + "#" * hashes
            close = ('"""' if multiline else '"') + "#" * hashes
            if source.startswith(escape, i):
                after = i + len(escape)
                if after < n and source[after] == "(":
                    blank(source[i:after])
                    out.append("(")
                    interpolated.append((hashes, multiline, parens))
                    parens = 0
                    string = None
                    i = after + 1
                else:
                    blank(source[i:after + 1])
                    i = after + 1
            elif source.startswith(close, i):
                out.append(close)
                string = None
                i += len(close)
            elif source[i] == "\n" and not multiline:
                out.append("\n")  # an unterminated literal ends with its line
                string = None
                i += 1
            else:
                blank(source[i])
                i += 1
            continue
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            blank(source[i:end])
            i = end
            continue
        if source.startswith("/*", i):
            level, j = 0, i
            while j < n:
                if source.startswith("/*", j):
                    level, j = level + 1, j + 2
                elif source.startswith("*/", j):
                    level, j = level - 1, j + 2
                    if level == 0:
                        break
                else:
                    j += 1
            blank(source[i:j])
            i = j
            continue
        opening = re.compile(r'(#*)("""|")').match(source, i)
        if opening:
            out.append(opening.group(0))
            string = (len(opening.group(1)), opening.group(2) == '"""')
            i = opening.end()
            continue
        ch = source[i]
        if ch == "(":
            parens += 1
        elif ch == ")":
            if parens == 0 and interpolated:
                hashes, multiline, parens = interpolated.pop()
                string = (hashes, multiline)
                out.append(")")
                i += 1
                continue
            parens -= 1
        out.append(ch)
        i += 1
    return "".join(out)


TOKEN = re.compile(r"\n|[A-Za-z_][A-Za-z0-9_]*|`[^`\n]*`|[{}()\[\]]|[^\sA-Za-z0-9_{}()\[\]`]+|\S")


def tokens(code):
    line = 1
    for match in TOKEN.finditer(code):
        text = match.group(0)
        yield line, text
        if text == "\n":
            line += 1


def functions(path):
    """(line, name, length) of every function body in one file."""
    with open(path, encoding="utf-8") as handle:
        code = code_only(handle.read())
    found = []
    scopes = []  # (kind: "type" | "function" | "block", name, first line)
    pending = None  # a declaration whose body may follow: dict
    depth = 0  # parentheses and brackets
    previous = None  # the previous significant token
    expecting_name = None  # keyword whose name comes next

    def owner_names():
        return [name for kind, name, _ in scopes if kind in ("type", "function")]

    def at_type_level():
        return not scopes or scopes[-1][0] == "type"

    for line, text in tokens(code):
        if text == "\n":
            if pending and pending["keyword"] in PROPERTY_KEYWORDS and depth == pending["depth"] and previous not in ("=", ":"):
                pending = None  # a stored property (or one whose value is on this line only)
            continue
        if expecting_name is not None:
            keyword = expecting_name
            expecting_name = None
            if keyword in TYPE_KEYWORDS or keyword in PROPERTY_KEYWORDS or keyword == "func":
                pending["name"] = text.strip("`")
                previous = text
                continue
        if text in ("(", "["):
            depth += 1
        elif text in (")", "]"):
            depth = max(0, depth - 1)
        elif text in DECLARATION_KEYWORDS and previous != "." and (pending is None or depth <= pending["depth"]):
            if text in TYPE_KEYWORDS or text in FUNCTION_KEYWORDS or (text in PROPERTY_KEYWORDS and at_type_level()):
                pending = {"keyword": text, "name": text, "line": line, "depth": depth, "equals": False, "colon": False}
                if text in TYPE_KEYWORDS or text in PROPERTY_KEYWORDS or text == "func":
                    expecting_name = text
            else:
                pending = None
        elif text == "=" and pending and depth == pending["depth"]:
            pending["equals"] = True
        elif text == ":" and pending and depth == pending["depth"]:
            pending["colon"] = True
        elif text == "{":
            if pending and depth == pending["depth"]:
                keyword = pending["keyword"]
                if keyword in TYPE_KEYWORDS:
                    scopes.append(("type", pending["name"], line))
                elif keyword in FUNCTION_KEYWORDS:
                    scopes.append(("function", pending["name"], pending["line"]))
                elif (previous == "=") or (pending["colon"] and not pending["equals"]):
                    scopes.append(("function", pending["name"], pending["line"]))
                else:
                    scopes.append(("block", "", line))
                pending = None
            else:
                scopes.append(("block", "", line))
        elif text == "}":
            if pending and depth <= pending["depth"]:
                pending = None
            if scopes:
                kind, name, first = scopes.pop()
                if kind == "function":
                    found.append((first, ".".join(owner_names() + [name]), line - first + 1))
        previous = text
    return found


def all_functions(root):
    if os.path.isfile(root):
        return [(root, line, name, length) for line, name, length in functions(root)]
    result = []
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for file in sorted(files):
            if file.endswith(".swift"):
                path = os.path.join(folder, file)
                result.extend((path, line, name, length) for line, name, length in functions(path))
    return result


def main():
    parser = argparse.ArgumentParser(description="Swift functions longer than a threshold.")
    parser.add_argument("--threshold", type=int, default=PREFERRED_LINES, help="list functions over this many lines")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when a function is over {MAX_LINES} lines (allowed: {', '.join(sorted(ALLOWED_OVER_80))}) "
                             f"or more than {MAX_OVER_PREFERRED} are over {PREFERRED_LINES}")
    parser.add_argument("root", nargs="?", help="a folder or a Swift file (default: Sources)", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources"))
    arguments = parser.parse_args()
    root = os.path.relpath(arguments.root)
    found = all_functions(root)
    for path, line, name, length in sorted(found, key=lambda entry: (-entry[3], entry[0], entry[1])):
        if length > arguments.threshold:
            print(f"{path}:{line}: {name}: {length} lines")
    if not arguments.check:
        return 0
    too_long = [entry for entry in found if entry[3] > MAX_LINES and entry[2] not in ALLOWED_OVER_80]
    over_preferred = [entry for entry in found if entry[3] > PREFERRED_LINES]
    failed = False
    for path, line, name, length in too_long:
        print(f"{path}:{line}: error: {name} is {length} lines, over {MAX_LINES}", file=sys.stderr)
        failed = True
    if len(over_preferred) > MAX_OVER_PREFERRED:
        print(f"error: {len(over_preferred)} functions are over {PREFERRED_LINES} lines; at most {MAX_OVER_PREFERRED} may be",
              file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
