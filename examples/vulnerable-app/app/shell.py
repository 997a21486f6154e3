"""Helpers that look harmless on their own: the danger is in who calls them."""
import os


def run(command: str) -> int:
    return os.system(command)


def archive(name: str) -> int:
    return run("tar czf /backups/" + name + ".tgz /srv/data")
