"""garden: a static-site generator for Obsidian-style digital gardens."""
__version__ = "0.1.0"
