"""Contract replay: a collection run against a live server, every exchange checked
against the spec. `apikit.replay(...)` (`apikit.api.replay`) is the entry point; the
stages are `plan` (steps, probes, safety), `runner` (the async engine yielding
events), `checks` (openapi-core + compiled schemas -> findings) and `reporters`.

Kept free of imports: `import apikit` loads this package, so that the public name
`apikit.replay` stays the function."""
