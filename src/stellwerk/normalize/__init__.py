"""Pure functions that turn source fields into clean, comparable posting fields."""
