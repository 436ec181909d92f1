#!/usr/bin/env python3
"""No function in src/ or include/ longer than 60 lines (ARCHITECTURE.md,
"Layers"). A function is found by its opening line: one
ending in '{' that has a parenthesis and is not a control statement, a type,
a namespace or a lambda in a return; its length runs to the matching brace.
Prints each one that is too long and fails; silent and 0 otherwise."""
import pathlib
import re
import sys

LIMIT = 60
CONTROL = re.compile(r'^\s*(if|for|while|switch|else|namespace|class|struct|enum|do|try|case|union)\b')


def opens_function(line):
    text = line.strip()
    if not text.endswith('{') or text.startswith('//') or CONTROL.match(line):
        return False
    head = text.split('(')[0]
    return ('(' in text or ')' in text) and '=' not in head and '[' not in head and 'return' not in text


def long_functions(path):
    lines = path.read_text().split('\n')
    i = 0
    while i < len(lines):
        if not opens_function(lines[i]):
            i += 1
            continue
        depth, end = 0, i
        while end < len(lines):
            depth += lines[end].count('{') - lines[end].count('}')
            if depth <= 0:
                break
            end += 1
        if end - i + 1 > LIMIT:
            yield i + 1, end - i + 1, lines[i].strip()
        i = end + 1


def main():
    root = pathlib.Path(__file__).resolve().parents[2]
    failed = False
    for path in sorted(list(root.glob('src/**/*.cc')) + list(root.glob('src/**/*.h')) + list(root.glob('include/**/*.h'))):
        for line, length, text in long_functions(path):
            print(f'function_size: {path.relative_to(root)}:{line}: {length} lines (limit {LIMIT}): {text}', file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
