#!/usr/bin/env python3
"""Hostile hub-like servers for measuring HubClient from the CLI (issue 24, hub part).

  hostile_hub.py redirect PIPELINE_DIR  -- hub on one port; LFS files redirect to a second port on 127.0.0.1,
                                          which logs whether an Authorization header reached it
  hostile_hub.py oversize               -- HEAD announces 200 bytes for model_index.json, GET streams 300 MB
  hostile_hub.py shape                  -- the model information has an object where the commit name belongs
  hostile_hub.py endless                -- the model information is 600 MB of blanks, then {}
  hostile_hub.py file-redirect          -- model_index.json redirects to file:///etc/passwd
Prints "ENDPOINT http://127.0.0.1:PORT" on start; logs one line per request on stderr.
"""
import hashlib, http.server, os, sys, threading

REPO = "test-org/ncsnpp-tiny"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def serve(handler):
    s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


def info(files):
    sib = ",".join('{"rfilename":"%s"}' % f for f in files)
    return ('{"id":"%s","sha":"%s","siblings":[%s]}' % (REPO, COMMIT, sib)).encode()


class Base(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *a):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def redirect(pipeline):
    files = {}
    for root, _, names in os.walk(pipeline):
        for n in names:
            p = os.path.join(root, n)
            files[os.path.relpath(p, pipeline)] = open(p, "rb").read()
    lfs = {f: hashlib.sha256(d).hexdigest() for f, d in files.items() if f.endswith(".safetensors")}

    class Storage(Base):
        def do_GET(self):
            log("storage", self.command, self.path, "Authorization:", self.headers.get("Authorization"))
            for f, e in lfs.items():
                if self.path == "/cdn/" + e:
                    return self.send(200, files[f])
            self.send(404)

    storage = serve(Storage)

    class Hub(Base):
        def do_GET(self):
            log("hub", self.command, self.path, "Authorization:", self.headers.get("Authorization"))
            if self.path.startswith("/api/models/"):
                return self.send(200, info(files))
            f = self.path.split("/resolve/%s/" % COMMIT, 1)[-1]
            if f in lfs:
                return self.send(302, headers=[("X-Linked-Etag", '"%s"' % lfs[f]), ("X-Linked-Size", str(len(files[f]))),
                    ("ETag", '"%s"' % hashlib.sha1(b"").hexdigest()),
                    ("Location", "http://127.0.0.1:%d/cdn/%s" % (storage.server_port, lfs[f]))])
            if f in files:
                return self.send(200, files[f], [("ETag", '"%s"' % hashlib.sha1(files[f]).hexdigest())])
            self.send(404)
        do_HEAD = do_GET

    return serve(Hub)


def oversize():
    class Hub(Base):
        def do_GET(self):
            if self.path.startswith("/api/models/"):
                return self.send(200, info(["model_index.json", "unet/config.json",
                    "unet/diffusion_pytorch_model.safetensors"]))
            if self.command == "HEAD":
                self.send_response(200)
                self.send_header("ETag", '"%s"' % ("a" * 40))
                self.send_header("Content-Length", "200")
                self.end_headers()
                return
            # no Content-Length: the body runs until the connection closes
            self.send_response(200)
            self.end_headers()
            chunk, sent = b"{" + b" " * ((1 << 20) - 1), 0
            try:
                while sent < 300 << 20:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            log("oversize GET", self.path, "bytes sent:", sent)
        do_HEAD = do_GET

    return serve(Hub)


def odd(mode):
    class Hub(Base):
        def do_GET(self):
            if self.path.startswith("/api/models/"):
                if mode == "shape":
                    return self.send(200, b'{"sha":{"a":1},"siblings":[]}')
                if mode == "endless":
                    self.send_response(200)
                    self.end_headers()
                    try:
                        for _ in range(600):
                            self.wfile.write(b" " * (1 << 20))
                        self.wfile.write(b"{}")
                    except OSError:
                        pass
                    return
                return self.send(200, info(["model_index.json"]))
            self.send(302, headers=[("X-Linked-Etag", '"%s"' % ("b" * 64)), ("X-Linked-Size", "200"),
                ("ETag", '"%s"' % ("a" * 40)), ("Location", "file:///etc/passwd")])
        do_HEAD = do_GET

    return serve(Hub)


if __name__ == "__main__":
    mode = sys.argv[1]
    s = redirect(sys.argv[2]) if mode == "redirect" else oversize() if mode == "oversize" else odd(mode)
    print("ENDPOINT http://127.0.0.1:%d" % s.server_port, flush=True)
    threading.Event().wait()
