"""Spec §9 scenario 4 with the official Python client against a serving batchlet: an Indexed
Job (P=C=3, backoffLimit 0) whose podFailurePolicy ignores pods with the DisruptionTarget
condition. Each index's first pod runs until it is evicted through the Eviction API; the
replacements succeed. Readiness comes from the fixture's exec readiness probe. The Job must complete with succeeded 3 and failed 0.

Usage: evict_ignore.py KUBECONFIG MARKER_DIR. Prints one line per step and "ok" at the end.
"""
import json
import sys
import time

from kubernetes import client, config

config.load_kube_config(config_file=sys.argv[1])
markers = sys.argv[2]
batch = client.BatchV1Api()
core = client.CoreV1Api()

# notTerminateOncePerIndex: the first run of an index leaves a marker and runs until stopped.
script = (
    "m=/mnt/foo-$JOB_COMPLETION_INDEX; if [ -e $m ]; then exit 0; fi; touch $m; "
    "trap 'exit 143' TERM; while true; do sleep 0.1; done"
)
# A plain manifest: Debian's client predates the podFailurePolicy model classes.
job = {
    "apiVersion": "batch/v1",
    "kind": "Job",
    "metadata": {"name": "evict"},
    "spec": {
        "completionMode": "Indexed",
        "completions": 3,
        "parallelism": 3,
        "backoffLimit": 0,
        "podFailurePolicy": {
            "rules": [
                {
                    "action": "Ignore",
                    "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}],
                }
            ]
        },
        "template": {
            "spec": {
                "restartPolicy": "Never",
                "terminationGracePeriodSeconds": 1,
                "containers": [
                    {
                        "name": "c",
                        "image": "batchlet.local/host",
                        "command": ["sh", "-c", script],
                        "volumeMounts": [{"name": "data", "mountPath": "/mnt"}],
                        # Ready once the index's marker exists (the e2e fixture's probe).
                        "readinessProbe": {
                            "exec": {
                                "command": ["sh", "-c", "cat /mnt/foo-$JOB_COMPLETION_INDEX"]
                            },
                            "periodSeconds": 1,
                        },
                    }
                ],
                "volumes": [{"name": "data", "hostPath": {"path": markers, "type": "Directory"}}],
            }
        },
    },
}
batch.create_namespaced_job("default", job)
print("created")


def wait(what, predicate, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def job_status():
    # Raw JSON: the client's model classes are older than status.ready.
    response = batch.read_namespaced_job_status("evict", "default", _preload_content=False)
    return json.loads(response.data).get("status", {})


wait("3 ready pods", lambda: job_status().get("ready", 0) == 3)
pods = core.list_namespaced_pod("default", label_selector="job-name=evict").items
running = [p.metadata.name for p in pods if p.status.phase == "Running"]
assert len(running) == 3, [(p.metadata.name, p.status.phase) for p in pods]
for p in pods:
    ready = [c.status for c in p.status.conditions if c.type == "Ready"]
    assert ready == ["True"] and p.status.container_statuses[0].ready, p.metadata.name
print("ready", len(running))

for name in running:
    core.create_namespaced_pod_eviction(
        name,
        "default",
        client.V1Eviction(metadata=client.V1ObjectMeta(name=name, namespace="default")),
    )
    print("evicted", name)


def gone(name):
    try:
        core.read_namespaced_pod(name, "default")
        return False
    except client.exceptions.ApiException as e:
        if e.status != 404:
            raise
        return True


for name in running:
    wait(name + " gone", lambda: gone(name))
print("evicted pods gone")


def complete():
    status = job_status()
    for c in status.get("conditions", []):
        if c["type"] == "Failed" and c["status"] == "True":
            raise AssertionError("job failed: " + c["reason"] + ": " + c["message"])
        if c["type"] == "Complete" and c["status"] == "True":
            return status
    return None


status = wait("Complete", complete)
assert [c["reason"] for c in status["conditions"] if c["type"] == "Complete"] == [
    "CompletionsReached"
], status
assert status.get("succeeded") == 3, status
assert status.get("failed", 0) == 0, status
print("complete succeeded", status["succeeded"], "failed", status.get("failed", 0))
print("ok")
