"""The one-screen summary `apikit collections` prints."""

from __future__ import annotations

from pathlib import Path

from apikit.exporters import WriteOutcome


def render_warnings(outcome: WriteOutcome, spec: Path | str) -> str:
    """What building noticed (spec examples that fail their schema), or ""."""
    notes = [f"warning: {f.location}: {f.message}" for f in outcome.findings[:5]]
    if len(outcome.findings) > 5:
        notes.append(f"warning: ... and {len(outcome.findings) - 5} more such examples")
    if notes:
        notes.append(f"(`apikit validate {spec}` checks every example)")
    return "\n".join(notes)


def render_outcome(outcome: WriteOutcome, spec: Path | str) -> str:
    where = outcome.out_dir.as_posix().rstrip("/") + "/"
    if outcome.checked:
        if outcome.up_to_date:
            return f"{where} is up to date ({len(outcome.files)} files)"
        lines = [f"{where} is out of date:"]
        lines += [f"  changed  {rel}" for rel in outcome.changed]
        lines += [f"  missing  {rel}" for rel in outcome.missing]
        lines += [f"  stale    {rel}" for rel in outcome.stale]
        lines.append(f"run `apikit collections {spec} --out {where}` to update them")
        return "\n".join(lines)
    unchanged = len(outcome.files) - len(outcome.written)
    summary = f"{where}: wrote {len(outcome.written)} files, {unchanged} unchanged"
    if outcome.removed:
        summary += f", removed {len(outcome.removed)} stale"
    lines = [summary]
    lines += [f"  wrote    {rel}" for rel in outcome.written]
    lines += [f"  removed  {rel}" for rel in outcome.removed]
    return "\n".join(lines)
