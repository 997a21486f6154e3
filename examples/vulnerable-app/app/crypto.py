import hashlib
import random
import ssl
import tempfile


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()


def reset_token() -> str:
    return "".join(random.choice("abcdef0123456789") for _ in range(32))


def insecure_context():
    ctx = ssl._create_unverified_context()
    return ctx


def scratch_file():
    return open(tempfile.mktemp(), "w")
