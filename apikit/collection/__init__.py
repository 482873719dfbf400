"""Collections: Spec + Environment -> apikit's own Collection model (requests with
example or synthesised values, auth, contract expectations, chaining)."""

from apikit.collection.build import build_collection, build_for_environments
from apikit.collection.model import (
    Auth,
    Body,
    Capture,
    Collection,
    Folder,
    FormField,
    Param,
    Request,
    ResponseCheck,
    SampleFile,
    SavedResponse,
    Script,
    Variable,
    substitute,
)

__all__ = [
    "Auth",
    "Body",
    "Capture",
    "Collection",
    "Folder",
    "FormField",
    "Param",
    "Request",
    "ResponseCheck",
    "SampleFile",
    "SavedResponse",
    "Script",
    "Variable",
    "build_collection",
    "build_for_environments",
    "substitute",
]
