"""Example material bundled with apikit."""
