"""The data layer: the manifest, fetching and verifying raw files, and loaders (import the modules)."""
