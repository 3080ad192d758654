#include "api/patch.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace api {

namespace {

using nlohmann::json;

constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

// The patchMergeKey of each list field of Job, Pod, Event and their parts, as upstream's Go
// struct tags declare (field names are unique across the served types' lists).
const std::map<std::string, std::string, std::less<>>& merge_keys() {
  static const std::map<std::string, std::string, std::less<>> keys = {
      {"containers", "name"},
      {"initContainers", "name"},
      {"ephemeralContainers", "name"},
      {"env", "name"},
      {"volumes", "name"},
      {"volumeMounts", "mountPath"},
      {"volumeDevices", "devicePath"},
      {"ports", "containerPort"},
      {"imagePullSecrets", "name"},
      {"ownerReferences", "uid"},
      {"conditions", "type"},
      {"hostAliases", "ip"},
      {"topologySpreadConstraints", "topologyKey"},
      {"resourceClaims", "name"},
      {"schedulingGates", "name"},
  };
  return keys;
}

bool is_directive(const std::string& key) { return !key.empty() && key.front() == '$'; }

// A patch value as it is stored: with every directive removed.
json strip_directives(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, v] : value.items()) {
      if (!is_directive(key)) out[key] = strip_directives(v);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& v : value) {
      if (v.is_object() && v.contains("$patch")) continue;
      out.push_back(strip_directives(v));
    }
    return out;
  }
  return value;
}

base::Result<json> merge_map(json original, const json& patch);

base::Result<json> merge_list(const json& original, const json& patch, const std::string& key) {
  json out = original.is_array() ? original : json::array();
  for (const json& item : patch) {
    if (item.is_object() && item.value("$patch", "") == "replace") {
      // The whole list is replaced by the patch's other elements.
      return strip_directives(patch);
    }
  }
  for (const json& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      if (item.is_object() && item.contains("$patch")) continue;
      return base::Error("map: " + item.dump() + " does not contain declared merge key: " + key);
    }
    const json& id = item[key];
    auto same = std::find_if(out.begin(), out.end(), [&](const json& existing) {
      return existing.is_object() && existing.contains(key) && existing[key] == id;
    });
    if (item.value("$patch", "") == "delete") {
      if (same != out.end()) out.erase(same);
      continue;
    }
    if (same != out.end()) {
      auto merged = merge_map(*same, item);
      if (!merged.ok()) return merged.error();
      *same = std::move(*merged);
    } else {
      out.push_back(strip_directives(item));
    }
  }
  return out;
}

// Orders `list` as `order` says (elements not named keep their place after the named ones).
json apply_element_order(const json& list, const json& order, const std::string* key) {
  if (!list.is_array() || !order.is_array()) return list;
  json out = json::array();
  std::vector<bool> used(list.size(), false);
  for (const json& wanted : order) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (used[i]) continue;
      const bool match = key != nullptr
                             ? (list[i].is_object() && wanted.is_object() &&
                                list[i].value(*key, json()) == wanted.value(*key, json()))
                             : list[i] == wanted;
      if (match) {
        out.push_back(list[i]);
        used[i] = true;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!used[i]) out.push_back(list[i]);
  }
  return out;
}

base::Result<json> merge_map(json original, const json& patch) {
  if (!patch.is_object()) return strip_directives(patch);
  if (!original.is_object()) original = json::object();
  const std::string directive = patch.value("$patch", "");
  if (directive == "replace") return strip_directives(patch);
  if (directive == "delete") return json();
  if (!directive.empty() && directive != "merge") {
    return base::Error("unknown patch type: " + directive + " in map: " + patch.dump());
  }
  if (auto retain = patch.find("$retainKeys"); retain != patch.end() && retain->is_array()) {
    for (auto it = original.begin(); it != original.end();) {
      if (std::find(retain->begin(), retain->end(), it.key()) == retain->end()) {
        it = original.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::map<std::string, json> orders;
  for (const auto& [key, value] : patch.items()) {
    if (key.rfind(kSetElementOrder, 0) == 0) {
      orders[key.substr(kSetElementOrder.size())] = value;
      continue;
    }
    if (key.rfind(kDeleteFromPrimitiveList, 0) == 0) {
      const std::string field = key.substr(kDeleteFromPrimitiveList.size());
      if (auto it = original.find(field);
          it != original.end() && it->is_array() && value.is_array()) {
        json kept = json::array();
        for (const json& v : *it) {
          if (std::find(value.begin(), value.end(), v) == value.end()) kept.push_back(v);
        }
        *it = std::move(kept);
      }
      continue;
    }
    if (is_directive(key)) continue;
    if (value.is_null()) {
      original.erase(key);
      continue;
    }
    auto existing = original.find(key);
    if (value.is_object()) {
      auto merged = merge_map(existing != original.end() ? *existing : json(), value);
      if (!merged.ok()) return merged.error();
      if (merged->is_null()) {
        original.erase(key);
      } else {
        original[key] = std::move(*merged);
      }
    } else if (value.is_array()) {
      const auto& keys = merge_keys();
      if (auto mk = keys.find(key); mk != keys.end()) {
        auto merged =
            merge_list(existing != original.end() ? *existing : json(), value, mk->second);
        if (!merged.ok()) return merged.error().context(key);
        original[key] = std::move(*merged);
      } else if (merged_as_set(key)) {
        json merged =
            existing != original.end() && existing->is_array() ? *existing : json::array();
        for (const json& v : value) {
          if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
        }
        original[key] = std::move(merged);
      } else {
        original[key] = strip_directives(value);
      }
    } else {
      original[key] = value;
    }
  }
  for (const auto& [field, order] : orders) {
    auto it = original.find(field);
    if (it == original.end()) continue;
    const auto& keys = merge_keys();
    const auto mk = keys.find(field);
    *it = apply_element_order(*it, order, mk != keys.end() ? &mk->second : nullptr);
  }
  return original;
}

}  // namespace

std::optional<std::string> strategic_merge_key(std::string_view field) {
  const auto& keys = merge_keys();
  if (auto it = keys.find(field); it != keys.end()) return it->second;
  return std::nullopt;
}

bool merged_as_set(std::string_view field) { return field == "finalizers"; }

std::optional<PatchType> patch_type(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "application/json-patch+json") return PatchType::json_patch;
  if (type == "application/merge-patch+json") return PatchType::merge_patch;
  if (type == "application/strategic-merge-patch+json") return PatchType::strategic_merge_patch;
  if (type == "application/apply-patch+yaml" || type == "application/apply-patch+cbor") {
    return PatchType::apply_patch;
  }
  return std::nullopt;
}

base::Result<json> apply_json_patch(const json& object, const json& patch) {
  if (!patch.is_array()) return base::Error("json patch: the patch must be a list of operations");
  try {
    return object.patch(patch);
  } catch (const json::exception& e) {
    return base::Error(std::string("json patch: ") + e.what());
  }
}

base::Result<json> apply_merge_patch(const json& object, const json& patch) {
  json out = object;
  out.merge_patch(patch);
  return out;
}

base::Result<json> apply_strategic_merge_patch(const json& object, const json& patch) {
  if (!patch.is_object()) return base::Error("strategic merge patch: the patch must be a map");
  auto merged = merge_map(object, patch);
  if (!merged.ok()) return merged.error();
  if (merged->is_null()) return base::Error("strategic merge patch: the patch deletes the object");
  return merged;
}

}  // namespace api
