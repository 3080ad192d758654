#!/usr/bin/env python3
# tests/api/testdata/protobuf/capture.py: records the protobuf request bodies the real kubectl
# sends for `create job` and `create namespace`, as fixtures for tests/api/protobuf_body_test.cpp.
#
# Usage: tests/api/testdata/protobuf/capture.py [kubectl [minor [outdir]]]
#   kubectl defaults to /usr/bin/kubectl, minor (the server's reported v1.<minor>.0, which picks
#   the dispatcher's kubectl) to 32, outdir to this script's folder.
# Writes <name>.pb (the raw request body, "k8s\0" envelope included; <name>.request.json when
# kubectl sent JSON, as 1.31 and older do) into outdir and
# prints each command's request line and Content-Type. The expected JSON files (<name>.json) are
# written by hand (see README.md); this script never overwrites them.
#
# How: a throwaway HTTPS server on 127.0.0.1 (self-signed certificate made with the openssl CLI;
# kubectl sends the bearer token only over https with a CA it trusts) that answers /version with
# v1.32.0 (so the gcloud kubectl dispatcher runs its built-in kubectl 1.32), legacy discovery and a
# CronJob "rich" for `create job --from=cronjob/rich` (kubectl copies its jobTemplate into the
# Job it POSTs, which is the only way to make kubectl itself encode env, resources, args, labels
# and Indexed completions), and 201 with the posted object's kind for every POST.
import http.server
import json
import os
import pathlib
import ssl
import subprocess
import sys
import tempfile
import threading

HERE = pathlib.Path(__file__).resolve().parent
KUBECTL = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/kubectl"
MINOR = sys.argv[2] if len(sys.argv) > 2 else "32"
OUT = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else HERE

CRONJOB = {
    "apiVersion": "batch/v1", "kind": "CronJob",
    "metadata": {"name": "rich", "namespace": "default", "uid": "0b5a6c7e-0000-4000-8000-000000000001",
                 "resourceVersion": "1", "creationTimestamp": "2026-11-23T20:00:00Z"},
    "spec": {
        "schedule": "*/5 * * * *",
        "jobTemplate": {
            "metadata": {"labels": {"team": "a"}, "annotations": {"note": "from cron"}},
            "spec": {
                "completions": 3, "parallelism": 2, "completionMode": "Indexed",
                "backoffLimit": 0, "activeDeadlineSeconds": 600, "ttlSecondsAfterFinished": 60,
                "template": {
                    "metadata": {"labels": {"app": "rich"}},
                    "spec": {
                        "restartPolicy": "Never",
                        "terminationGracePeriodSeconds": 5,
                        "containers": [{
                            "name": "main", "image": "busybox",
                            "command": ["sh", "-c"], "args": ["echo $GREETING $JOB_COMPLETION_INDEX"],
                            "workingDir": "/tmp",
                            "env": [{"name": "GREETING", "value": "hello"},
                                    {"name": "EMPTY", "value": ""},
                                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
                            "resources": {"limits": {"cpu": "500m", "memory": "64Mi"},
                                          "requests": {"cpu": "250m"}},
                        }],
                    },
                },
            },
        },
    },
}

API_RESOURCES = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "batch", "versions": [{"groupVersion": "batch/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "batch/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        {"name": "namespaces", "singularName": "namespace", "namespaced": False, "kind": "Namespace",
         "verbs": ["create", "get", "list"], "shortNames": ["ns"]}]},
    "/apis/batch/v1": {"kind": "APIResourceList", "groupVersion": "batch/v1", "resources": [
        {"name": "jobs", "singularName": "job", "namespaced": True, "kind": "Job",
         "verbs": ["create", "get", "list"]},
        {"name": "cronjobs", "singularName": "cronjob", "namespaced": True, "kind": "CronJob",
         "verbs": ["create", "get", "list"], "shortNames": ["cj"]}]},
}

captured = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/version":
            return self.reply(200, {"major": "1", "minor": MINOR, "gitVersion": "v1.%s.0" % MINOR})
        if path in API_RESOURCES:
            return self.reply(200, API_RESOURCES[path])
        if path == "/apis/batch/v1/namespaces/default/cronjobs/rich":
            return self.reply(200, CRONJOB)
        self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                         "reason": "NotFound", "code": 404, "message": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        captured[self.server.current] = (self.path, self.headers.get("Content-Type"), body)
        kind = "Namespace" if "/namespaces?" in self.path else "Job"
        self.reply(201, {"kind": kind, "apiVersion": "v1" if kind == "Namespace" else "batch/v1",
                         "metadata": {"name": "x", "namespace": "default"}})


def main():
    with tempfile.TemporaryDirectory() as tmp:
        key, crt = os.path.join(tmp, "key.pem"), os.path.join(tmp, "crt.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", crt], check=True, capture_output=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(crt, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        import base64
        kubeconfig = os.path.join(tmp, "kubeconfig")
        with open(kubeconfig, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "c",
                       "clusters": [{"name": "c", "cluster": {
                           "server": "https://127.0.0.1:%d" % server.server_address[1],
                           "certificate-authority-data": base64.b64encode(open(crt, "rb").read()).decode()}}],
                       "users": [{"name": "u", "user": {"token": "capture"}}],
                       "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u", "namespace": "default"}}]}, f)
        commands = {
            "create_job": ["create", "job", "x", "--image=busybox", "--", "true"],
            "create_job_from_cronjob": ["create", "job", "rich", "--from=cronjob/rich"],
            "create_namespace": ["create", "namespace", "team-a"],
        }
        for name, args in commands.items():
            server.current = name
            r = subprocess.run([KUBECTL, "--kubeconfig", kubeconfig, "--cache-dir", os.path.join(tmp, "cache-" + name)] + args,
                               capture_output=True, text=True, timeout=60)
            if name not in captured:
                sys.exit("%s: kubectl sent no POST (exit %d): %s" % (name, r.returncode, r.stderr))
            path, ctype, body = captured[name]
            # kubectl 1.31 and older send these bodies as JSON (the cross-check fixtures).
            ext = ".pb" if ctype == "application/vnd.kubernetes.protobuf" else ".request.json"
            (OUT / (name + ext)).write_bytes(body)
            print("%s: POST %s CT=%s %d bytes; kubectl exit %d %s" % (name, path, ctype, len(body), r.returncode, r.stdout.strip()[:60]))
        server.shutdown()


main()
