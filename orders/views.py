"""Views of the orders app."""
