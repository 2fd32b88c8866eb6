"""Image sizes that mean the same on every image store: the unpacked size of the image's layers.

On the overlay2 store (dockerd's classic image store, and Podman) an image's `Size` in inspect and
in the /images/json listing is the unpacked size of its layers, the number `docker images` shows.
On the containerd image store (Docker Desktop's default for new installs, dockerd with the
`containerd-snapshotter` feature) inspect's `Size` is the size of the image's content blobs, that
is its layers compressed: 100 MB of zeros weighs a few kB there. The listing's `Size` is no better:
Docker 26 adds those blobs to the unpacked layers. What the store does tell on every version is
each layer's unpacked size, in the image's history (`docker history`): its sum is the unpacked size.
It counts disk usage, so files are rounded up to whole blocks: a few percent above overlay2's figure.
"""

from functools import lru_cache

CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter"


@lru_cache(maxsize=8)
def _containerd_store(client):
    """Whether the engine keeps images in containerd (its storage driver is a containerd snapshotter)."""
    try:
        status = client.info().get("DriverStatus") or []
    except Exception:
        return False
    return any(CONTAINERD_SNAPSHOTTER in str(value) for _, value in status)


def store(client):
    """'containerd' or 'overlay2' (any store whose inspect Size is the unpacked size)."""
    return "containerd" if _containerd_store(client) else "overlay2"


def unpacked_bytes(client, image):
    """The unpacked size of `image` (an image object or a name) in bytes, as `docker images` shows it on overlay2."""
    if isinstance(image, str):
        image = client.images.get(image)
    if store(client) == "containerd":
        return sum(max(layer.get("Size") or 0, 0) for layer in client.api.history(image.id))
    return image.attrs["Size"]


def unpacked_mb(client, image):
    """The unpacked size in MB of 1,000,000 bytes, the unit `docker images` uses."""
    return unpacked_bytes(client, image) / 1_000_000
