"""JSON Schema keywords by the shape of what they hold: shared by bundling (which
kind of component a node is) and schema compilation (where subschemas are)."""

from __future__ import annotations

#: keywords holding one subschema
SINGLE_SCHEMA_KEYWORDS = frozenset(
    {
        "items",
        "additionalItems",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
#: keywords holding a mapping of name -> subschema
SCHEMA_MAP_KEYWORDS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
#: keywords holding a list of subschemas
SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
