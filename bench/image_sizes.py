"""Image sizes of every solution with a Dockerfile, next to the chapter's image."""

from checker.engine import labels, sizes
from checker.workshop import course


CHAPTER_IMAGE_MB = 943           # `docker images` in the chapter: python:3 + flask + redis


def bench_sizes(client, images):
    """Unpacked sizes (the same on every image store) of the base image and each step's image."""
    base = client.images.get(course.images()["python"])
    standin = labels.STANDIN in (base.labels or {})
    megabytes = sizes.unpacked_mb(client, base)
    found = {"base": {"mb": round(megabytes, 1), "ratio_to_chapter": round(megabytes / CHAPTER_IMAGE_MB, 3),
                      "image": course.images()["python"] + (" (offline stand-in)" if standin else "")}}
    for number, image in images.items():
        megabytes = sizes.unpacked_mb(client, image)
        found[f"{number:02d}"] = {"mb": round(megabytes, 1), "ratio_to_chapter": round(megabytes / CHAPTER_IMAGE_MB, 3)}
    return found
