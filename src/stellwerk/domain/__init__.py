"""Plain dataclasses and value objects: no I/O, no Django."""
