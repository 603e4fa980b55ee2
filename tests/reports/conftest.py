from .dataset import courses, dataset, make_dataset  # noqa: F401
