#!/usr/bin/python3
# The Kubernetes manifests in deploy/kubernetes/, parsed (python3-yaml) and checked against
# what they must do and against the rest of the tree: the image the Dockerfile builds and
# the README names, the paths of the portable folder, the feature file's directory that
# `vadiscover nfd` writes, labels `vadiscover nfd` can produce, resources Intel's GPU device
# plugin offers. Usage: tests/test-kubernetes.py [DIR] (default deploy/kubernetes).
# Ends in "kubernetes: N passed, N failed"; exit 1 when one failed.
import os
import re
import sys

import yaml

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SRC, "deploy", "kubernetes")
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok: " + what)
    else:
        failed += 1
        print("FAIL: " + what)


def read(*path):
    with open(os.path.join(*path), encoding="utf-8") as f:
        return f.read()


version = read(SRC, "VERSION").strip()
image = "vadiscover:" + version
readme = read(SRC, "README.md")
m = re.search(r"^## Kubernetes\n(.*?)(?=^## )", readme, re.S | re.M)
section = m.group(1) if m else ""
check(bool(section), "README.md has a section 'Kubernetes'")
nfd_c = read(SRC, "vadiscover", "tool", "nfd.c")
m = re.search(r'#define NFD_FEATURES_FILE "([^"]+)"', nfd_c)
features_file = m.group(1) if m else ""
features_d = os.path.dirname(features_file)
m = re.search(r"Codecs: `([^`]+)`", readme)
codecs = m.group(1).split() if m else []
check(len(codecs) >= 10, "README.md lists the codecs")
labels = {"vadiscover.io/va-devices", "vadiscover.io/va-vfs", "vadiscover.io/va-vpp"}
labels |= {"vadiscover.io/va-%s-%s" % (d, c) for d in ("decode", "encode") for c in codecs}
GPU_RESOURCES = {"gpu.intel.com/i915", "gpu.intel.com/xe"}

docs = {}
for name in sorted(os.listdir(DIR)):
    if not name.endswith(".yaml"):
        continue
    try:
        loaded = [d for d in yaml.safe_load_all(read(DIR, name)) if d is not None]
        check(True, name + " parses as YAML")
    except yaml.YAMLError as e:
        check(False, "%s parses as YAML: %s" % (name, e))
        continue
    docs[name] = loaded
    for d in loaded:
        check(isinstance(d, dict) and d.get("apiVersion") and d.get("kind") and
              (d.get("kind") == "Kustomization" or d.get("metadata", {}).get("name")),
              "%s: %s has apiVersion, kind and metadata.name" % (name, d.get("kind")))
    check(name in section, "README's Kubernetes section names " + name)


def objects(kind):
    return [(n, d) for n, ds in docs.items() for d in ds if d.get("kind") == kind]


def pod_spec(obj):
    return obj["spec"]["template"]["spec"]


def mounts_by_volume(container):
    return {m["name"]: m for m in container.get("volumeMounts", [])}


def selector_matches(obj):
    sel = obj["spec"]["selector"]["matchLabels"]
    labels_ = obj["spec"]["template"]["metadata"]["labels"]
    return all(labels_.get(k) == v for k, v in sel.items())


def uses_vadiscover_image(spec, who):
    """The init container that copies the portable folder, and the volume it fills."""
    inits = [c for c in spec.get("initContainers", []) if c.get("image") == image]
    check(len(inits) == 1, "%s: an init container runs %s" % (who, image))
    if not inits:
        return None
    cmd = inits[0].get("command", [])
    check(cmd[:2] == ["cp", "-a"] and cmd[2].startswith("/opt/vadiscover"),
          "%s: the init container copies /opt/vadiscover" % who)
    vol = list(mounts_by_volume(inits[0]))[0]
    v = [x for x in spec["volumes"] if x["name"] == vol]
    check(bool(v) and "emptyDir" in v[0], "%s: into an emptyDir" % who)
    return vol


# --- The DaemonSet that writes the feature file ---
ds = objects("DaemonSet")
check(len(ds) == 1, "one DaemonSet")
for name, d in ds:
    who = "%s: DaemonSet %s" % (name, d["metadata"]["name"])
    check(d["apiVersion"] == "apps/v1", who + ": apps/v1")
    check(selector_matches(d), who + ": selector matches the pod labels")
    spec = pod_spec(d)
    c = spec["containers"][0]
    check(c["image"] == image, "%s: image %s (VERSION), got %s" % (who, image, c["image"]))
    script = " ".join(c.get("command", []) + c.get("args", []))
    check("/opt/vadiscover/vadiscover nfd --write" in script,
          who + ": runs /opt/vadiscover/vadiscover nfd --write")
    m1 = re.search(r"--expiry (\d+)([smhd]?)", script)
    m2 = re.search(r"sleep (\d+)", script)
    mult = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
    check(bool(m1 and m2) and int(m1.group(1)) * mult[m1.group(2)] >= 3 * int(m2.group(1)),
          who + ": the expiry outlasts several refresh intervals")
    check(c.get("securityContext", {}).get("privileged") is True,
          who + ": privileged (it opens every render node)")
    vols = {v["name"]: v for v in spec["volumes"]}
    mounts = mounts_by_volume(c)

    def host_mount(path, read_only):
        hits = [n for n, v in vols.items() if v.get("hostPath", {}).get("path") == path]
        ok = len(hits) == 1 and hits[0] in mounts and mounts[hits[0]]["mountPath"] == path and \
            bool(mounts[hits[0]].get("readOnly")) == read_only
        check(ok, "%s: the host's %s at %s%s" % (who, path, path,
                                                  " read-only" if read_only else " writable"))

    check(features_d == "/etc/kubernetes/node-feature-discovery/features.d",
          "nfd.c writes into NFD's features.d by default")
    host_mount(features_d, False)
    host_mount("/dev/dri", True)
    host_mount("/sys", True)
    check("tolerations" in spec, who + ": tolerates taints (every node)")

# --- The workloads that request a GPU and run the wrapper ---
for kind in ("Deployment", "Job"):
    for name, d in objects(kind):
        who = "%s: %s %s" % (name, kind, d["metadata"]["name"])
        spec = pod_spec(d)
        if kind == "Deployment":
            check(selector_matches(d), who + ": selector matches the pod labels")
        sel = spec.get("nodeSelector", {})
        check(bool(sel) and all(k in labels and v in ("true",) or
                                (k in ("vadiscover.io/va-devices", "vadiscover.io/va-vfs"))
                                for k, v in sel.items()),
              "%s: selects nodes by labels vadiscover nfd writes: %s" % (who, sorted(sel)))
        vol = uses_vadiscover_image(spec, who)
        c = spec["containers"][0]
        limits = c.get("resources", {}).get("limits", {})
        check(len(set(limits) & GPU_RESOURCES) == 1,
              "%s: asks Intel's device plugin for one GPU (%s)" % (who, sorted(limits)))
        m = mounts_by_volume(c).get(vol or "", {})
        check(m.get("mountPath") == "/opt/vadiscover", who + ": the folder at /opt/vadiscover")
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        runs_wrapper = env.get("JELLYFIN_FFMPEG") == "/opt/vadiscover/ffmpeg" or \
            c.get("command", [None])[0] == "/opt/vadiscover/ffmpeg"
        check(runs_wrapper, who + ": ffmpeg is the wrapper /opt/vadiscover/ffmpeg")
        for v in spec.get("volumes", []):
            claim = v.get("persistentVolumeClaim", {}).get("claimName")
            if claim:
                check(any(o["metadata"]["name"] == claim for _, o in
                          objects("PersistentVolumeClaim")), "%s: claim %s defined" % (who, claim))
check(any(True for _ in objects("Deployment")), "a Jellyfin Deployment")

# --- kustomization, Dockerfile, README ---
for name, k in objects("Kustomization"):
    for r in k.get("resources", []):
        check(os.path.exists(os.path.join(DIR, r)), "%s: resource %s exists" % (name, r))
dockerfile = read(DIR, "Dockerfile")
check("ADD build/portable/vadiscover-%s-x86_64.tar.gz /opt/" % version in dockerfile,
      "Dockerfile adds the portable tarball of VERSION %s at /opt" % version)
check("-t %s " % image in dockerfile and image in section,
      "Dockerfile and README tag the image %s" % image)
check("Dockerfile" in section, "README's Kubernetes section names the Dockerfile")
for needle in ("v0.14", "gpu.intel.com/i915", "gpu.intel.com/xe", "CDI", "privileged"):
    check(needle in section, "README's Kubernetes section says " + needle)

print("kubernetes: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
