"""Which API calls use which capability: the table the APX9xx rules are built from.

Data only (standard library, no analyzer imports), so the table can also be
rendered into ``docs/policy.md`` and read by any other enforcer. Each entry is
``(qualified name, condition)``; ``METHODS`` holds attribute names matched on
any receiver, for APIs whose receiver type cannot be known statically.

Conditions (see ``apex_lsp.analysis.rules.apx9_common``):

* ``always``: every call uses the capability;
* ``write-mode:N`` / ``read-mode:N``: the open mode (argument ``N`` or
  ``mode=``) writes (``w``, ``a``, ``x``, ``+``; an unknown mode counts as a
  write) or only reads;
* ``os-open-write``: ``os.open`` flags include a write or create flag;
* ``computed-name``: the first argument is not a literal (import by name);
* ``yaml-unsafe``: no safe ``Loader`` is passed;
* ``torch-unsafe``: ``weights_only=True`` is not passed;
* ``allow-pickle``: ``allow_pickle=True`` is passed.
"""
from __future__ import annotations

from typing import Dict, Tuple

Entry = Tuple[str, str]


def _names(prefix: str, names: str, condition: str = "always") -> Tuple[Entry, ...]:
    return tuple((f"{prefix}{name}", condition) for name in names.split())


_HTTP_VERBS = "get post put patch delete head options request"

CALLS: Dict[str, Tuple[Entry, ...]] = {
    "network": (
        _names("socket.", "socket create_connection create_server getaddrinfo gethostbyname "
                          "gethostbyname_ex gethostbyaddr fromfd")
        + _names("ssl.", "wrap_socket get_server_certificate")
        + _names("http.client.", "HTTPConnection HTTPSConnection")
        + _names("urllib.request.", "urlopen urlretrieve build_opener")
        + _names("requests.", _HTTP_VERBS + " Session session")
        + _names("httpx.", _HTTP_VERBS + " stream Client AsyncClient")
        + _names("aiohttp.", "ClientSession request")
        + _names("websockets.", "connect serve")
        + _names("websockets.client.", "connect")
        + _names("websockets.sync.client.", "connect")
        + _names("asyncio.", "open_connection start_server open_unix_connection")
        + _names("urllib3.", "PoolManager request HTTPConnectionPool HTTPSConnectionPool")
        + _names("ftplib.", "FTP FTP_TLS")
        + _names("smtplib.", "SMTP SMTP_SSL LMTP")
        + _names("telnetlib.", "Telnet")
        + _names("poplib.", "POP3 POP3_SSL")
        + _names("imaplib.", "IMAP4 IMAP4_SSL")
        + _names("xmlrpc.client.", "ServerProxy")
        + _names("http.server.", "HTTPServer ThreadingHTTPServer")
        + _names("socketserver.", "TCPServer UDPServer ThreadingTCPServer ThreadingUDPServer")
    ),
    "subprocess": (
        _names("subprocess.", "Popen run call check_call check_output getoutput "
                              "getstatusoutput")
        + _names("os.", "system popen execl execle execlp execlpe execv execve execvp execvpe "
                        "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe "
                        "posix_spawn posix_spawnp fork forkpty startfile")
        + _names("pty.", "spawn fork")
        + _names("multiprocessing.", "Process Pool")
        + _names("multiprocessing.pool.", "Pool")
        + _names("concurrent.futures.", "ProcessPoolExecutor")
        + _names("asyncio.", "create_subprocess_exec create_subprocess_shell")
    ),
    "filesystem_write": (
        _names("", "open", "write-mode:1")
        + _names("builtins.", "open", "write-mode:1")
        + _names("io.", "open", "write-mode:1")
        + _names("codecs.", "open", "write-mode:1")
        + _names("os.", "open", "os-open-write")
        + _names("os.", "remove unlink rmdir removedirs rename renames replace mkdir makedirs "
                        "truncate chmod chown lchown link symlink mkfifo mknod utime")
        + _names("shutil.", "copy copy2 copyfile copytree move rmtree make_archive "
                            "unpack_archive chown copymode copystat")
        + _names("tempfile.", "mkstemp mkdtemp NamedTemporaryFile TemporaryFile "
                              "SpooledTemporaryFile TemporaryDirectory")
    ),
    "filesystem_read": (
        _names("", "open", "read-mode:1")
        + _names("builtins.", "open", "read-mode:1")
        + _names("io.", "open", "read-mode:1")
        + _names("codecs.", "open", "read-mode:1")
    ),
    "dynamic_code": (
        _names("", "eval exec compile")
        + _names("builtins.", "eval exec compile")
        + _names("", "__import__", "computed-name")
        + _names("builtins.", "__import__", "computed-name")
        + _names("importlib.", "import_module __import__", "computed-name")
        + _names("runpy.", "run_path run_module")
        + _names("importlib.util.", "spec_from_file_location")
        + _names("importlib.machinery.", "SourceFileLoader SourcelessFileLoader")
        + _names("code.", "interact InteractiveInterpreter InteractiveConsole")
    ),
    "native_code": (
        _names("ctypes.", "CDLL PyDLL WinDLL OleDLL LibraryLoader cast memmove memset "
                          "string_at wstring_at")
        + _names("ctypes.cdll.", "LoadLibrary")
        + _names("ctypes.pydll.", "LoadLibrary")
        + _names("_ctypes.", "dlopen")
        + _names("cffi.", "FFI")
        + _names("importlib.machinery.", "ExtensionFileLoader")
        + _names("imp.", "load_dynamic")
    ),
    "deserialization": (
        _names("pickle.", "load loads Unpickler")
        + _names("_pickle.", "load loads Unpickler")
        + _names("cPickle.", "load loads Unpickler")
        + _names("marshal.", "load loads")
        + _names("shelve.", "open")
        + _names("dill.", "load loads")
        + _names("cloudpickle.", "load loads")
        + _names("jsonpickle.", "decode")
        + _names("joblib.", "load")
        + _names("pandas.", "read_pickle")
        + _names("yaml.", "load load_all", "yaml-unsafe")
        + _names("yaml.", "unsafe_load unsafe_load_all full_load full_load_all")
        + _names("torch.", "load", "torch-unsafe")
        + _names("numpy.", "load", "allow-pickle")
    ),
    "environment": _names("os.", "getenv getenvb putenv unsetenv"),
    "threads": (
        _names("threading.", "Thread Timer")
        + _names("_thread.", "start_new_thread start_new")
        + _names("concurrent.futures.", "ThreadPoolExecutor")
        + _names("multiprocessing.pool.", "ThreadPool")
        + _names("asyncio.", "to_thread")
    ),
}

#: Attribute names matched on any receiver.
METHODS: Dict[str, Tuple[Entry, ...]] = {
    "network": _names("", "create_connection create_datagram_endpoint sock_connect "
                          "wrap_socket urlopen"),
    "subprocess": _names("", "subprocess_exec subprocess_shell"),
    "filesystem_write": (_names("", "write_text write_bytes unlink mkdir rmdir touch "
                                    "symlink_to hardlink_to")
                         + _names("", "open", "write-mode:0")),
    "filesystem_read": (_names("", "read_text read_bytes")
                        + _names("", "open", "read-mode:0")),
    "dynamic_code": (),
    "native_code": _names("", "dlopen"),
    "deserialization": (),
    "environment": (),
    "threads": _names("", "run_in_executor"),
}

#: Module attributes whose mere use (not only a call) uses the capability.
ATTRIBUTES: Dict[str, Tuple[str, ...]] = {
    "environment": ("os.environ", "os.environb"),
}
