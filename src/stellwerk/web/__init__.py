"""The German web front end: entry points only, rendering what the services return."""
