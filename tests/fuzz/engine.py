"""One target under Atheris (libFuzzer for Python): ``python -m tests.fuzz.engine TARGET
[libFuzzer flags] [corpus folders]``. ``scripts/fuzz`` is the front end.

The project's own packages are instrumented for coverage as the target imports them; the
libraries under them (pydantic's core, defusedxml, the standard library) are not, so the
fuzzer's feedback is the project's own branches.
"""

from __future__ import annotations

import shlex
import sys

#: the packages whose branches guide the fuzzer
INSTRUMENTED = ("adapters", "contract", "schemas", "hub.core", "tests.fuzz")


def main(argv: list[str]) -> None:
    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

    if len(argv) < 2:
        raise SystemExit("usage: python -m tests.fuzz.engine TARGET [libFuzzer flags] [dirs]")
    target = argv[1]
    with atheris.instrument_imports(include=list(INSTRUMENTED)):
        from tests.fuzz.targets import harness

        one_input = harness(target)
    # libFuzzer runs its merge (and fork) children through the shell as argv[0] and the
    # flags: argv[0] must therefore be the whole command that starts this target again
    again = shlex.join([sys.executable, "-m", "tests.fuzz.engine", target])
    atheris.Setup([again, *argv[2:]], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
