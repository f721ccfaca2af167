"""The data layer: the manifest, fetching and verifying raw files, and loaders."""

from .fetch import ensure, fetch, sha256_file
from .manifest import Dataset, load_manifest

__all__ = ["Dataset", "ensure", "fetch", "load_manifest", "sha256_file"]
