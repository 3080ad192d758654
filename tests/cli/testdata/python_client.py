"""The official Python client (Debian's python3-kubernetes) against a serving batchlet.

Usage: python_client.py KUBECONFIG. Creates a Job, lists and watches it to completion, reads
its status, lists its pods, deletes it; prints one line per step and "ok" at the end. Any
failure raises (non-zero exit), with the client's own error text.
"""
import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
batch = client.BatchV1Api()
core = client.CoreV1Api()

job = client.V1Job(
    api_version="batch/v1",
    kind="Job",
    metadata=client.V1ObjectMeta(name="py"),
    spec=client.V1JobSpec(
        backoff_limit=0,
        template=client.V1PodTemplateSpec(
            spec=client.V1PodSpec(
                restart_policy="Never",
                containers=[
                    client.V1Container(
                        name="main", image="batchlet.local/host", command=["sh", "-c", "echo py"]
                    )
                ],
            )
        ),
    ),
)
created = batch.create_namespaced_job("default", job)
print("created", created.metadata.name, created.metadata.uid)

listed = batch.list_namespaced_job("default")
assert [j.metadata.name for j in listed.items] == ["py"], listed.items
print("listed", len(listed.items))

done = False
w = watch.Watch()
for event in w.stream(
    batch.list_namespaced_job,
    "default",
    field_selector="metadata.name=py",
    resource_version=listed.metadata.resource_version,
    timeout_seconds=60,
):
    conditions = event["object"].status.conditions or []
    if any(c.type == "Complete" and c.status == "True" for c in conditions):
        done = True
        w.stop()
assert done, "no Complete condition seen"
print("watched Complete")

status = batch.read_namespaced_job_status("py", "default")
assert status.status.succeeded == 1, status.status
print("status succeeded", status.status.succeeded)

pods = core.list_namespaced_pod("default", label_selector="job-name=py")
assert len(pods.items) == 1 and pods.items[0].status.phase == "Succeeded", pods.items
log = core.read_namespaced_pod_log(pods.items[0].metadata.name, "default")
assert log == "py\n", repr(log)
print("pod log", log.strip())

batch.patch_namespaced_job("py", "default", {"metadata": {"labels": {"patched": "yes"}}})
assert batch.read_namespaced_job("py", "default").metadata.labels["patched"] == "yes"
print("patched")

batch.delete_namespaced_job("py", "default", propagation_policy="Background")
try:
    batch.read_namespaced_job("py", "default")
    raise AssertionError("job still there")
except client.exceptions.ApiException as e:
    assert e.status == 404, e
print("deleted")
print("ok")
