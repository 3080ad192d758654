// api/job_fields.hpp: the members batchlet decodes, and the ones Kubernetes defines that it
// refuses, for every object a Job manifest contains (internal to api/job_decode.cpp).
//
// Contract: a member in an object's `supported` list is decoded; one in its `unsupported` list
// is Forbidden by name whatever the field validation mode (docs/compatibility.md says why for
// each); any other member is unknown to Kubernetes itself, and FieldValidation decides.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace api::job_fields {

// The fields batchlet honours, per object (docs/compatibility.md); any other is Forbidden.
inline constexpr std::array<std::string_view, 5> kJobFields{"apiVersion", "kind", "metadata",
                                                            "spec", "status"};
inline constexpr std::array<std::string_view, 7> kObjectMetaFields{
    "name", "generateName", "namespace", "labels", "annotations", "ownerReferences", "finalizers"};
inline constexpr std::array<std::string_view, 3> kTemplateMetaFields{"labels", "annotations",
                                                                     "finalizers"};
inline constexpr std::array<std::string_view, 6> kOwnerReferenceFields{
    "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"};
inline constexpr std::array<std::string_view, 16> kJobSpecFields{"parallelism",
                                                                 "completions",
                                                                 "activeDeadlineSeconds",
                                                                 "backoffLimit",
                                                                 "ttlSecondsAfterFinished",
                                                                 "manualSelector",
                                                                 "completionMode",
                                                                 "suspend",
                                                                 "podReplacementPolicy",
                                                                 "template",
                                                                 "podFailurePolicy",
                                                                 "successPolicy",
                                                                 "backoffLimitPerIndex",
                                                                 "maxFailedIndexes",
                                                                 "managedBy",
                                                                 "selector"};
inline constexpr std::array<std::string_view, 2> kLabelSelectorFields{"matchLabels",
                                                                      "matchExpressions"};
inline constexpr std::array<std::string_view, 3> kSelectorRequirementFields{"key", "operator",
                                                                            "values"};
inline constexpr std::array<std::string_view, 1> kRulesFields{"rules"};
inline constexpr std::array<std::string_view, 3> kPodFailureRuleFields{"action", "onExitCodes",
                                                                       "onPodConditions"};
inline constexpr std::array<std::string_view, 3> kOnExitCodesFields{"containerName", "operator",
                                                                    "values"};
inline constexpr std::array<std::string_view, 2> kOnPodConditionsFields{"type", "status"};
inline constexpr std::array<std::string_view, 2> kSuccessRuleFields{"succeededIndexes",
                                                                    "succeededCount"};
inline constexpr std::array<std::string_view, 2> kPodTemplateFields{"metadata", "spec"};
inline constexpr std::array<std::string_view, 12> kPodSpecFields{"volumes",
                                                                 "initContainers",
                                                                 "containers",
                                                                 "restartPolicy",
                                                                 "terminationGracePeriodSeconds",
                                                                 "activeDeadlineSeconds",
                                                                 "dnsPolicy",
                                                                 "nodeSelector",
                                                                 "securityContext",
                                                                 "hostname",
                                                                 "subdomain",
                                                                 "schedulerName"};
inline constexpr std::array<std::string_view, 6> kPodSecurityContextFields{
    "runAsUser", "runAsGroup", "runAsNonRoot", "supplementalGroups", "fsGroup", "seccompProfile"};
inline constexpr std::array<std::string_view, 8> kSecurityContextFields{"capabilities",
                                                                        "privileged",
                                                                        "runAsUser",
                                                                        "runAsGroup",
                                                                        "runAsNonRoot",
                                                                        "readOnlyRootFilesystem",
                                                                        "allowPrivilegeEscalation",
                                                                        "seccompProfile"};
inline constexpr std::array<std::string_view, 2> kCapabilitiesFields{"add", "drop"};
inline constexpr std::array<std::string_view, 2> kSeccompProfileFields{"type", "localhostProfile"};
inline constexpr std::array<std::string_view, 13> kContainerFields{"name",
                                                                   "image",
                                                                   "imagePullPolicy",
                                                                   "command",
                                                                   "args",
                                                                   "env",
                                                                   "workingDir",
                                                                   "resources",
                                                                   "volumeMounts",
                                                                   "readinessProbe",
                                                                   "securityContext",
                                                                   "terminationMessagePath",
                                                                   "terminationMessagePolicy"};
inline constexpr std::array<std::string_view, 3> kEnvVarFields{"name", "value", "valueFrom"};
inline constexpr std::array<std::string_view, 1> kEnvVarSourceFields{"fieldRef"};
inline constexpr std::array<std::string_view, 2> kObjectFieldSelectorFields{"apiVersion",
                                                                            "fieldPath"};
inline constexpr std::array<std::string_view, 2> kResourceRequirementsFields{"limits", "requests"};
inline constexpr std::array<std::string_view, 4> kVolumeMountFields{"name", "readOnly", "mountPath",
                                                                    "subPath"};
inline constexpr std::array<std::string_view, 6> kProbeFields{
    "exec",          "initialDelaySeconds", "timeoutSeconds",
    "periodSeconds", "successThreshold",    "failureThreshold"};
inline constexpr std::array<std::string_view, 1> kExecActionFields{"command"};
inline constexpr std::array<std::string_view, 3> kVolumeFields{"name", "hostPath", "emptyDir"};
inline constexpr std::array<std::string_view, 2> kHostPathFields{"path", "type"};
inline constexpr std::array<std::string_view, 2> kEmptyDirFields{"medium", "sizeLimit"};

// The members an object may have: `supported` are decoded, `unsupported` are known to
// Kubernetes but refused by batchlet.
struct FieldSet {
  std::span<const std::string_view> supported;
  std::span<const std::string_view> unsupported;

  // Implicit, so that an object whose every Kubernetes field is supported passes its list alone.
  template <std::size_t N>
  constexpr FieldSet(const std::array<std::string_view, N>& all_supported)
      : supported(all_supported) {}
  template <std::size_t N, std::size_t M>
  constexpr FieldSet(const std::array<std::string_view, N>& s,
                     const std::array<std::string_view, M>& u)
      : supported(s), unsupported(u) {}
};

// Fields Kubernetes defines (k8s.io/api, v1.35) that batchlet does not support yet, per object:
// they are refused by name whatever the field validation mode. A field in neither list is
// unknown to Kubernetes itself (FieldValidation decides).
inline constexpr std::array<std::string_view, 8> kObjectMetaUnsupported{
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields"};
inline constexpr FieldSet kObjectMeta{kObjectMetaFields, kObjectMetaUnsupported};
inline constexpr std::array<std::string_view, 12> kTemplateMetaUnsupported{
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
    "managedFields"};
inline constexpr FieldSet kTemplateMeta{kTemplateMetaFields, kTemplateMetaUnsupported};
inline constexpr std::array<std::string_view, 29> kPodSpecUnsupported{
    "ephemeralContainers",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "imagePullSecrets",
    "affinity",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "hostnameOverride"};
inline constexpr FieldSet kPodSpec{kPodSpecFields, kPodSpecUnsupported};
inline constexpr std::array<std::string_view, 12> kContainerUnsupported{"ports",
                                                                        "envFrom",
                                                                        "resizePolicy",
                                                                        "restartPolicy",
                                                                        "restartPolicyRules",
                                                                        "volumeDevices",
                                                                        "livenessProbe",
                                                                        "startupProbe",
                                                                        "lifecycle",
                                                                        "stdin",
                                                                        "stdinOnce",
                                                                        "tty"};
inline constexpr FieldSet kContainer{kContainerFields, kContainerUnsupported};
inline constexpr std::array<std::string_view, 4> kEnvVarSourceUnsupported{
    "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"};
inline constexpr FieldSet kEnvVarSource{kEnvVarSourceFields, kEnvVarSourceUnsupported};
inline constexpr std::array<std::string_view, 1> kResourceRequirementsUnsupported{"claims"};
inline constexpr FieldSet kResourceRequirements{kResourceRequirementsFields,
                                                kResourceRequirementsUnsupported};
inline constexpr std::array<std::string_view, 3> kVolumeMountUnsupported{
    "recursiveReadOnly", "mountPropagation", "subPathExpr"};
inline constexpr FieldSet kVolumeMount{kVolumeMountFields, kVolumeMountUnsupported};
inline constexpr std::array<std::string_view, 4> kProbeUnsupported{"httpGet", "tcpSocket", "grpc",
                                                                   "terminationGracePeriodSeconds"};
inline constexpr FieldSet kProbe{kProbeFields, kProbeUnsupported};
inline constexpr std::array<std::string_view, 4> kSecurityContextUnsupported{
    "seLinuxOptions", "windowsOptions", "procMount", "appArmorProfile"};
inline constexpr FieldSet kSecurityContext{kSecurityContextFields, kSecurityContextUnsupported};
inline constexpr std::array<std::string_view, 7> kPodSecurityContextUnsupported{
    "seLinuxOptions",      "windowsOptions",  "supplementalGroupsPolicy", "sysctls",
    "fsGroupChangePolicy", "appArmorProfile", "seLinuxChangePolicy"};
inline constexpr FieldSet kPodSecurityContext{kPodSecurityContextFields,
                                              kPodSecurityContextUnsupported};
inline constexpr std::array<std::string_view, 28> kVolumeUnsupported{"gcePersistentDisk",
                                                                     "awsElasticBlockStore",
                                                                     "gitRepo",
                                                                     "secret",
                                                                     "nfs",
                                                                     "iscsi",
                                                                     "glusterfs",
                                                                     "persistentVolumeClaim",
                                                                     "rbd",
                                                                     "flexVolume",
                                                                     "cinder",
                                                                     "cephfs",
                                                                     "flocker",
                                                                     "downwardAPI",
                                                                     "fc",
                                                                     "azureFile",
                                                                     "configMap",
                                                                     "vsphereVolume",
                                                                     "quobyte",
                                                                     "azureDisk",
                                                                     "photonPersistentDisk",
                                                                     "projected",
                                                                     "portworxVolume",
                                                                     "scaleIO",
                                                                     "storageos",
                                                                     "csi",
                                                                     "ephemeral",
                                                                     "image"};
inline constexpr FieldSet kVolume{kVolumeFields, kVolumeUnsupported};

}  // namespace api::job_fields
