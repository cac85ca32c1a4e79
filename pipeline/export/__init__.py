"""One module a target format. Each exposes `save_<format>(graph, out_dir) -> list[Path]`."""
