"""Test helpers: a real local HTTP server and feed builders."""
