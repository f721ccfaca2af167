"""The data layer: the manifest, fetching and verifying raw files, and loaders."""

from se_ambulance.data.fetch import ensure, fetch, sha256_file
from se_ambulance.data.manifest import Dataset, load_manifest

__all__ = ["Dataset", "ensure", "fetch", "load_manifest", "sha256_file"]
