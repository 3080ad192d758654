#!/usr/bin/env python3
# tests/cli/fake_registry.py: a minimal OCI distribution server for the paths docker-registry
# cannot take in a test without a token service: the Bearer token flow and a failing registry.
# Usage: fake_registry.py PORT_FILE LAYOUT_DIR MODE   (MODE: bearer | error500)
# Serves the OCI layout's manifests by ref.name tag or digest and its blobs; in bearer mode every
# /v2/ request needs "Bearer good-token", which /token gives for basic alice:secret. Token
# requests are appended to LAYOUT_DIR/../token.log.
import base64, http.server, json, os, sys, urllib.parse

port_file, layout, mode = sys.argv[1], sys.argv[2], sys.argv[3]

class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/token":
            with open(os.path.join(layout, "..", "token.log"), "a") as log:
                log.write(url.query + "\n")
            want = "Basic " + base64.b64encode(b"alice:secret").decode()
            if self.headers.get("Authorization") != want:
                return self.reply(401)
            return self.reply(200, json.dumps({"token": "good-token"}).encode())
        if mode == "error500":
            return self.reply(500, b'{"errors":[{"code":"UNKNOWN","message":"boom"}]}')
        parts = url.path.split("/")  # ['', 'v2', repo..., kind, ref]
        repo, kind, ref = "/".join(parts[2:-2]), parts[-2], parts[-1]
        if self.headers.get("Authorization") != "Bearer good-token":
            realm = "http://127.0.0.1:%d/token" % self.server.server_port
            challenge = 'Bearer realm="%s",service="fake",scope="repository:%s:pull"' % (realm, repo)
            return self.reply(401, b"{}", {"WWW-Authenticate": challenge})
        media = "application/octet-stream"
        if kind == "manifests" and not ref.startswith("sha256:"):
            index = json.load(open(os.path.join(layout, "index.json")))
            found = [m for m in index["manifests"]
                     if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref]
            if not found:
                return self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]}')
            ref, media = found[0]["digest"], found[0]["mediaType"]
        path = os.path.join(layout, "blobs", "sha256", ref.split(":")[-1])
        if not os.path.exists(path):
            return self.reply(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"no"}]}')
        if kind == "manifests":
            media = json.load(open(path)).get("mediaType", "application/vnd.oci.image.manifest.v1+json")
        self.reply(200, open(path, "rb").read(), {"Content-Type": media})

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
