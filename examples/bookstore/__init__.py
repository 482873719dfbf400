"""The Bookstore example API: an OpenAPI 3.1 specification and a server implementing it."""
