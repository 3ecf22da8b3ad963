#!/usr/bin/env python3
"""Execute one Jupyter notebook headless through a kernel (nbclient), cell by cell.

Used by `npm run tutorial`, `environment/setup.js` (kernel check) and the notebook tests.

    execute_notebook.py NOTEBOOK --out EXECUTED.ipynb [--html EXPORT.html] [--kernel tslab]
                        [--cwd DIR] [--timeout SECONDS] [--startup-timeout SECONDS] [--progress]

The kernel starts in --cwd (default: the notebook's folder, as Jupyter does). Each code cell
gets --timeout seconds. The executed copy (outputs included) is written even when a cell fails,
so the failure can be inspected. On success the HTML export (nbconvert, lab template) is written
when --html is given. Its MathJax and RequireJS point at public CDN copies (PORTABLE_URLS), not
at Debian's file:///usr/share/javascript/... defaults, which exist on no other machine; plotly.js
is inside the notebook's outputs, so the figures need no network.

The last line on stdout is one JSON object:
  {"ok": true, "cells": N, "seconds": S, "cellSeconds": [...]}
  {"ok": false, "cell": K, "index": I, "source": "...", "error": "...", ...}
where K counts code cells from 1 and I is the position among all cells (from 0).
Exit codes: 0 ok, 1 a cell failed, 2 bad arguments or Jupyter/kernel problem.
"""
import argparse
import json
import os
import sys
import time


# Where an exported page loads MathJax 2 (equations in markdown) and RequireJS (nbconvert's
# upstream defaults; Debian patches them to local files). HTMLExporter traits.
PORTABLE_URLS = {
    "mathjax_url": "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js",
}


def portable_html_exporter():
    """An HTMLExporter whose MathJax/RequireJS URLs work on any machine with a network."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    for trait, url in PORTABLE_URLS.items():
        if exporter.has_trait(trait):
            setattr(exporter, trait, url)
    return exporter


def fail(message, code=2, **extra):
    print(json.dumps(dict(ok=False, error=message, **extra)))
    sys.exit(code)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--out", required=True)
    ap.add_argument("--html")
    ap.add_argument("--kernel", default="tslab")
    ap.add_argument("--cwd")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--startup-timeout", type=int, default=120)
    ap.add_argument("--progress", action="store_true", help="report each code cell on stderr as '@@cell N/TOTAL'")
    args = ap.parse_args()

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    except ImportError as e:
        fail("Jupyter is missing in %s (%s): run `npm run setup`" % (sys.executable, e))

    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as e:  # noqa: BLE001 - reported to the caller as one line
        fail("cannot read %s: %s" % (args.notebook, e))

    cwd = os.path.abspath(args.cwd or os.path.dirname(os.path.abspath(args.notebook)))
    client = NotebookClient(
        nb,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        kernel_name=args.kernel,
        resources={"metadata": {"path": cwd}},
    )

    def write_out():
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        tmp = args.out + ".tmp-%d" % os.getpid()
        nbformat.write(nb, tmp)
        os.replace(tmp, args.out)

    start = time.time()
    cell_seconds = []
    code_number = 0
    code_total = sum(1 for c in nb.cells if c.cell_type == "code")
    try:
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                code_number += 1
                if args.progress:
                    sys.stderr.write("@@cell %d/%d\n" % (code_number, code_total))
                    sys.stderr.flush()
                t0 = time.time()
                try:
                    client.execute_cell(cell, index)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                    write_out()
                    stderr = "".join(
                        o.get("text", "")
                        for o in cell.get("outputs", [])
                        if o.get("output_type") == "stream" and o.get("name") == "stderr"
                    )
                    errors = [
                        "%s: %s" % (o.get("ename"), o.get("evalue"))
                        for o in cell.get("outputs", [])
                        if o.get("output_type") == "error"
                    ]
                    kind = type(e).__name__
                    detail = "\n".join(errors) or stderr.strip() or str(e).strip().splitlines()[-1]
                    if kind == "CellTimeoutError":
                        detail = "timed out after %d s. %s" % (args.timeout, detail)
                    elif kind == "DeadKernelError":
                        detail = "the kernel died. %s" % detail
                    fail(
                        detail,
                        code=1,
                        cell=code_number,
                        index=index,
                        source=cell.source,
                        kind=kind,
                        seconds=round(time.time() - start, 2),
                    )
                if cell.get("execution_count") is None:
                    # tslab sends no execute_input message, so nbclient leaves the count empty.
                    cell.execution_count = code_number
                cell_seconds.append(round(time.time() - t0, 3))
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - kernel start problems, reported as one line
        write_out()
        fail("kernel %r did not start or stopped: %s: %s" % (args.kernel, type(e).__name__, e))

    write_out()
    if args.html:
        body, _ = portable_html_exporter().from_notebook_node(nb)
        tmp = args.html + ".tmp-%d" % os.getpid()
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(body)
        os.replace(tmp, args.html)
    print(
        json.dumps(
            dict(
                ok=True,
                cells=code_number,
                seconds=round(time.time() - start, 2),
                cellSeconds=cell_seconds,
            )
        )
    )


if __name__ == "__main__":
    main()
